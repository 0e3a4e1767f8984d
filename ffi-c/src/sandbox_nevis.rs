//! The nevisIDM stand-in's control API: clients, users, credentials, lock policy.

#![cfg(all(feature = "sandbox", feature = "nevis"))]

use std::ffi::c_char;
use std::time::Duration;

use authbridge::sandbox::{CredentialRef, CredentialState, LockPolicy, NevisSim};
use authbridge::{Error, Vendor, VendorDetail};

use crate::args::{handle, opt_string, out, string, strings, OwnedString};
use crate::boundary::{ffi_status, FfiResult};
use crate::sandbox::ab_sandbox;
use crate::status::ab_status;

/// Which of a user's credentials a control call means. Functions take it as a `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_nevis_credential {
    /// The password (no credential id).
    Password = 1,
    /// A device password; the credential id is its `credentialExtId`.
    DevicePassword = 2,
    /// A context password; the credential id is its context.
    ContextPassword = 3,
}

/// The state of a sandbox nevisIDM credential.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_nevis_credential_state {
    Active = 1,
    Disabled = 2,
    Locked = 3,
}

fn credential(kind: u32, id: Option<&str>) -> Result<CredentialRef, Error> {
    let id = || {
        id.map(str::to_string)
            .ok_or_else(|| Error::invalid("credential_id_or_null", "is required for device and context passwords"))
    };
    Ok(match kind {
        1 => CredentialRef::Password,
        2 => CredentialRef::DevicePassword(id()?),
        3 => CredentialRef::ContextPassword(id()?),
        _ => return Err(Error::invalid("credential", "must be an ab_nevis_credential value")),
    })
}

fn state_from_c(state: u32) -> Result<CredentialState, Error> {
    Ok(match state {
        1 => CredentialState::Active,
        2 => CredentialState::Disabled,
        3 => CredentialState::Locked,
        _ => return Err(Error::invalid("state", "must be an ab_nevis_credential_state value")),
    })
}

fn state_to_c(state: CredentialState) -> ab_nevis_credential_state {
    match state {
        CredentialState::Active => ab_nevis_credential_state::Active,
        CredentialState::Disabled => ab_nevis_credential_state::Disabled,
        CredentialState::Locked => ab_nevis_credential_state::Locked,
    }
}

/// Runs a control call with the sandbox and the client and user ids converted.
fn control(
    sandbox: *const ab_sandbox,
    client_ext_id: *const c_char,
    user_ext_id: *const c_char,
    body: impl FnOnce(&NevisSim, &str, &str) -> FfiResult,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL (the callers' contracts).
        let sandbox = unsafe { handle(sandbox, "sandbox") }?;
        let client_ext_id = unsafe { string(client_ext_id, "client_ext_id") }?;
        let user_ext_id = unsafe { string(user_ext_id, "user_ext_id") }?;
        body(sandbox.inner.nevis(), client_ext_id, user_ext_id)
    })
}

/// Adds a client; `name` is what 404 messages call it (`"Default"` in the seed).
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nevis_add_client(
    sandbox: *const ab_sandbox,
    client_ext_id: *const c_char,
    name: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let sandbox = unsafe { handle(sandbox, "sandbox") }?;
        let client_ext_id = unsafe { string(client_ext_id, "client_ext_id") }?;
        let name = unsafe { string(name, "name") }?;
        sandbox.inner.nevis().add_client(client_ext_id, name);
        Ok(())
    })
}

/// Adds a user with no credentials to an existing client.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nevis_add_user(
    sandbox: *const ab_sandbox,
    client_ext_id: *const c_char,
    user_ext_id: *const c_char,
) -> ab_status {
    control(sandbox, client_ext_id, user_ext_id, |sim, c, u| {
        sim.add_user(c, u);
        Ok(())
    })
}

/// Sets the user's password credential.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nevis_set_password(
    sandbox: *const ab_sandbox,
    client_ext_id: *const c_char,
    user_ext_id: *const c_char,
    password: *const c_char,
) -> ab_status {
    control(sandbox, client_ext_id, user_ext_id, |sim, c, u| {
        // SAFETY: a C string or NULL.
        let password = unsafe { string(password, "password") }?;
        sim.set_password(c, u, password);
        Ok(())
    })
}

/// Adds a device password with external id `credential_ext_id`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nevis_add_device_password(
    sandbox: *const ab_sandbox,
    client_ext_id: *const c_char,
    user_ext_id: *const c_char,
    credential_ext_id: *const c_char,
    password: *const c_char,
) -> ab_status {
    control(sandbox, client_ext_id, user_ext_id, |sim, c, u| {
        // SAFETY: C strings or NULL.
        let credential_ext_id = unsafe { string(credential_ext_id, "credential_ext_id") }?;
        let password = unsafe { string(password, "password") }?;
        sim.add_device_password(c, u, credential_ext_id, password);
        Ok(())
    })
}

