//! `ab_sandbox`: the local stand-in for every vendor, for tests.
//!
//! Built only with the `sandbox` feature and declared in its own header,
//! `include/authbridge_sandbox.h`, so the shipped library and `authbridge.h` carry none of it.
//! Every control operation (add a user, approve a pending login, drive a NoPass login, …) is
//! one JSON request to [`ab_sandbox_control`], dispatched by core; the other functions are the
//! lifecycle and the two shortcuts tests use most, faults and request counts.

#![cfg(feature = "sandbox")]

use std::ffi::c_char;

use authbridge::sandbox::control::FaultSpec;
use authbridge::sandbox::{Fault, Sandbox};
use authbridge::{Error, Vendor};

use crate::args::{handle, out, string, OwnedString};
use crate::boundary::{ffi_status, ffi_void, FfiResult};
use crate::handles::Handle;
use crate::runtime::block_on;
use crate::status::ab_status;

/// The running sandbox: one HTTP server per vendor compiled into the library, and the control
/// endpoint, each on 127.0.0.1 and a free port. Stateful and strict: a request that deviates
/// from the vendor's wire format gets a 400 saying why.
///
/// Thread-safe: control it from any thread while clients call it from others.
pub struct ab_sandbox {
    inner: Sandbox,
}

impl Handle for ab_sandbox {}

/// Starts the sandbox, written to `*out_sandbox`; stop and free it with `ab_sandbox_free`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_start(out_sandbox: *mut *mut ab_sandbox) -> ab_status {
    ffi_status(|| {
        let out_sandbox = out(out_sandbox, "out_sandbox")?;
        let sandbox = block_on(Sandbox::start())??;
        out_sandbox.write(ab_sandbox { inner: sandbox }.into_c());
        Ok(())
    })
}

/// Stops every server of the sandbox, waits until they have stopped, and frees it. `NULL`
/// does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_free(sandbox: *mut ab_sandbox) {
    ffi_void(|| {
        // SAFETY: created by `ab_sandbox_start`, freed once.
        let Some(sandbox) = (unsafe { ab_sandbox::take(sandbox) }) else { return };
        // From inside the runtime (a hook) it cannot wait: dropping still stops the servers.
        let _ = block_on(sandbox.inner.stop());
    });
}

/// The base URL (`http://127.0.0.1:<port>`) of a vendor's stand-in, written to `*out_url`
/// (free it with `ab_string_free`). `vendor` is the vendor's name as errors give it
/// (`"nevisidm"`, `"authx"`, `"descope"`, `"otpone"`, `"nopass"`); a vendor not compiled into
/// this library fails with `AB_STATUS_CONFIG`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_url(
    sandbox: *const ab_sandbox,
    vendor: *const c_char,
    out_url: *mut *mut c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let sandbox = unsafe { handle(sandbox, "sandbox") }?;
        let name = unsafe { string(vendor, "vendor") }?;
        let out_url = out(out_url, "out_url")?;
        let vendor = Vendor::ALL
            .into_iter()
            .find(|v| v.as_str() == name)
            .ok_or_else(|| Error::invalid("vendor", "must be nevisidm, authx, descope, otpone or nopass"))?;
        let url = sandbox
            .inner
            .url(vendor)
            .ok_or_else(|| Error::Config(format!("this library was built without the {vendor} stand-in")))?;
        out_url.write(OwnedString::new(&url, "url")?.into_raw());
        Ok(())
    })
}

/// Where other processes drive this sandbox: the control endpoint's URL
/// (`http://127.0.0.1:<port>/control`, to `*out_url`) and the bearer token it requires (to
/// `*out_token`). Free both with `ab_string_free`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_control_endpoint(
    sandbox: *const ab_sandbox,
    out_url: *mut *mut c_char,
    out_token: *mut *mut c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let sandbox = unsafe { handle(sandbox, "sandbox") }?;
        let (out_url, out_token) = (out(out_url, "out_url")?, out(out_token, "out_token")?);
        let url = OwnedString::new(&sandbox.inner.control_url(), "url")?;
        let token = OwnedString::new(sandbox.inner.control_token(), "token")?;
        out_url.write(url.into_raw());
        out_token.write(token.into_raw());
        Ok(())
    })
}

/// Runs one control operation: `request_json` is one JSON object naming the operation and its
/// arguments, `{"op": "nevis.add_user", "client_ext_id": "1000", "user_ext_id": "alice"}`
/// (the operations are listed in core's `sandbox::control` module). Its answer, as JSON text
/// (`null` for an operation that returns nothing), is written to `*out_answer_json`; free it
/// with `ab_string_free`. A request that is not one of the operations fails with
/// `AB_STATUS_INVALID_INPUT` naming the field. Operations that call a portal back
/// (`nopass.drive_login`, …) or wait (`otpone.wait_pending`) block this thread until done.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_control(
    sandbox: *const ab_sandbox,
    request_json: *const c_char,
    out_answer_json: *mut *mut c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let sandbox = unsafe { handle(sandbox, "sandbox") }?;
        let request = unsafe { string(request_json, "request_json") }?;
        let out_answer = out(out_answer_json, "out_answer_json")?;
        let answer = block_on(sandbox.inner.control_json(request))??;
        out_answer.write(OwnedString::new(&answer, "answer")?.into_raw());
        Ok(())
    })
}

/// Arms a fault on `route` (`"nevisidm.password_login"`, …) for the next `times` requests, or
/// for every request until `{"op": "sandbox.clear_faults"}` when `times` is 0. `fault_json` is
/// one of `{"kind": "delay", "ms": 200}`, `{"kind": "reset"}`,
/// `{"kind": "status", "status": 503, "retry_after": "2"}` (`retry_after` optional),
/// `{"kind": "large_body", "bytes": 100000}` and `{"kind": "truncated_body"}`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_arm(
    sandbox: *const ab_sandbox,
    route: *const c_char,
    fault_json: *const c_char,
    times: u32,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let sandbox = unsafe { handle(sandbox, "sandbox") }?;
        let route = unsafe { string(route, "route") }?;
        let fault = fault(unsafe { string(fault_json, "fault_json") }?)?;
        match times {
            0 => sandbox.inner.arm(route, fault),
            n => sandbox.inner.arm_times(route, fault, n),
        }
        Ok(())
    })
}

fn fault(json: &str) -> FfiResult<Fault> {
    let spec: FaultSpec =
        serde_json::from_str(json).map_err(|e| Error::invalid("fault_json", format!("is not a fault ({e})")))?;
    Ok(Fault::try_from(spec)?)
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
        out(out_count, "out_count")?.write(sandbox.inner.request_count(route));
        Ok(())
    })
}
