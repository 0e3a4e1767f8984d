//! `ab_set_log_callback`: core's `tracing` records handed to a C function.
//!
//! Installed as the process's `tracing` subscriber the first time a callback is set (unless the
//! program installed one already). Records below the threshold, or not from authbridge, are
//! refused in `enabled` with one atomic load, so logging costs nothing while no callback is
//! set. Core puts no secret in any record, and this layer forwards only the record's message
//! and fields.

use std::ffi::{c_char, c_void, CString};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Once, PoisonError, RwLock};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

use crate::boundary::ffi_status;
use crate::status::ab_status;

/// How much is logged: a callback set with a level gets the records of that level and the
/// more severe ones. Functions take it as a `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_log_level {
    /// Nothing is logged.
    Off = 0,
    /// Failures the library could not handle (a hook that panicked).
    Error = 1,
    /// Trouble it worked around (a hook past its deadline, a store that failed).
    Warn = 2,
    /// Rare events (a receiver listening).
    Info = 3,
    /// One record per vendor call (target `authbridge::call`) and per portal callback
    /// (`authbridge::callback`), and each retry.
    Debug = 4,
    /// Everything.
    Trace = 5,
}

/// A log callback: the record's `ab_log_level`, its target (`"authbridge::call"`, …), its
/// message followed by its fields as ` name=value`, and the `user_data` given with it. Both
/// strings are valid during the call only.
pub type ab_log_fn =
    Option<unsafe extern "C" fn(level: u32, target: *const c_char, message: *const c_char, user_data: *mut c_void)>;

struct Sink {
    callback: unsafe extern "C" fn(u32, *const c_char, *const c_char, *mut c_void),
    user_data: *mut c_void,
}

// SAFETY: `user_data` is only handed back to the callback, which the caller promised is
// thread-safe (see `ab_set_log_callback`).
unsafe impl Send for Sink {}
// SAFETY: as above; the sink itself is never mutated while shared.
unsafe impl Sync for Sink {}

static THRESHOLD: AtomicU32 = AtomicU32::new(ab_log_level::Off as u32);
static SINK: RwLock<Option<Sink>> = RwLock::new(None);
static INSTALL: Once = Once::new();

/// Sends the library's log records of `level` and more severe to `callback_or_null` (`NULL`, or
/// `AB_LOG_LEVEL_OFF`, turns logging off). Replaces any callback set before; once this returns,
/// the previous callback is no longer running and never called again, so its `user_data` may
/// be freed.
///
/// The callback is called on whichever thread makes the record, usually one of the library's
/// runtime threads, possibly several at once: it must be thread-safe, return quickly, and not
/// call authbridge functions itself. Each vendor call is one `AB_LOG_LEVEL_DEBUG` record with
/// target `"authbridge::call"` (vendor, operation, status, attempts, duration_ms, and code when it
/// failed), each portal callback one with target `"authbridge::callback"`. No record holds a
/// password, code, token or key. Fails with `AB_STATUS_INVALID_INPUT` for an unknown level.
#[no_mangle]
pub unsafe extern "C" fn ab_set_log_callback(
    level: u32,
    callback_or_null: ab_log_fn,
    user_data: *mut c_void,
) -> ab_status {
    ffi_status(|| {
        if level > ab_log_level::Trace as u32 {
            return Err(authbridge::Error::invalid("level", "must be an ab_log_level value").into());
        }
        INSTALL.call_once(|| {
            // A program that installed its own subscriber keeps it, and gets core's records there.
            let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(CallbackLayer));
        });
        let sink = callback_or_null.map(|callback| Sink { callback, user_data });
        let level = if sink.is_some() { level } else { ab_log_level::Off as u32 };
        // Taking the write lock waits for every call of the previous callback to return.
        let mut slot = SINK.write().unwrap_or_else(PoisonError::into_inner);
        *slot = sink;
        THRESHOLD.store(level, Ordering::Release);
        Ok(())
    })
}

fn level_number(level: &Level) -> u32 {
    match *level {
        Level::ERROR => ab_log_level::Error as u32,
        Level::WARN => ab_log_level::Warn as u32,
        Level::INFO => ab_log_level::Info as u32,
        Level::DEBUG => ab_log_level::Debug as u32,
        Level::TRACE => ab_log_level::Trace as u32,
    }
}

/// The message, then every other field as ` name=value`.
#[derive(Default)]
struct Text {
    message: String,
    fields: String,
}

impl Visit for Text {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }
}

struct CallbackLayer;

impl<S: Subscriber> Layer<S> for CallbackLayer {
    fn register_callsite(&self, _metadata: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        // The threshold can change at any time: ask `enabled` every time.
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        metadata.is_event()
            && level_number(metadata.level()) <= THRESHOLD.load(Ordering::Acquire)
            && metadata.target().starts_with("authbridge")
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut text = Text::default();
        event.record(&mut text);
        text.message.push_str(&text.fields);
        // Neither a target nor a field holds a NUL; if one did, the record is dropped rather
        // than cut short.
        let (Ok(target), Ok(message)) = (CString::new(event.metadata().target()), CString::new(text.message)) else {
            return;
        };
        let slot = SINK.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(sink) = slot.as_ref() {
            // SAFETY: the callback and its user_data were given together by the program, which
            // promised the callback may be called from any thread while it is set.
            unsafe {
                (sink.callback)(
                    level_number(event.metadata().level()),
                    target.as_ptr(),
                    message.as_ptr(),
                    sink.user_data,
                )
            };
        }
    }
}
