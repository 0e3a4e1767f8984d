//! nevisIDM (seed `nevisidm-auth-api.txt`): configuration, client and the four logins.
//!
//! A wrong password is HTTP 200 with a `statusCode` other than 5; the core turns it into
//! `AB_STATUS_AUTHENTICATION_FAILED`, and `ab_error_nevis_login_status` tells the C caller
//! whether the credential is now locked.

#![cfg(feature = "nevis")]

use std::ffi::c_char;

use authbridge::nevis::{LoginStatus, LoginStatusCode, NevisAuth, NevisClient, NevisConfig};
use authbridge::{Error, Secret, SecretBytes};

use crate::args::{bytes, handle, opt_out, out, string, OwnedString};
use crate::boundary::{ffi_status, ffi_value, FfiResult};
use crate::error;
use crate::handles::{Handle, Settings};
use crate::runtime::block_on;
use crate::status::ab_status;
use crate::transport::ab_transport_config;

/// The `statusCode` of a nevisIDM Login Status (VENDOR-NOTES), as a C enum. Values equal the
/// wire codes.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_nevis_login_status {
    /// Not a nevisIDM login status (the last error was something else).
    None = 0,
    /// A code this version does not know (the raw code is `ab_error_vendor_code`).
    Other = 1,
    /// 2: login failed.
    Failed = 2,
    /// 3: login failed; one more failure locks the credential.
    FailedLockWarning = 3,
    /// 4: login failed and the credential is now locked.
    FailedLocked = 4,
    /// 5: login OK.
    Ok = 5,
    /// 9: login failed and the credential is temporarily locked.
    FailedTemporarilyLocked = 9,
}

impl From<LoginStatusCode> for ab_nevis_login_status {
    fn from(code: LoginStatusCode) -> Self {
        match code {
            LoginStatusCode::Ok => Self::Ok,
            LoginStatusCode::Failed => Self::Failed,
            LoginStatusCode::FailedLockWarning => Self::FailedLockWarning,
            LoginStatusCode::FailedLocked => Self::FailedLocked,
            LoginStatusCode::FailedTemporarilyLocked => Self::FailedTemporarilyLocked,
            LoginStatusCode::Other(_) => Self::Other,
        }
    }
}

/// Settings for a nevisIDM client: base URL, how the caller authenticates, transport.
///
/// Thread-safe (setters lock the handle).
pub struct ab_nevis_config {
    inner: Settings<NevisConfig>,
}

impl Handle for ab_nevis_config {}

/// A nevisIDM Authentication API client.
///
/// Thread-safe: call it from any number of threads at once; it pools connections.
pub struct ab_nevis_client {
    inner: NevisClient,
}

impl Handle for ab_nevis_client {}

/// Creates a configuration for the nevisIDM at `base_url` (`https://host`, then
/// `/nevisidm/api/auth/v1` is appended, or the full API base URL), with no caller
/// authentication and default transport settings.
#[no_mangle]
pub unsafe extern "C" fn ab_nevis_config_new(
    base_url: *const c_char,
    out_config: *mut *mut ab_nevis_config,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a C string or NULL.
        let base_url = unsafe { string(base_url, "base_url") }?;
        let out_config = out(out_config, "out_config")?;
        let config = NevisConfig::new(base_url)?;
        out_config.write(ab_nevis_config { inner: Settings::new(config) }.into_c());
        Ok(())
    })
}

/// Authenticates the caller with `Authorization: Bearer <token>`.
#[no_mangle]
pub unsafe extern "C" fn ab_nevis_config_set_bearer(config: *const ab_nevis_config, token: *const c_char) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let config = unsafe { handle(config, "config") }?;
        let token = Secret::new(unsafe { string(token, "token") }?);
        config.inner.change(|c| c.auth = NevisAuth::Bearer(token));
        Ok(())
    })
}

/// Authenticates the caller with `Authorization: Basic …` (a gateway in front of nevisIDM).
#[no_mangle]
pub unsafe extern "C" fn ab_nevis_config_set_basic(
    config: *const ab_nevis_config,
    username: *const c_char,
    password: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let config = unsafe { handle(config, "config") }?;
        let username = unsafe { string(username, "username") }?.to_string();
        let password = Secret::new(unsafe { string(password, "password") }?);
        config.inner.change(|c| c.auth = NevisAuth::Basic { username, password });
        Ok(())
    })
}

