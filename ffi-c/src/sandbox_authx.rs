//! The AuthX stand-in's control API: applications, token lifetimes, users as stored, forced
//! biometric outcomes, and what the last requests carried.

#![cfg(all(feature = "sandbox", feature = "authx"))]

use std::ffi::c_char;
use std::fmt::Write;
use std::time::Duration;

use authbridge::sandbox::AuthxSim;
use authbridge::{Error, Vendor, VendorDetail};
use serde_json::json;

use crate::args::{handle, out, string, OwnedString};
use crate::boundary::{ffi_status, FfiResult};
use crate::sandbox::ab_sandbox;
use crate::status::ab_status;

fn control(sandbox: *const ab_sandbox, body: impl FnOnce(&AuthxSim) -> FfiResult) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL (the callers' contract).
        let sandbox = unsafe { handle(sandbox, "sandbox") }?;
        body(sandbox.inner.authx())
    })
}

fn missing(what: String) -> Error {
    Error::NotFound(Box::new(VendorDetail::new(Vendor::AuthX).message(what)))
}

fn write_text(slot: *mut *mut c_char, name: &'static str, text: &str) -> FfiResult {
    let slot = out(slot, name)?;
    slot.write(OwnedString::new(text, name)?.into_raw());
    Ok(())
}

/// Which of the stand-in's built-in credentials `ab_sandbox_authx_credential` returns.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_sandbox_authx_builtin {
    /// The Manage API `ApplicationId` accepted from the start.
    ApplicationId = 1,
    /// Its `ApplicationKey`.
    ApplicationKey = 2,
    /// The biometric `application_key` accepted from the start.
    BiometricApplicationKey = 3,
    /// Its `secret_key`.
    BiometricSecretKey = 4,
    /// Its `host_name`.
    HostName = 5,
}

/// One of the stand-in's built-in credentials (`credential`, an
/// `ab_sandbox_authx_builtin`), written to `*out_value`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_authx_credential(
    sandbox: *const ab_sandbox,
    credential: u32,
    out_value: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |_| {
        let value = match credential {
            1 => AuthxSim::APPLICATION_ID,
            2 => AuthxSim::APPLICATION_KEY,
            3 => AuthxSim::BIOMETRIC_APPLICATION_KEY,
            4 => AuthxSim::BIOMETRIC_SECRET_KEY,
            5 => AuthxSim::HOST_NAME,
            _ => return Err(Error::invalid("credential", "must be an ab_sandbox_authx_builtin value").into()),
        };
        write_text(out_value, "out_value", value)
    })
}

/// Accepts another Manage API application for AccessToken.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_authx_add_application(
    sandbox: *const ab_sandbox,
    application_id: *const c_char,
    application_key: *const c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: C strings or NULL.
        let id = unsafe { string(application_id, "application_id") }?;
        let key = unsafe { string(application_key, "application_key") }?;
        sim.add_application(id, key);
        Ok(())
    })
}

/// Accepts another application in ProcessBiometric's `application_parameters`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_authx_add_biometric_app(
    sandbox: *const ab_sandbox,
    application_key: *const c_char,
    secret_key: *const c_char,
    host_name: *const c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: C strings or NULL.
        let key = unsafe { string(application_key, "application_key") }?;
        let secret = unsafe { string(secret_key, "secret_key") }?;
        let host = unsafe { string(host_name, "host_name") }?;
        sim.add_biometric_app(key, secret, host);
        Ok(())
    })
}

/// The lifetime (`expires_in`) of tokens issued from now on.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_authx_set_token_lifetime(
    sandbox: *const ab_sandbox,
    lifetime_ms: u64,
) -> ab_status {
    control(sandbox, |sim| {
        sim.set_token_lifetime(Duration::from_millis(lifetime_ms));
        Ok(())
    })
}

/// Ends every token issued so far: calls carrying one get 401 from now on.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_authx_expire_tokens(sandbox: *const ab_sandbox) -> ab_status {
    control(sandbox, |sim| {
        sim.expire_tokens();
        Ok(())
    })
}

/// How many access tokens were issued, written to `*out_count`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_authx_issued_token_count(
    sandbox: *const ab_sandbox,
    out_count: *mut usize,
) -> ab_status {
    control(sandbox, |sim| {
        out(out_count, "out_count")?.write(sim.issued_tokens().len());
        Ok(())
    })
}

/// How many users the stand-in holds, written to `*out_count`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_authx_user_count(sandbox: *const ab_sandbox, out_count: *mut usize) -> ab_status {
    control(sandbox, |sim| {
        out(out_count, "out_count")?.write(sim.user_count());
        Ok(())
    })
}

/// The user with this `guid` (or, when `by_user_name` is true, this `user_name`) as stored,
/// as JSON (`guid`, `user_name`, `email`, `first_name`, `last_name`, `country_code`,
/// `number`, `aliases`, `has_pin`, `enrolled`), written to `*out_json`; `AB_STATUS_NOT_FOUND`
/// when there is none.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_authx_user_json(
    sandbox: *const ab_sandbox,
    key: *const c_char,
    by_user_name: bool,
    out_json: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let key = unsafe { string(key, "key") }?;
        out(out_json, "out_json")?;
        let user = if by_user_name { sim.user_named(key) } else { sim.user(key) };
        let u = user.ok_or_else(|| missing(format!("no sandbox user '{key}'")))?;
        let value = json!({
            "guid": u.guid, "user_name": u.user_name, "email": u.email, "first_name": u.first_name,
            "last_name": u.last_name, "country_code": u.country_code, "number": u.number,
            "aliases": u.aliases, "has_pin": u.has_pin, "enrolled": u.enrolled,
        });
        write_text(out_json, "out_json", &value.to_string())
    })
}

/// Makes the next ProcessBiometric that passes the wire and token checks answer
/// `response_code` instead of comparing samples (FaceQualityPoor = 3, …). Queued in order.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_authx_queue_biometric_outcome(
    sandbox: *const ab_sandbox,
    response_code: i64,
) -> ab_status {
    control(sandbox, |sim| {
        sim.queue_biometric_outcome(response_code);
        Ok(())
    })
}

/// The JSON body of the last request on a JSON route (`"authx.AddUser"`, …) as received,
/// written to `*out_json`; `AB_STATUS_NOT_FOUND` when there was none.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_authx_last_request_json(
    sandbox: *const ab_sandbox,
    route: *const c_char,
    out_json: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let route = unsafe { string(route, "route") }?;
        out(out_json, "out_json")?;
        let body = sim.last_request(route).ok_or_else(|| missing(format!("no request on {route}")))?;
        write_text(out_json, "out_json", &body.to_string())
    })
}

/// What the last accepted ProcessBiometric upload carried, as JSON (`bytes`, `sha256` in
/// hex, `content_length` or null for a chunked upload, `data_content_type`,
/// `process_biometrics`), written to `*out_json`; `AB_STATUS_NOT_FOUND` before the first.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_authx_last_upload_json(
    sandbox: *const ab_sandbox,
    out_json: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        out(out_json, "out_json")?;
        let upload = sim.last_upload().ok_or_else(|| missing("no biometric upload yet".into()))?;
        let sha = upload.sha256.iter().fold(String::new(), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        });
        let value = json!({
            "bytes": upload.bytes, "sha256": sha, "content_length": upload.content_length,
            "data_content_type": upload.data_content_type, "process_biometrics": upload.process_biometrics,
        });
        write_text(out_json, "out_json", &value.to_string())
    })
}
