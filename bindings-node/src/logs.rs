//! `setLogger(fn | null, { level })`: core's `tracing` records as plain objects for a
//! JavaScript function.
//!
//! The function is held by a weak threadsafe function: records made on core's runtime threads
//! are queued to the JavaScript thread and delivered there, and a logger never keeps the
//! process alive. Records below the level, or not from authbridge, are refused with one atomic
//! load, so logging costs nothing while no logger is set. Core puts no secret in any record;
//! this layer forwards only the record's message and fields.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Once, PoisonError, RwLock};

use authbridge::records::{CALLBACK_TARGET, CALL_TARGET};
use napi::bindgen_prelude::Function;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Status};
use napi_derive::napi;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

/// A logger that throws must not take the process down from inside a record: its error is
/// reported as a process warning instead.
const GUARDED: &str = r#"(function authbridgeLogger(logger) {
  return function (record) {
    try { logger(record) } catch (error) { process.emitWarning(error, 'AuthBridgeLoggerWarning') }
  }
})"#;

/// One log record. Vendor calls (`target` `authbridge::call`) carry `vendor`, `operation`,
/// `method`, `host`, `status`, `attempts`, `durationMs`, and `code` when they failed; portal
/// callbacks (`authbridge::callback`) carry `callback`, `outcome`, `status`, `durationMs`, and
/// `code` when refused. Other records put their fields in `message`.
#[napi(object)]
#[derive(Default)]
pub struct LogRecord {
    #[napi(ts_type = "'error' | 'warn' | 'info' | 'debug' | 'trace'")]
    pub level: String,
    pub target: String,
    pub message: String,
    pub vendor: Option<String>,
    pub operation: Option<String>,
    pub method: Option<String>,
    pub host: Option<String>,
    pub status: Option<u32>,
    pub attempts: Option<u32>,
    pub duration_ms: Option<f64>,
    pub code: Option<String>,
    pub callback: Option<String>,
    pub outcome: Option<String>,
}

/// Options of `setLogger`.
#[napi(object)]
pub struct LoggerOptions {
    /// The least severe level delivered (default `'debug'`: every call and callback record).
    #[napi(ts_type = "'error' | 'warn' | 'info' | 'debug' | 'trace'")]
    pub level: Option<String>,
}

type Sink = ThreadsafeFunction<LogRecord, (), LogRecord, Status, false, true>;

/// 0: off; then error = 1 … trace = 5.
static THRESHOLD: AtomicU32 = AtomicU32::new(0);
static SINK: RwLock<Option<Arc<Sink>>> = RwLock::new(None);
static INSTALL: Once = Once::new();

const LEVELS: [(&str, Level); 5] = [
    ("error", Level::ERROR),
    ("warn", Level::WARN),
    ("info", Level::INFO),
    ("debug", Level::DEBUG),
    ("trace", Level::TRACE),
];

fn rank(level: &Level) -> u32 {
    LEVELS.iter().position(|(_, l)| l == level).map_or(0, |index| index as u32 + 1)
}

/// Sends authbridge's log records to `logger` on the JavaScript thread, or stops with `null`.
/// One record per vendor call and per portal callback at level `'debug'`; none holds a
/// password, code, token or key. The logger does not keep the process alive.
#[napi(ts_args_type = "logger: ((record: LogRecord) => void) | null, options?: LoggerOptions")]
pub fn set_logger(
    env: &Env,
    logger: Option<Function<LogRecord, ()>>,
    options: Option<LoggerOptions>,
) -> napi::Result<()> {
    let name = options.and_then(|o| o.level).unwrap_or_else(|| "debug".to_string());
    let Some(level) = LEVELS.iter().find(|(n, _)| *n == name).map(|(_, l)| rank(l)) else {
        let rule = "must be 'error', 'warn', 'info', 'debug' or 'trace'";
        return crate::error::check(env, Err(authbridge::Error::invalid("level", rule)));
    };
    INSTALL.call_once(|| {
        // A host that installed its own subscriber keeps it, and gets core's records there.
        let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(NodeLayer));
    });
    let sink = match logger {
        None => None,
        Some(logger) => {
            let guard: Function<Function<LogRecord, ()>, Function<LogRecord, ()>> = env.run_script(GUARDED)?;
            let guarded = guard.call(logger)?;
            Some(Arc::new(
                guarded.build_threadsafe_function::<LogRecord>().callee_handled::<false>().weak::<true>().build()?,
            ))
        }
    };
    let level = if sink.is_some() { level } else { 0 };
    *SINK.write().unwrap_or_else(PoisonError::into_inner) = sink;
    THRESHOLD.store(level, Ordering::Release);
    Ok(())
}

/// Collects a record's fields: the known ones into their own members, the rest into the
/// message as ` name=value`.
struct Fields<'a> {
    record: &'a mut LogRecord,
    rest: String,
}

impl Fields<'_> {
    fn text(&mut self, name: &str, value: String) {
        let slot = match name {
            "message" => {
                self.record.message = value;
                return;
            }
            "vendor" => &mut self.record.vendor,
            "operation" => &mut self.record.operation,
            "method" => &mut self.record.method,
            "host" => &mut self.record.host,
            "code" => &mut self.record.code,
            "callback" => &mut self.record.callback,
            "outcome" => &mut self.record.outcome,
            other => {
                let _ = write!(self.rest, " {other}={value}");
                return;
            }
        };
        *slot = Some(value);
    }
}

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.text(field.name(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.text(field.name(), value.to_string());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "status" => self.record.status = u32::try_from(value).ok(),
            "attempts" => self.record.attempts = u32::try_from(value).ok(),
            name => self.text(name, value.to_string()),
        }
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        match field.name() {
            "duration_ms" => self.record.duration_ms = Some(value),
            name => self.text(name, value.to_string()),
        }
    }
}

struct NodeLayer;

impl<S: Subscriber> Layer<S> for NodeLayer {
    fn register_callsite(&self, _metadata: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        // The level can change at any time: ask `enabled` every time.
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        metadata.is_event()
            && rank(metadata.level()) <= THRESHOLD.load(Ordering::Acquire)
            && metadata.target().starts_with("authbridge")
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let Some(sink) = SINK.read().unwrap_or_else(PoisonError::into_inner).clone() else { return };
        let metadata = event.metadata();
        let level = LEVELS.iter().find(|(_, l)| l == metadata.level()).map_or("trace", |(name, _)| name);
        let mut record =
            LogRecord { level: level.to_string(), target: metadata.target().to_string(), ..LogRecord::default() };
        let mut fields = Fields { record: &mut record, rest: String::new() };
        event.record(&mut fields);
        let rest = fields.rest;
        // A call or callback record's message is complete; other records carry their
        // remaining fields in the message.
        if metadata.target() != CALL_TARGET && metadata.target() != CALLBACK_TARGET {
            record.message.push_str(&rest);
        }
        // Queued for the JavaScript thread; refused only while the environment is closing.
        let _ = sink.call(record, ThreadsafeFunctionCallMode::NonBlocking);
    }
}
