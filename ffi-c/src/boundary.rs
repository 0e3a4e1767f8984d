//! The edge between C and Rust: every exported body runs inside [`ffi_status`],
//! [`ffi_value`] or [`ffi_void`].
//!
//! Since Rust 1.81 a panic that reaches an `extern "C"` function aborts the host process, so
//! each body is wrapped in `catch_unwind`; a caught panic becomes `AB_STATUS_PANIC` (or the
//! function's documented default value) and the panic message goes to the last error.
//! Failures of the body become their status and the last error, and out-parameters are only
//! written by a body that reached its end.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use authbridge::Error;

use crate::error;
use crate::status::ab_status;

/// Why a call failed before or while doing its work.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A required pointer argument was NULL; names the argument.
    Null(&'static str),
    /// A string argument was not UTF-8; names the argument.
    Utf8(&'static str),
    /// A result contains a NUL character, which a C string cannot carry; names the result.
    Nul(&'static str),
    /// The core refused or failed the call.
    Core(Error),
    /// A panic was caught; its message.
    Panic(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Core(error)
    }
}

pub(crate) type FfiResult<T = ()> = Result<T, Failure>;

/// Runs a fallible exported body and turns its outcome into an `ab_status`.
pub(crate) fn ffi_status(body: impl FnOnce() -> FfiResult) -> ab_status {
    match catch_unwind(AssertUnwindSafe(|| {
        crate::test_hooks::maybe_panic();
        body()
    })) {
        Ok(Ok(())) => ab_status::Ok,
        Ok(Err(failure)) => error::record(failure),
        Err(payload) => error::record(Failure::Panic(panic_message(payload))),
    }
}

/// Runs an infallible exported body that returns a value; `on_panic` is returned if it panics.
pub(crate) fn ffi_value<T>(on_panic: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(on_panic)
}

/// Runs an exported body that returns nothing (the `_free` functions).
pub(crate) fn ffi_void(body: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(body));
}

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    let text = match payload.downcast_ref::<&str>() {
        Some(s) => (*s).to_string(),
        None => payload.downcast_ref::<String>().cloned().unwrap_or_else(|| "unknown panic".to_string()),
    };
    // The payload is dropped here; a payload whose drop panics again would abort, which no
    // payload authbridge or its dependencies raise does.
    drop(payload);
    format!("authbridge panicked: {text}")
}
