//! The OtpOne stand-in's control API: key pairs, and the person's side of each transaction
//! (approve, deny, let it expire).

#![cfg(all(feature = "sandbox", feature = "otpone"))]

use std::ffi::c_char;
use std::time::Duration;

use authbridge::sandbox::OtpOneSim;
use authbridge::{Error, Vendor, VendorDetail};

use crate::args::{handle, out, string, OwnedString};
use crate::boundary::{ffi_status, FfiResult};
use crate::runtime::block_on;
use crate::sandbox::ab_sandbox;
use crate::status::ab_status;

/// Where a sandbox OtpOne transaction stands.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_otpone_sandbox_status {
    /// Waiting for the person.
    Pending = 1,
    Approved = 2,
    Denied = 3,
    /// Nobody answered in time (or `ab_sandbox_otpone_expire`).
    Expired = 4,
}

fn unknown(transaction_id: &str) -> Error {
    Error::NotFound(Box::new(
        VendorDetail::new(Vendor::OtpOne).message(format!("no pending sandbox transaction '{transaction_id}'")),
    ))
}

fn control(sandbox: *const ab_sandbox, body: impl FnOnce(&OtpOneSim) -> FfiResult) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL (the callers' contract).
        let sandbox = unsafe { handle(sandbox, "sandbox") }?;
        body(sandbox.inner.otpone())
    })
}

/// Registers an API key pair: the server key (`SRV-…`) and its client key (`JS-…`).
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_otpone_register_keys(
    sandbox: *const ab_sandbox,
    server_key: *const c_char,
    client_key: *const c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: C strings or NULL.
        let server_key = unsafe { string(server_key, "server_key") }?;
        let client_key = unsafe { string(client_key, "client_key") }?;
        sim.register_keys(server_key, client_key);
        Ok(())
    })
}

/// The person approves: the transaction becomes approved and the token the web page would
/// receive is written to `*out_token` (free with `ab_string_free`). `AB_STATUS_NOT_FOUND` when
/// the transaction is unknown or no longer pending.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_otpone_approve(
    sandbox: *const ab_sandbox,
    transaction_id: *const c_char,
    out_token: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let id = unsafe { string(transaction_id, "transaction_id") }?;
        let out_token = out(out_token, "out_token")?;
        let token = sim.approve(id).ok_or_else(|| unknown(id))?;
        out_token.write(OwnedString::new(&token, "token")?.into_raw());
        Ok(())
    })
}

/// The person denies. `AB_STATUS_NOT_FOUND` when unknown or no longer pending.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_otpone_deny(
    sandbox: *const ab_sandbox,
    transaction_id: *const c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let id = unsafe { string(transaction_id, "transaction_id") }?;
        sim.deny(id).then_some(()).ok_or_else(|| unknown(id).into())
    })
}

/// The transaction expires now, as if nobody answered. `AB_STATUS_NOT_FOUND` when unknown or
/// no longer pending.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_otpone_expire(
    sandbox: *const ab_sandbox,
    transaction_id: *const c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let id = unsafe { string(transaction_id, "transaction_id") }?;
        sim.expire(id).then_some(()).ok_or_else(|| unknown(id).into())
    })
}

/// Makes results of the transaction report `user` as `UserValided` (to see a mismatch
/// refused). `AB_STATUS_NOT_FOUND` when the transaction is unknown.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_otpone_set_reported_user(
    sandbox: *const ab_sandbox,
    transaction_id: *const c_char,
    user: *const c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: C strings or NULL.
        let id = unsafe { string(transaction_id, "transaction_id") }?;
        let user = unsafe { string(user, "user") }?;
        sim.set_reported_user(id, user).then_some(()).ok_or_else(|| unknown(id).into())
    })
}

/// How long a getTransactionID transaction waits for the person (5 minutes by default).
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_otpone_set_transaction_ttl(sandbox: *const ab_sandbox, ttl_ms: u64) -> ab_status {
    control(sandbox, |sim| {
        sim.set_transaction_ttl(Duration::from_millis(ttl_ms));
        Ok(())
    })
}

/// How long SendRequest waits for the person before answering "timed out" (2 minutes by
/// default).
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_otpone_set_server_only_timeout(
    sandbox: *const ab_sandbox,
    timeout_ms: u64,
) -> ab_status {
    control(sandbox, |sim| {
        sim.set_server_only_timeout(Duration::from_millis(timeout_ms));
        Ok(())
    })
}