/// Authenticates the caller with any header, e.g. a nevisAuth SecToken.
#[no_mangle]
pub unsafe extern "C" fn ab_nevis_config_set_header(
    config: *const ab_nevis_config,
    name: *const c_char,
    value: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let config = unsafe { handle(config, "config") }?;
        let name = unsafe { string(name, "name") }?;
        let value = Secret::new(unsafe { string(value, "value") }?);
        let name = http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid("name", "must be an HTTP header name"))?;
        config.inner.change(|c| c.auth = NevisAuth::Header { name, value });
        Ok(())
    })
}

/// Authenticates the caller with mutual TLS: a PEM certificate and private key.
#[no_mangle]
pub unsafe extern "C" fn ab_nevis_config_set_client_certificate(
    config: *const ab_nevis_config,
    pem: *const u8,
    pem_len: usize,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; `pem_len` readable bytes.
        let config = unsafe { handle(config, "config") }?;
        let pem = SecretBytes::new(unsafe { bytes(pem, pem_len, "pem") }?);
        config.inner.change(|c| c.auth = NevisAuth::ClientCertificate(pem));
        Ok(())
    })
}

/// Copies transport settings into the configuration.
#[no_mangle]
pub unsafe extern "C" fn ab_nevis_config_set_transport(
    config: *const ab_nevis_config,
    transport: *const ab_transport_config,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: live handles or NULL.
        let config = unsafe { handle(config, "config") }?;
        let transport = unsafe { handle(transport, "transport") }?.inner.snapshot();
        config.inner.change(|c| c.transport = transport);
        Ok(())
    })
}

/// Frees a configuration. `NULL` does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_nevis_config_free(config: *mut ab_nevis_config) {
    // SAFETY: created by `ab_nevis_config_new`, freed once.
    unsafe { ab_nevis_config::free(config) }
}

/// Creates a client from a configuration (which is copied: free it whenever you like).
#[no_mangle]
pub unsafe extern "C" fn ab_nevis_client_new(
    config: *const ab_nevis_config,
    out_client: *mut *mut ab_nevis_client,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let config = unsafe { handle(config, "config") }?;
        let out_client = out(out_client, "out_client")?;
        let snapshot = config.inner.snapshot();
        let client = NevisClient::new(snapshot)?;
        out_client.write(ab_nevis_client { inner: client }.into_c());
        Ok(())
    })
}

/// Frees a client. No call may still be using it. `NULL` does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_nevis_client_free(client: *mut ab_nevis_client) {
    // SAFETY: created by `ab_nevis_client_new`, freed once.
    unsafe { ab_nevis_client::free(client) }
}

/// Recovery Code login (`POST /{clientExtId}/users/{userExtId}/recovery-codes/login/`).
/// Each code works once; a wrong or used code fails with `AB_STATUS_AUTHENTICATION_FAILED`.
#[no_mangle]
pub unsafe extern "C" fn ab_nevis_recovery_code_login(
    client: *const ab_nevis_client,
    client_ext_id: *const c_char,
    user_ext_id: *const c_char,
    code: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let client = unsafe { handle(client, "client") }?;
        let client_ext_id = unsafe { string(client_ext_id, "client_ext_id") }?;
        let user_ext_id = unsafe { string(user_ext_id, "user_ext_id") }?;
        let code = Secret::new(unsafe { string(code, "code") }?);
        block_on(client.inner.recovery_code_login(client_ext_id, user_ext_id, &code))??;
        Ok(())
    })
}

/// Writes a successful login's status and, if wanted, its description.
fn write_status(
    status: LoginStatus,
    out_status: *mut ab_nevis_login_status,
    out_description_or_null: *mut *mut c_char,
) -> FfiResult {
    let out_status = out(out_status, "out_status")?;
    let description = match opt_out(out_description_or_null) {
        Some(slot) => Some((slot, OwnedString::new(&status.description, "description")?)),
        None => None,
    };
    out_status.write(status.status.into());
    if let Some((slot, text)) = description {
        slot.write(text.into_raw());
    }
    Ok(())
}

