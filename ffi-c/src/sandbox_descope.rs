//! The Descope stand-in's control API: projects, users (with roles, tenants, TOTP keys), the
//! person's side of pending nOTP logins, forced errors, token signing, and what the last
//! requests carried.

#![cfg(all(feature = "sandbox", feature = "descope"))]

use std::ffi::c_char;
use std::time::Duration;

use authbridge::sandbox::DescopeSim;
use authbridge::{Error, Vendor, VendorDetail};

use crate::args::{handle, opt_string, out, string, strings, OwnedString};
use crate::boundary::{ffi_status, FfiResult};
use crate::sandbox::ab_sandbox;
use crate::status::ab_status;

fn control(sandbox: *const ab_sandbox, body: impl FnOnce(&DescopeSim) -> FfiResult) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL (the callers' contract).
        let sandbox = unsafe { handle(sandbox, "sandbox") }?;
        body(sandbox.inner.descope())
    })
}

fn missing(what: String) -> Error {
    Error::NotFound(Box::new(VendorDetail::new(Vendor::Descope).message(what)))
}

fn write_text(slot: *mut *mut c_char, name: &'static str, text: &str) -> FfiResult {
    let slot = out(slot, name)?;
    slot.write(OwnedString::new(text, name)?.into_raw());
    Ok(())
}

fn found(ok: bool, what: &str) -> FfiResult {
    ok.then_some(()).ok_or_else(|| missing(format!("no waiting login {what}")).into())
}

/// The project every stand-in knows from the start, written to `*out_project_id`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_project_id(
    sandbox: *const ab_sandbox,
    out_project_id: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |_| write_text(out_project_id, "out_project_id", DescopeSim::PROJECT_ID))
}

/// Accepts requests for another project ID (its users are separate).
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_add_project(
    sandbox: *const ab_sandbox,
    project_id: *const c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        sim.add_project(unsafe { string(project_id, "project_id") }?);
        Ok(())
    })
}

/// The `iss` of tokens issued for `project_id`, written to `*out_issuer`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_issuer(
    sandbox: *const ab_sandbox,
    project_id: *const c_char,
    out_issuer: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let project_id = unsafe { string(project_id, "project_id") }?;
        out(out_issuer, "out_issuer")?;
        write_text(out_issuer, "out_issuer", &sim.issuer(project_id))
    })
}

/// Registers a user (verified phone = `login_id`) and writes its user ID to `*out_user_id`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_add_user(
    sandbox: *const ab_sandbox,
    login_id: *const c_char,
    out_user_id: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let login_id = unsafe { string(login_id, "login_id") }?;
        out(out_user_id, "out_user_id")?;
        write_text(out_user_id, "out_user_id", &sim.add_user(login_id))
    })
}

/// Registers a user with an active TOTP key and writes the key (base32) to `*out_key`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_add_totp_user(
    sandbox: *const ab_sandbox,
    login_id: *const c_char,
    out_key: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let login_id = unsafe { string(login_id, "login_id") }?;
        out(out_key, "out_key")?;
        write_text(out_key, "out_key", &sim.add_totp_user(login_id))
    })
}

/// Sets the roles and permissions put in the user's session JWTs: project-level when
/// `tenant_id_or_null` is NULL, else in that tenant.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_set_roles(
    sandbox: *const ab_sandbox,
    login_id: *const c_char,
    tenant_id_or_null: *const c_char,
    roles: *const *const c_char,
    roles_len: usize,
    permissions: *const *const c_char,
    permissions_len: usize,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: C strings and arrays per the contract.
        let login_id = unsafe { string(login_id, "login_id") }?;
        let tenant = unsafe { opt_string(tenant_id_or_null, "tenant_id_or_null") }?;
        let roles = unsafe { strings(roles, roles_len, "roles") }?;
        let permissions = unsafe { strings(permissions, permissions_len, "permissions") }?;
        match tenant {
            Some(tenant) => sim.set_tenant(login_id, tenant, &roles, &permissions),
            None => sim.set_roles(login_id, &roles, &permissions),
        }
        Ok(())
    })
}

/// The user object Descope would answer for `login_id`, as JSON, in `*out_json`;
/// `AB_STATUS_NOT_FOUND` when there is none.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_user_json(
    sandbox: *const ab_sandbox,
    login_id: *const c_char,
    out_json: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let login_id = unsafe { string(login_id, "login_id") }?;
        out(out_json, "out_json")?;
        let user = sim.user(login_id).ok_or_else(|| missing(format!("no sandbox user '{login_id}'")))?;
        write_text(out_json, "out_json", &user.to_string())
    })
}

/// How many nOTP logins are waiting for the person, written to `*out_count`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_waiting_count(
    sandbox: *const ab_sandbox,
    out_count: *mut usize,
) -> ab_status {
    control(sandbox, |sim| {
        out(out_count, "out_count")?.write(sim.waiting_logins().len());
        Ok(())
    })
}

