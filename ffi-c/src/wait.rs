//! `ab_cancel`: stops a wait (a person approving a login on a phone) or a biometric upload
//! from another thread.

use authbridge::CancellationToken;

use crate::args::{handle, out};
use crate::boundary::{ffi_status, ffi_value};
use crate::handles::Handle;
use crate::status::ab_status;

/// A cancellation handle. Pass it to any `*_wait*` function, or in the options of
/// `ab_authx_process_biometric_with`; calling `ab_cancel_cancel` from any thread ends every
/// wait and upload using it with `AB_STATUS_CANCELLED`. Once cancelled it stays cancelled:
/// make a new one for the next wait.
///
/// Thread-safe: cancel from one thread while others wait on it.
pub struct ab_cancel {
    pub(crate) token: CancellationToken,
}

impl Handle for ab_cancel {}

/// Creates a cancellation handle, written to `*out_cancel`; free it with `ab_cancel_free`.
#[no_mangle]
pub unsafe extern "C" fn ab_cancel_new(out_cancel: *mut *mut ab_cancel) -> ab_status {
    ffi_status(|| {
        let out_cancel = out(out_cancel, "out_cancel")?;
        out_cancel.write(ab_cancel { token: CancellationToken::new() }.into_c());
        Ok(())
    })
}

/// Cancels every wait that uses `cancel`, now and later.
#[no_mangle]
pub unsafe extern "C" fn ab_cancel_cancel(cancel: *const ab_cancel) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL, per the header's contract.
        let cancel = unsafe { handle(cancel, "cancel") }?;
        cancel.token.cancel();
        Ok(())
    })
}

/// Whether `cancel` has been cancelled; false for NULL.
#[no_mangle]
pub unsafe extern "C" fn ab_cancel_is_cancelled(cancel: *const ab_cancel) -> bool {
    // SAFETY: a live handle or NULL.
    ffi_value(false, || unsafe { cancel.as_ref() }.is_some_and(|c| c.token.is_cancelled()))
}

/// Frees a cancellation handle. No wait may still be using it. `NULL` does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_cancel_free(cancel: *mut ab_cancel) {
    // SAFETY: created by `ab_cancel_new`, freed once.
    unsafe { ab_cancel::free(cancel) }
}

/// How a `*_wait*` function waits: `timeout_ms` in all, polling every `interval_ms` (0: the
/// library's default of 2 s; never faster than once a second), ended early by `cancel`.
pub(crate) fn wait_options(timeout_ms: u64, interval_ms: u64, cancel: Option<&ab_cancel>) -> authbridge::WaitOptions {
    let mut options = authbridge::WaitOptions::new(std::time::Duration::from_millis(timeout_ms));
    if interval_ms > 0 {
        options = options.interval(std::time::Duration::from_millis(interval_ms));
    }
    if let Some(cancel) = cancel {
        options = options.cancel(cancel.token.clone());
    }
    options
}
