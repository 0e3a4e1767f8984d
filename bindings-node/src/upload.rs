//! `processBiometric`'s options: a call's `{ signal }`, and `onProgress`.
//!
//! `onProgress(sent, total)` is called on the JavaScript thread through a threadsafe function,
//! in order. The function is made before the call's Promise, so Node handles its queue first:
//! the last progress call (`sent === total`) runs before the Promise settles.

use authbridge::authx::UploadOptions;
use napi::bindgen_prelude::{FnArgs, Function, Object};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;
use napi_derive::napi;

type Progress = ThreadsafeFunction<FnArgs<(f64, f64)>, (), FnArgs<(f64, f64)>, Status, false, true>;

/// The options of `processBiometric`.
#[napi(object, object_to_js = false)]
pub struct UploadCallOptions<'env> {
    /// Cancels the upload: the connection is closed, and the Promise rejects with code
    /// `cancelled`.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Object<'env>>,
    /// Follows the upload: bytes of the whole request body sent so far and in all, about ten
    /// times a second, never going back, and once at the end with `sent === total`.
    #[napi(ts_type = "(sent: number, total: number) => void")]
    pub on_progress: Option<Function<'env, FnArgs<(f64, f64)>, ()>>,
}

/// The core's options for `options.onProgress`; the `signal` goes to the call's Promise.
pub(crate) fn options(options: Option<&UploadCallOptions<'_>>) -> napi::Result<UploadOptions> {
    let upload = UploadOptions::new();
    let Some(callback) = options.and_then(|options| options.on_progress.as_ref()) else { return Ok(upload) };
    // Weak: a pending upload's Promise keeps the process alive, not its progress reports.
    let progress: Progress = callback.build_threadsafe_function().callee_handled::<false>().weak::<true>().build()?;
    Ok(upload.on_progress(move |sent, total| {
        // Byte counts stay far below 2^53, so a JavaScript number holds them exactly. A full
        // queue or a closing environment only loses a report, never the upload.
        let _ = progress.call((sent as f64, total as f64).into(), ThreadsafeFunctionCallMode::NonBlocking);
    }))
}

/// `options.signal`, when given.
pub(crate) fn signal<'a, 'env>(options: &'a Option<UploadCallOptions<'env>>) -> Option<&'a Object<'env>> {
    options.as_ref().and_then(|options| options.signal.as_ref())
}
