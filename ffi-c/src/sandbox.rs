//! `ab_sandbox`: the local stand-in for every vendor, with faults and request counters.
//!
//! Each vendor's control API (add users, approve a pending login, …) is in
//! `sandbox_<vendor>.rs`.

#![cfg(feature = "sandbox")]

use std::ffi::c_char;
use std::time::Duration;

use authbridge::sandbox::{Fault, Sandbox};
use authbridge::Error;

use crate::args::{handle, opt_string, out, string, OwnedString};
use crate::boundary::{ffi_status, ffi_void, FfiResult};
use crate::runtime::block_on;
use crate::status::ab_status;
use crate::vendor;

/// The running sandbox: one HTTP server per vendor compiled into the library, on 127.0.0.1
/// and a free port. Stateful and strict: a request that deviates from the vendor's wire
/// format gets a 400 saying why.
///
/// Thread-safe: control it from any thread while clients call it from others.
pub struct ab_sandbox {
    pub(crate) inner: Sandbox,
}

/// Starts the sandbox, written to `*out_sandbox`; stop and free it with `ab_sandbox_free`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_start(out_sandbox: *mut *mut ab_sandbox) -> ab_status {
    ffi_status(|| {
        let out_sandbox = out(out_sandbox, "out_sandbox")?;
        let sandbox = block_on(Sandbox::start())??;
        out_sandbox.write(Box::into_raw(Box::new(ab_sandbox { inner: sandbox })));
        Ok(())
    })
}

/// Stops every server of the sandbox, waits until they have stopped, and frees it. `NULL`
/// does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_free(sandbox: *mut ab_sandbox) {
    ffi_void(|| {
        if sandbox.is_null() {
            return;
        }
        // SAFETY: created by `ab_sandbox_start`, freed once.
        let sandbox = unsafe { Box::from_raw(sandbox) };
        // From inside the runtime (a hook) it cannot wait: dropping still stops the servers.
        let _ = block_on(sandbox.inner.stop());
    });
}

/// The base URL (`http://127.0.0.1:<port>`) of a vendor's stand-in, written to `*out_url`
/// (free it with `ab_string_free`). `vendor` is an `ab_vendor` value; a vendor not compiled
/// into this library fails with `AB_STATUS_CONFIG`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_url(
    sandbox: *const ab_sandbox,
    vendor: u32,
    out_url: *mut *mut c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let sandbox = unsafe { handle(sandbox, "sandbox") }?;
        let out_url = out(out_url, "out_url")?;
        let vendor = vendor::from_c(vendor, "vendor")?;
        let url = sandbox
            .inner
            .url(vendor)
            .ok_or_else(|| Error::Config(format!("this library was built without the {vendor} stand-in")))?;
        out_url.write(OwnedString::new(&url, "url")?.into_raw());
        Ok(())
    })
}

/// Arms `fault` on `route` for the next `times` requests, or until cleared when `times` is 0.
fn arm(
    sandbox: *const ab_sandbox,
    route: *const c_char,
    times: u32,
    fault: impl FnOnce() -> FfiResult<Fault>,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL (the callers' contracts).
        let sandbox = unsafe { handle(sandbox, "sandbox") }?;
        let route = unsafe { string(route, "route") }?;
        let fault = fault()?;
        match times {
            0 => sandbox.inner.arm(route, fault),
            n => sandbox.inner.arm_times(route, fault, n),
        }
        Ok(())
    })
}

/// Makes requests on `route` (e.g. `"nevisidm.password_login"`) wait `delay_ms` before they
/// are handled. `times` requests, or every one until `ab_sandbox_clear_faults` when 0.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_arm_delay(
    sandbox: *const ab_sandbox,
    route: *const c_char,
    delay_ms: u64,
    times: u32,
) -> ab_status {
    arm(sandbox, route, times, || Ok(Fault::Delay(Duration::from_millis(delay_ms))))
}

/// Makes requests on `route` read the request and then close the connection unanswered.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_arm_reset(
    sandbox: *const ab_sandbox,
    route: *const c_char,
    times: u32,
) -> ab_status {
    arm(sandbox, route, times, || Ok(Fault::Reset))
}

/// Makes requests on `route` answer `http_status` at once with an empty JSON body and, unless
/// `retry_after_or_null` is NULL, that `Retry-After` value (seconds or an HTTP date).
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_arm_status(
    sandbox: *const ab_sandbox,
    route: *const c_char,
    http_status: u16,
    retry_after_or_null: *const c_char,
    times: u32,
) -> ab_status {
    arm(sandbox, route, times, || {
        // SAFETY: a C string or NULL.
        let retry_after = unsafe { opt_string(retry_after_or_null, "retry_after_or_null") }?.map(str::to_string);
        Ok(Fault::Status { status: http_status, retry_after })
    })
}

/// Makes requests on `route` be handled, then sends half of the answer and cuts the
/// connection.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_arm_truncated_body(
    sandbox: *const ab_sandbox,
    route: *const c_char,
    times: u32,
) -> ab_status {
    arm(sandbox, route, times, || Ok(Fault::TruncatedBody))
}

/// Makes requests on `route` answer 200 with a JSON body of about `size` bytes, unhandled.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_arm_large_body(
    sandbox: *const ab_sandbox,
    route: *const c_char,
    size: usize,
    times: u32,
) -> ab_status {
    arm(sandbox, route, times, || Ok(Fault::LargeBody(size)))
}

/// Disarms every fault on every route.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_clear_faults(sandbox: *const ab_sandbox) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        unsafe { handle(sandbox, "sandbox") }?.inner.clear_faults();
        Ok(())
    })
}

/// How many requests reached `route` (faulted ones included), written to `*out_count`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_request_count(
    sandbox: *const ab_sandbox,
    route: *const c_char,
    out_count: *mut u64,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let sandbox = unsafe { handle(sandbox, "sandbox") }?;
        let route = unsafe { string(route, "route") }?;
        let out_count = out(out_count, "out_count")?;
        out_count.write(sandbox.inner.request_count(route));
        Ok(())
    })
}

/// Sets every request counter back to 0.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_reset_counts(sandbox: *const ab_sandbox) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        unsafe { handle(sandbox, "sandbox") }?.inner.reset_counts();
        Ok(())
    })
}