/// Password login (`POST /{clientExtId}/users/{userExtId}/password/login/`).
///
/// On success `*out_status` is `AB_NEVIS_LOGIN_STATUS_OK` and, unless
/// `out_description_or_null` is NULL, `*out_description_or_null` receives nevisIDM's
/// description (free it with `ab_string_free`). A wrong password fails with
/// `AB_STATUS_AUTHENTICATION_FAILED`; `ab_error_nevis_login_status()` then says whether the
/// credential is now locked.
#[no_mangle]
pub unsafe extern "C" fn ab_nevis_password_login(
    client: *const ab_nevis_client,
    client_ext_id: *const c_char,
    user_ext_id: *const c_char,
    password: *const c_char,
    out_status: *mut ab_nevis_login_status,
    out_description_or_null: *mut *mut c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let client = unsafe { handle(client, "client") }?;
        let client_ext_id = unsafe { string(client_ext_id, "client_ext_id") }?;
        let user_ext_id = unsafe { string(user_ext_id, "user_ext_id") }?;
        let password = Secret::new(unsafe { string(password, "password") }?);
        out(out_status, "out_status")?;
        let status = block_on(client.inner.password_login(client_ext_id, user_ext_id, &password))??;
        write_status(status, out_status, out_description_or_null)
    })
}

/// Device Password login (`POST /{clientExtId}/users/{userExtId}/device-password/login/`)
/// for the device password `credential_ext_id`. Out-parameters as `ab_nevis_password_login`.
#[no_mangle]
pub unsafe extern "C" fn ab_nevis_device_password_login(
    client: *const ab_nevis_client,
    client_ext_id: *const c_char,
    user_ext_id: *const c_char,
    credential_ext_id: *const c_char,
    password: *const c_char,
    out_status: *mut ab_nevis_login_status,
    out_description_or_null: *mut *mut c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let client = unsafe { handle(client, "client") }?;
        let client_ext_id = unsafe { string(client_ext_id, "client_ext_id") }?;
        let user_ext_id = unsafe { string(user_ext_id, "user_ext_id") }?;
        let credential_ext_id = unsafe { string(credential_ext_id, "credential_ext_id") }?;
        let password = Secret::new(unsafe { string(password, "password") }?);
        out(out_status, "out_status")?;
        let status =
            block_on(client.inner.device_password_login(client_ext_id, user_ext_id, credential_ext_id, &password))??;
        write_status(status, out_status, out_description_or_null)
    })
}

/// Context Password login (`POST /{clientExtId}/users/{userExtId}/context-password/login/`)
/// for the context password of `context`. Out-parameters as `ab_nevis_password_login`.
#[no_mangle]
pub unsafe extern "C" fn ab_nevis_context_password_login(
    client: *const ab_nevis_client,
    client_ext_id: *const c_char,
    user_ext_id: *const c_char,
    context: *const c_char,
    password: *const c_char,
    out_status: *mut ab_nevis_login_status,
    out_description_or_null: *mut *mut c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let client = unsafe { handle(client, "client") }?;
        let client_ext_id = unsafe { string(client_ext_id, "client_ext_id") }?;
        let user_ext_id = unsafe { string(user_ext_id, "user_ext_id") }?;
        let context = unsafe { string(context, "context") }?;
        let password = Secret::new(unsafe { string(password, "password") }?);
        out(out_status, "out_status")?;
        let status = block_on(client.inner.context_password_login(client_ext_id, user_ext_id, context, &password))??;
        write_status(status, out_status, out_description_or_null)
    })
}

/// The nevisIDM login status carried by this thread's last error: after a password login
/// failed with `AB_STATUS_AUTHENTICATION_FAILED`, whether the credential is now locked
/// (`AB_NEVIS_LOGIN_STATUS_FAILED_LOCKED`, …). `AB_NEVIS_LOGIN_STATUS_NONE` otherwise.
#[no_mangle]
pub extern "C" fn ab_error_nevis_login_status() -> ab_nevis_login_status {
    ffi_value(ab_nevis_login_status::None, || {
        error::with_core(ab_nevis_login_status::None, |error: &Error| {
            LoginStatusCode::of(error).map_or(ab_nevis_login_status::None, Into::into)
        })
    })
}