/// Makes GetHTML answer `text/html` instead of a JSON string.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_otpone_set_html_as_text(sandbox: *const ab_sandbox, as_text: bool) -> ab_status {
    control(sandbox, |sim| {
        sim.set_html_as_text(as_text);
        Ok(())
    })
}

/// Where a transaction stands, written to `*out_status`; `AB_STATUS_NOT_FOUND` when unknown.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_otpone_transaction_status(
    sandbox: *const ab_sandbox,
    transaction_id: *const c_char,
    out_status: *mut ab_otpone_sandbox_status,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let id = unsafe { string(transaction_id, "transaction_id") }?;
        let out_status = out(out_status, "out_status")?;
        let txn = sim.transaction(id).ok_or_else(|| unknown(id))?;
        out_status.write(match txn.status.as_str() {
            "pending" => ab_otpone_sandbox_status::Pending,
            "approved" => ab_otpone_sandbox_status::Approved,
            "denied" => ab_otpone_sandbox_status::Denied,
            _ => ab_otpone_sandbox_status::Expired,
        });
        Ok(())
    })
}

/// A transaction as the control API shows it, as JSON (`id`, `user_mail`, `request_type`,
/// `message`, `status`, `server_only`, `has_private_token`, `requester`), written to
/// `*out_json`; `AB_STATUS_NOT_FOUND` when unknown.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_otpone_transaction_json(
    sandbox: *const ab_sandbox,
    transaction_id: *const c_char,
    out_json: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let id = unsafe { string(transaction_id, "transaction_id") }?;
        let out_json = out(out_json, "out_json")?;
        let t = sim.transaction(id).ok_or_else(|| unknown(id))?;
        let json = serde_json::json!({
            "id": t.id,
            "user_mail": t.user_mail,
            "request_type": t.request_type,
            "message": t.message,
            "status": t.status.as_str(),
            "server_only": t.server_only,
            "has_private_token": t.has_private_token,
            "requester": t.requester.map(|(ip, os, app)| serde_json::json!({"user_ip": ip, "os_type": os, "app_name": app})),
        });
        out_json.write(OwnedString::new(&json.to_string(), "transaction")?.into_raw());
        Ok(())
    })
}

/// The newest pending transaction of `user_mail`, written to `*out_transaction_id`;
/// `AB_STATUS_NOT_FOUND` when there is none.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_otpone_pending_for(
    sandbox: *const ab_sandbox,
    user_mail: *const c_char,
    out_transaction_id: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let user = unsafe { string(user_mail, "user_mail") }?;
        let out_id = out(out_transaction_id, "out_transaction_id")?;
        let id = sim.pending_for(user).ok_or_else(|| unknown(user))?;
        out_id.write(OwnedString::new(&id, "transaction id")?.into_raw());
        Ok(())
    })
}

/// Waits up to `timeout_ms` for a pending transaction of `user_mail` (a SendRequest in flight
/// on another thread, say) and writes its id to `*out_transaction_id`; `AB_STATUS_TIMEOUT`
/// when none appears in time.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_otpone_wait_pending(
    sandbox: *const ab_sandbox,
    user_mail: *const c_char,
    timeout_ms: u64,
    out_transaction_id: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let user = unsafe { string(user_mail, "user_mail") }?;
        let out_id = out(out_transaction_id, "out_transaction_id")?;
        let after = Duration::from_millis(timeout_ms);
        let id = block_on(sim.wait_pending(user, after))?
            .ok_or_else(|| Error::Timeout { what: "sandbox otpone wait_pending".into(), after })?;
        out_id.write(OwnedString::new(&id, "transaction id")?.into_raw());
        Ok(())
    })
}

/// The raw query string of the last OtpOne request (it holds keys: for wire-format tests
/// only), written to `*out_query`; `AB_STATUS_NOT_FOUND` before the first request.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_otpone_last_query(
    sandbox: *const ab_sandbox,
    out_query: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        let out_query = out(out_query, "out_query")?;
        let query = sim.last_query().ok_or_else(|| {
            Error::NotFound(Box::new(VendorDetail::new(Vendor::OtpOne).message("no OtpOne request yet")))
        })?;
        out_query.write(OwnedString::new(&query, "query")?.into_raw());
        Ok(())
    })
}