/// The person sends the message for the login `pending_ref`: it completes as the login ID it
/// named, or as `phone_or_null` (a login started without a login ID becomes that number).
/// `AB_STATUS_NOT_FOUND` when unknown or no longer waiting.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_approve(
    sandbox: *const ab_sandbox,
    pending_ref: *const c_char,
    phone_or_null: *const c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: C strings or NULL.
        let pending_ref = unsafe { string(pending_ref, "pending_ref") }?;
        let phone = unsafe { opt_string(phone_or_null, "phone_or_null") }?;
        let ok = match phone {
            Some(phone) => sim.approve_as(pending_ref, phone),
            None => sim.approve(pending_ref),
        };
        found(ok, "to approve")
    })
}

/// The login is refused (pending-session answers `E066104` from now on).
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_deny(sandbox: *const ab_sandbox, pending_ref: *const c_char) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        found(sim.deny(unsafe { string(pending_ref, "pending_ref") }?), "to deny")
    })
}

/// The login expires now (pending-session answers `E066102` from now on).
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_expire(
    sandbox: *const ab_sandbox,
    pending_ref: *const c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        found(sim.expire(unsafe { string(pending_ref, "pending_ref") }?), "to expire")
    })
}

/// Lifetimes: how long a nOTP login waits for the person, and how long issued session JWTs
/// live (0 keeps a value); whether refresh JWTs come only as the `DSR` cookie.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_set_lifetimes(
    sandbox: *const ab_sandbox,
    pending_ttl_ms: u64,
    session_ttl_ms: u64,
    refresh_in_cookie: bool,
) -> ab_status {
    control(sandbox, |sim| {
        if pending_ttl_ms > 0 {
            sim.set_pending_ttl(Duration::from_millis(pending_ttl_ms));
        }
        if session_ttl_ms > 0 {
            sim.set_session_ttl(Duration::from_millis(session_ttl_ms));
        }
        sim.set_refresh_in_cookie(refresh_in_cookie);
        Ok(())
    })
}

/// Requires every request's bearer to end with `:<key>`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_require_management_key(
    sandbox: *const ab_sandbox,
    key: *const c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        sim.require_management_key(unsafe { string(key, "key") }?);
        Ok(())
    })
}

/// Accepts another nOTP provider path segment besides `whatsapp`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_add_notp_provider(
    sandbox: *const ab_sandbox,
    provider: *const c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        sim.add_notp_provider(unsafe { string(provider, "provider") }?);
        Ok(())
    })
}

/// Answers the next `times` requests on `route` (e.g. `"descope.totp_verify"`) with
/// `http_status` and a Descope error body of `error_code_or_null` (empty body when NULL),
/// with `Retry-After: retry_after_s` unless it is negative. Status 429 with error code NULL
/// answers Descope's rate-limit body.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_fail_next(
    sandbox: *const ab_sandbox,
    route: *const c_char,
    http_status: u16,
    error_code_or_null: *const c_char,
    retry_after_s: i64,
    times: u32,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: C strings or NULL.
        let route = unsafe { string(route, "route") }?;
        let code = unsafe { opt_string(error_code_or_null, "error_code_or_null") }?;
        let retry_after = u64::try_from(retry_after_s).ok();
        match (http_status, code) {
            (429, None) => sim.rate_limit(route, times, retry_after),
            _ => sim.fail_next(route, http_status, code, retry_after, times),
        }
        Ok(())
    })
}

/// Signs `claims_json` (a JSON object) as the stand-in signs its tokens and writes the JWT to
/// `*out_jwt`: for tests that need expired, foreign or otherwise crafted tokens.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_sign_jwt(
    sandbox: *const ab_sandbox,
    claims_json: *const c_char,
    out_jwt: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let claims = unsafe { string(claims_json, "claims_json") }?;
        out(out_jwt, "out_jwt")?;
        let claims: serde_json::Value = serde_json::from_str(claims)
            .map_err(|e| Error::invalid("claims_json", format!("must be a JSON object ({e})")))?;
        write_text(out_jwt, "out_jwt", &sim.sign_jwt(&claims))
    })
}

/// Signs with a new key from now on (the previous keys stay published) and writes the new
/// `kid` to `*out_kid`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_rotate_signing_key(
    sandbox: *const ab_sandbox,
    out_kid: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        out(out_kid, "out_kid")?;
        sim.rotate_signing_key();
        write_text(out_kid, "out_kid", &sim.signing_kid())
    })
}

/// What the last request carried: `what` is a route (`"descope.notp_sign_in"`, …) for its
/// JSON body, `"authorization"` for the raw `Authorization` header, or `"sdk"` for the
/// `x-descope-sdk-name/version` headers as `name/version`. Written to `*out_text`;
/// `AB_STATUS_NOT_FOUND` when there was none.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_descope_last_request(
    sandbox: *const ab_sandbox,
    what: *const c_char,
    out_text: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let what = unsafe { string(what, "what") }?;
        out(out_text, "out_text")?;
        let text = match what {
            "authorization" => sim.last_authorization(),
            "sdk" => sim.last_sdk_headers().map(|(name, version)| format!("{name}/{version}")),
            route => sim.last_request_body(route).map(|body| body.to_string()),
        };
        let text = text.ok_or_else(|| missing(format!("no request for '{what}'")))?;
        write_text(out_text, "out_text", &text)
    })
}