/// Adds a context password for `context`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nevis_add_context_password(
    sandbox: *const ab_sandbox,
    client_ext_id: *const c_char,
    user_ext_id: *const c_char,
    context: *const c_char,
    password: *const c_char,
) -> ab_status {
    control(sandbox, client_ext_id, user_ext_id, |sim, c, u| {
        // SAFETY: C strings or NULL.
        let context = unsafe { string(context, "context") }?;
        let password = unsafe { string(password, "password") }?;
        sim.add_context_password(c, u, context, password);
        Ok(())
    })
}

/// Issues `codes_len` single-use recovery codes from the array `codes`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nevis_add_recovery_codes(
    sandbox: *const ab_sandbox,
    client_ext_id: *const c_char,
    user_ext_id: *const c_char,
    codes: *const *const c_char,
    codes_len: usize,
) -> ab_status {
    control(sandbox, client_ext_id, user_ext_id, |sim, c, u| {
        // SAFETY: `codes_len` C strings, or NULL.
        let codes = unsafe { strings(codes, codes_len, "codes") }?;
        sim.add_recovery_codes(c, u, &codes);
        Ok(())
    })
}

/// Sets a credential's state (`ab_nevis_credential_state`): disables it, locks it, or makes it
/// active again with its failures reset. `credential` is an `ab_nevis_credential`;
/// `credential_id_or_null` is the device password's `credentialExtId` or the context, NULL for
/// the password.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nevis_set_state(
    sandbox: *const ab_sandbox,
    client_ext_id: *const c_char,
    user_ext_id: *const c_char,
    credential: u32,
    credential_id_or_null: *const c_char,
    state: u32,
) -> ab_status {
    control(sandbox, client_ext_id, user_ext_id, |sim, c, u| {
        // SAFETY: a C string or NULL.
        let id = unsafe { opt_string(credential_id_or_null, "credential_id_or_null") }?;
        let credential = self::credential(credential, id)?;
        sim.set_state(c, u, &credential, state_from_c(state)?);
        Ok(())
    })
}

/// The state of a credential, written to `*out_state`; `AB_STATUS_NOT_FOUND` if the
/// credential does not exist. Arguments as `ab_sandbox_nevis_set_state`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nevis_credential_state(
    sandbox: *const ab_sandbox,
    client_ext_id: *const c_char,
    user_ext_id: *const c_char,
    credential: u32,
    credential_id_or_null: *const c_char,
    out_state: *mut ab_nevis_credential_state,
) -> ab_status {
    control(sandbox, client_ext_id, user_ext_id, |sim, c, u| {
        // SAFETY: a C string or NULL.
        let id = unsafe { opt_string(credential_id_or_null, "credential_id_or_null") }?;
        let out_state = out(out_state, "out_state")?;
        let credential = self::credential(credential, id)?;
        let state = sim.credential_state(c, u, &credential).ok_or_else(|| {
            Error::NotFound(Box::new(VendorDetail::new(Vendor::Nevis).message("no such credential in the sandbox")))
        })?;
        out_state.write(state_to_c(state));
        Ok(())
    })
}

/// How wrong passwords lock a credential: after `max_failures` failures in a row; for good
/// (statusCode 4) when `temporary_lock_ms` is 0, else for that long (statusCode 9).
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nevis_set_lock_policy(
    sandbox: *const ab_sandbox,
    max_failures: u32,
    temporary_lock_ms: u64,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let sandbox = unsafe { handle(sandbox, "sandbox") }?;
        let temporary_lock = (temporary_lock_ms > 0).then(|| Duration::from_millis(temporary_lock_ms));
        sandbox.inner.nevis().set_lock_policy(LockPolicy { max_failures, temporary_lock });
        Ok(())
    })
}

/// Requires every nevisIDM request to carry header `name` with exactly `value` (else 401).
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nevis_require_header(
    sandbox: *const ab_sandbox,
    name: *const c_char,
    value: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let sandbox = unsafe { handle(sandbox, "sandbox") }?;
        let name = unsafe { string(name, "name") }?;
        let value = unsafe { string(value, "value") }?;
        sandbox.inner.nevis().require_header(name, value);
        Ok(())
    })
}

/// The raw (still percent-encoded) path of the last nevisIDM request, written to `*out_path`
/// (free it with `ab_string_free`); `AB_STATUS_NOT_FOUND` before the first request.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nevis_last_raw_path(
    sandbox: *const ab_sandbox,
    out_path: *mut *mut c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let sandbox = unsafe { handle(sandbox, "sandbox") }?;
        let out_path = out(out_path, "out_path")?;
        let path = sandbox.inner.nevis().last_raw_path().ok_or_else(|| {
            Error::NotFound(Box::new(VendorDetail::new(Vendor::Nevis).message("no nevisIDM request yet")))
        })?;
        out_path.write(OwnedString::new(&path, "path")?.into_raw());
        Ok(())
    })
}
