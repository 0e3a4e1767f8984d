//! ProcessBiometric with its progress reported to a C callback and an `ab_cancel` that stops
//! it: `ab_authx_process_biometric_with` and `ab_authx_process_biometric_file_with`.

#![cfg(feature = "authx")]

use std::ffi::{c_char, c_void};

use authbridge::authx::{BiometricData, UploadOptions};
use authbridge::SecretBytes;

use crate::args::{bytes, handle, out, string};
use crate::authx::{ab_authx_biometric_result, ab_authx_client, ab_authx_device, call_from_c, write_result};
use crate::boundary::{ffi_status, FfiResult};
use crate::runtime::block_on;
use crate::status::ab_status;
use crate::wait::ab_cancel;

/// Told how much of an upload has gone out: `sent` of `total` bytes of the whole request body
/// (`total` is its `Content-Length`). Called with the `user_data` of the options, about ten
/// times a second at most, with `sent` never decreasing, and once at the end with
/// `sent == total`; an upload repeated after a refused token counts from 0 again. Called from
/// a library thread, not the caller's: return quickly, call no blocking authbridge function
/// (`ab_cancel_cancel` is fine).
pub type ab_upload_progress_fn = Option<unsafe extern "C" fn(user_data: *mut c_void, sent: u64, total: u64)>;

/// How a biometric upload is watched and stopped. A zeroed struct asks for neither.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ab_authx_upload_options {
    /// Progress callback, or NULL.
    pub progress: ab_upload_progress_fn,
    /// Passed back to `progress` untouched; must stay valid for the call.
    pub user_data: *mut c_void,
    /// Cancelling it (`ab_cancel_cancel`, from any thread or from `progress`) stops the upload
    /// at once: the connection is closed and the call fails with `AB_STATUS_CANCELLED`. NULL:
    /// the upload cannot be cancelled.
    pub cancel: *const ab_cancel,
}

/// The C callback as a Rust closure.
struct CProgress {
    progress: unsafe extern "C" fn(*mut c_void, u64, u64),
    user_data: *mut c_void,
}

// SAFETY: the header documents that the callback is called from a library thread, with
// `user_data` as given: the caller makes both usable from there.
unsafe impl Send for CProgress {}
// SAFETY: as above; calls never overlap (one upload reports from one stream at a time).
unsafe impl Sync for CProgress {}

impl CProgress {
    fn call(&self, sent: u64, total: u64) {
        // SAFETY: a C function pointer the caller gave with this signature.
        unsafe { (self.progress)(self.user_data, sent, total) }
    }
}

/// The core's options from C's.
///
/// # Safety
/// `options` is NULL or points to a valid struct whose `cancel` is NULL or a live handle.
unsafe fn upload_options(options: *const ab_authx_upload_options) -> UploadOptions {
    let mut upload = UploadOptions::new();
    // SAFETY: per the contract.
    let Some(options) = (unsafe { options.as_ref() }) else { return upload };
    if let Some(progress) = options.progress {
        let progress = CProgress { progress, user_data: options.user_data };
        upload = upload.on_progress(move |sent, total| progress.call(sent, total));
    }
    // SAFETY: per the contract.
    if let Some(cancel) = unsafe { options.cancel.as_ref() } {
        upload = upload.cancel(cancel.token.clone());
    }
    upload
}

/// `ab_authx_process_biometric` with its progress reported and a way to cancel it
/// (`options_or_null`, NULL: neither).
#[no_mangle]
pub unsafe extern "C" fn ab_authx_process_biometric_with(
    client: *const ab_authx_client,
    user_guid: *const c_char,
    kind: u32,
    process: u32,
    correlation_id_or_null: *const c_char,
    device_or_null: *const ab_authx_device,
    src_user_id: i64,
    data: *const u8,
    data_len: usize,
    options_or_null: *const ab_authx_upload_options,
    out_result: *mut ab_authx_biometric_result,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings, bytes and structs per the contract.
        let client = unsafe { handle(client, "client") }?;
        let user = unsafe { string(user_guid, "user_guid") }?;
        let data = SecretBytes::new(unsafe { bytes(data, data_len, "data") }?);
        out(out_result, "out_result")?;
        let call = unsafe { call_from_c(user, kind, process, correlation_id_or_null, device_or_null, src_user_id) }?;
        let options = unsafe { upload_options(options_or_null) };
        let result = block_on(client.inner.process_biometric_with(&call, BiometricData::bytes(data), options))?;
        write_result(result.map_err(Into::into), out_result)
    })
}

/// `ab_authx_process_biometric_file` with its progress reported and a way to cancel it
/// (`options_or_null`, NULL: neither).
#[no_mangle]
pub unsafe extern "C" fn ab_authx_process_biometric_file_with(
    client: *const ab_authx_client,
    user_guid: *const c_char,
    kind: u32,
    process: u32,
    correlation_id_or_null: *const c_char,
    device_or_null: *const ab_authx_device,
    src_user_id: i64,
    path: *const c_char,
    options_or_null: *const ab_authx_upload_options,
    out_result: *mut ab_authx_biometric_result,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings and structs per the contract.
        let client = unsafe { handle(client, "client") }?;
        let user = unsafe { string(user_guid, "user_guid") }?;
        let path = unsafe { string(path, "path") }?;
        out(out_result, "out_result")?;
        let call = unsafe { call_from_c(user, kind, process, correlation_id_or_null, device_or_null, src_user_id) }?;
        let options = unsafe { upload_options(options_or_null) };
        let result: FfiResult<_> = block_on(async {
            let data = BiometricData::file(path).await?;
            client.inner.process_biometric_with(&call, data, options).await
        });
        write_result(result?.map_err(Into::into), out_result)
    })
}
