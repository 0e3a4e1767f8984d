//! The thread-local last error: the details behind a failed call's `ab_status`.
//!
//! Each failing call replaces this thread's last error; successful calls leave it alone (like
//! `errno`). Strings returned by the accessors belong to the library and stay valid until the
//! next failing authbridge call on the same thread, `ab_error_clear`, or the thread's end.
//! Other threads' failures never touch them, which is what makes the handles usable from many
//! threads at once.

use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::ptr;

use authbridge::Error;

use crate::boundary::{ffi_value, ffi_void, Failure};
use crate::status::ab_status;

struct LastError {
    status: ab_status,
    code: CString,
    message: CString,
    vendor: Option<CString>,
    vendor_code: Option<CString>,
    vendor_message: Option<CString>,
    http_status: u16,
    retry_after_ms: i64,
    /// The core error itself, for vendor-specific accessors (a nevisIDM login status).
    core: Option<Error>,
}

thread_local! {
    static LAST: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

/// Text for C: interior NULs (never expected in messages) become spaces rather than failing.
fn c_text(text: &str) -> CString {
    CString::new(text.replace('\0', " ")).unwrap_or_default()
}

/// Stores the failure as this thread's last error and returns its status.
pub(crate) fn record(failure: Failure) -> ab_status {
    let error = match failure {
        Failure::Null(name) => bare(ab_status::NullArgument, format!("`{name}` must not be NULL")),
        Failure::Utf8(name) => bare(ab_status::InvalidUtf8, format!("`{name}` is not valid UTF-8")),
        Failure::Nul(what) => {
            bare(ab_status::Decode, format!("{what} contains a NUL character a C string cannot carry"))
        }
        Failure::Panic(message) => bare(ab_status::Panic, message),
        Failure::Core(error) => from_core(error),
    };
    let status = error.status;
    LAST.with(|slot| *slot.borrow_mut() = Some(error));
    status
}

fn bare(status: ab_status, message: String) -> LastError {
    LastError {
        status,
        code: c_text(status.name()),
        message: c_text(&message),
        vendor: None,
        vendor_code: None,
        vendor_message: None,
        http_status: 0,
        retry_after_ms: -1,
        core: None,
    }
}

fn from_core(error: Error) -> LastError {
    LastError {
        status: ab_status::of(&error),
        code: c_text(error.code()),
        message: c_text(&error.to_string()),
        vendor: error.vendor().map(|v| c_text(v.as_str())),
        vendor_code: error.vendor_code().map(c_text),
        vendor_message: error.vendor_message().map(c_text),
        http_status: error.status().unwrap_or(0),
        retry_after_ms: error.retry_after().map_or(-1, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
        core: Some(error),
    }
}

/// Reads the core error behind this thread's last failure, if the last failure was one.
pub(crate) fn with_core<T>(absent: T, f: impl FnOnce(&Error) -> T) -> T {
    LAST.with(|slot| slot.borrow().as_ref().and_then(|e| e.core.as_ref()).map_or(absent, f))
}

fn read<T>(absent: T, field: impl FnOnce(&LastError) -> T) -> T {
    LAST.with(|slot| slot.borrow().as_ref().map_or(absent, field))
}

fn text_ptr(text: &CString) -> *const c_char {
    text.as_ptr()
}

fn opt_text_ptr(text: &Option<CString>) -> *const c_char {
    text.as_ref().map_or(ptr::null(), |t| t.as_ptr())
}

/// The status of this thread's last failed call, or `AB_STATUS_OK` if none failed (or
/// `ab_error_clear` was called since).
#[no_mangle]
pub extern "C" fn ab_error_status() -> ab_status {
    ffi_value(ab_status::Panic, || read(ab_status::Ok, |e| e.status))
}

/// The stable snake_case code of this thread's last error: the core error code
/// (`"not_found"`, `"authentication_failed"`, …) or `"null_argument"`, `"invalid_utf8"`,
/// `"panic"`. `""` when there is none. Never NULL; owned by the library.
#[no_mangle]
pub extern "C" fn ab_error_code() -> *const c_char {
    ffi_value(c"panic".as_ptr(), || read(c"".as_ptr(), |e| text_ptr(&e.code)))
}

/// The human-readable message of this thread's last error; `""` when there is none. It names
/// the argument, field or rule at fault and never contains a secret. Never NULL.
#[no_mangle]
pub extern "C" fn ab_error_message() -> *const c_char {
    ffi_value(c"".as_ptr(), || read(c"".as_ptr(), |e| text_ptr(&e.message)))
}

/// The vendor the last error concerns (`"nevisidm"`, `"authx"`, `"descope"`, `"otpone"`,
/// `"nopass"`), or NULL when it concerns none.
#[no_mangle]
pub extern "C" fn ab_error_vendor() -> *const c_char {
    ffi_value(ptr::null(), || read(ptr::null(), |e| opt_text_ptr(&e.vendor)))
}

/// The vendor's own error code as the vendor spelled it (nevisIDM `errors.noRecord` or a
/// login `statusCode`, AuthX `response_code`, Descope `errorCode`, …), or NULL.
#[no_mangle]
pub extern "C" fn ab_error_vendor_code() -> *const c_char {
    ffi_value(ptr::null(), || read(ptr::null(), |e| opt_text_ptr(&e.vendor_code)))
}

/// The vendor's own error message, or NULL.
#[no_mangle]
pub extern "C" fn ab_error_vendor_message() -> *const c_char {
    ffi_value(ptr::null(), || read(ptr::null(), |e| opt_text_ptr(&e.vendor_message)))
}

/// The HTTP status of the vendor answer behind the last error, or 0 when there was none.
#[no_mangle]
pub extern "C" fn ab_error_http_status() -> u16 {
    ffi_value(0, || read(0, |e| e.http_status))
}

/// How long the server asked to wait before trying again (`Retry-After`), in milliseconds,
/// or -1 when it did not say.
#[no_mangle]
pub extern "C" fn ab_error_retry_after_ms() -> i64 {
    ffi_value(-1, || read(-1, |e| e.retry_after_ms))
}

/// Forgets this thread's last error (pointers obtained from the accessors become invalid).
#[no_mangle]
pub extern "C" fn ab_error_clear() {
    ffi_void(|| LAST.with(|slot| *slot.borrow_mut() = None));
}
