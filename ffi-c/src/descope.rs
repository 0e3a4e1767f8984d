//! Descope nOTP and TOTP (seed `descope-notp-totp-api.txt`) and session validation:
//! configuration, client, typed sessions and enrolments, waits on a pending nOTP login.
//!
//! Richer inputs that C rarely builds (`loginOptions` with custom claims and template
//! options) are JSON text; everything a login provider reads (tokens, user id, login status)
//! is a typed field.

#![cfg(feature = "descope")]

use std::ffi::c_char;
use std::ptr;
use std::time::Duration;

use authbridge::descope::{
    DescopeClient, DescopeConfig, LoginOptions, NotpOptions, NotpStart, PendingSession, Session, SessionClaims,
    SessionRejection, TotpEnrollment, UserDetails,
};
use authbridge::{Error, Secret};
use serde_json::{json, Map, Value};

use crate::args::{handle, opt_handle, opt_string, out, string, OwnedString};
use crate::boundary::{ffi_status, ffi_value, ffi_void, FfiResult};
use crate::error;
use crate::handles::{Handle, Settings};
use crate::runtime::block_on;
use crate::status::ab_status;
use crate::strings::{ab_string_free, free_fields};
use crate::transport::ab_transport_config;
use crate::wait::{ab_cancel, wait_options};

/// Details of a user being signed up (`user`); every field may be NULL (not sent).
#[repr(C)]
pub struct ab_descope_user_details {
    pub name: *const c_char,
    pub given_name: *const c_char,
    pub middle_name: *const c_char,
    pub family_name: *const c_char,
    pub email: *const c_char,
    pub phone: *const c_char,
}

/// Options of a nOTP start; every field may be NULL.
#[repr(C)]
pub struct ab_descope_notp_options {
    /// The path's provider segment (`whatsapp` when NULL).
    pub provider: *const c_char,
    /// `providerId`, sent only when given.
    pub provider_id: *const c_char,
    /// `loginOptions` as JSON: `{"stepup","mfa","customClaims","templateOptions",
    /// "revokeOtherSessions"}`.
    pub login_options_json: *const c_char,
    /// The signed-in user's refresh JWT, for a `stepup` or `mfa` sign-in.
    pub refresh_jwt: *const c_char,
}

/// What a nOTP start returns: show `image` (a base64 PNG QR code) or send the person to
/// `redirect_url`, then wait with `pending_ref` (a secret). Free with
/// `ab_descope_notp_start_free`.
#[repr(C)]
pub struct ab_descope_notp_start {
    pub pending_ref: *mut c_char,
    pub redirect_url: *mut c_char,
    pub image: *mut c_char,
}

/// A new TOTP key in the three forms for showing it (all carry the key). Free with
/// `ab_descope_totp_enrollment_free`.
#[repr(C)]
pub struct ab_descope_totp_enrollment {
    /// `provisioningURL`: the `otpauth://` URI (show it as a QR code).
    pub provisioning_url: *mut c_char,
    /// That QR code as base64 PNG.
    pub image: *mut c_char,
    /// The base32 key.
    pub key: *mut c_char,
}

/// A signed-in user's tokens and profile. Free with `ab_descope_session_free` (tokens are
/// wiped).
#[repr(C)]
pub struct ab_descope_session {
    pub session_jwt: *mut c_char,
    /// NULL when Descope sent none.
    pub refresh_jwt: *mut c_char,
    /// `cookieMaxAge` in seconds, or -1.
    pub cookie_max_age: i64,
    /// `cookieExpiration` (Unix seconds), or -1.
    pub cookie_expiration: i64,
    /// `firstSeen`: this login created the user.
    pub first_seen: bool,
    pub user_id: *mut c_char,
    /// NULL when not set.
    pub email: *mut c_char,
    /// NULL when not set.
    pub phone: *mut c_char,
    /// NULL when not set.
    pub name: *mut c_char,
    /// The whole user object as JSON (`loginIds`, `status`, `customAttributes`, …).
    pub user_json: *mut c_char,
}

/// The claims of a valid session JWT. Free with `ab_descope_claims_free`.
#[repr(C)]
pub struct ab_descope_claims {
    /// `sub`: the Descope user ID.
    pub subject: *mut c_char,
    pub issuer: *mut c_char,
    /// `iat` (Unix seconds), 0 when absent.
    pub issued_at: u64,
    /// `exp` (Unix seconds).
    pub expires_at: u64,
    /// Every claim as JSON (`roles`, `permissions`, `tenants`, custom claims).
    pub claims_json: *mut c_char,
}

/// Why a session JWT was refused (`ab_error_descope_session_rejection`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_descope_session_rejection {
    /// The last error was not a session rejection.
    None = 0,
    Malformed = 1,
    UnknownKey = 2,
    AlgorithmMismatch = 3,
    BadSignature = 4,
    Expired = 5,
    NotYetValid = 6,
    WrongIssuer = 7,
    WrongAudience = 8,
    NotASessionToken = 9,
}

/// Descope settings: project, API host, management key, transport, session validation.
///
/// Thread-safe (setters lock the handle).
pub struct ab_descope_config {
    inner: Settings<DescopeConfig>,
}

impl Handle for ab_descope_config {}

impl ab_descope_config {
    fn change(&self, f: impl FnOnce(DescopeConfig) -> Result<DescopeConfig, Error>) -> FfiResult {
        self.inner.change(|slot| {
            *slot = f(slot.clone())?;
            Ok(())
        })
    }
}

/// A Descope client (it caches the project's public keys for session validation).
///
/// Thread-safe: call it from any number of threads at once.
pub struct ab_descope_client {
    inner: DescopeClient,
}

impl Handle for ab_descope_client {}

/// Frees the strings inside (all are wiped: the reference is a secret); `NULL` and a second
/// call do nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_notp_start_free(start: *mut ab_descope_notp_start) {
    ffi_void(|| {
        // SAFETY: NULL or a struct filled by this library (or zeroed).
        let Some(s) = (unsafe { start.as_mut() }) else { return };
        // SAFETY: each non-NULL field came from `OwnedString::into_raw`.
        unsafe { free_fields([&mut s.pending_ref, &mut s.redirect_url, &mut s.image]) };
    });
}

/// Frees the strings inside (wiped); `NULL` and a second call do nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_totp_enrollment_free(enrollment: *mut ab_descope_totp_enrollment) {
    ffi_void(|| {
        // SAFETY: NULL or a struct filled by this library (or zeroed).
        let Some(e) = (unsafe { enrollment.as_mut() }) else { return };
        // SAFETY: each non-NULL field came from `OwnedString::into_raw`.
        unsafe { free_fields([&mut e.provisioning_url, &mut e.image, &mut e.key]) };
    });
}

/// Frees the strings inside (tokens wiped); `NULL` and a second call do nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_session_free(session: *mut ab_descope_session) {
    ffi_void(|| {
        // SAFETY: NULL or a struct filled by this library (or zeroed).
        let Some(s) = (unsafe { session.as_mut() }) else { return };
        // SAFETY: each non-NULL field came from `OwnedString::into_raw`.
        unsafe {
            free_fields([
                &mut s.session_jwt,
                &mut s.refresh_jwt,
                &mut s.user_id,
                &mut s.email,
                &mut s.phone,
                &mut s.name,
                &mut s.user_json,
            ])
        };
    });
}

/// Frees the strings inside; `NULL` and a second call do nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_claims_free(claims: *mut ab_descope_claims) {
    ffi_void(|| {
        // SAFETY: NULL or a struct filled by this library (or zeroed).
        let Some(c) = (unsafe { claims.as_mut() }) else { return };
        // SAFETY: each non-NULL field came from `OwnedString::into_raw`.
        unsafe { free_fields([&mut c.subject, &mut c.issuer, &mut c.claims_json]) };
    });
}

/// Strings handed out so far by one conversion; freed again if a later one fails.
struct Allocated(Vec<*mut c_char>);

impl Allocated {
    fn text(&mut self, value: &str, what: &'static str) -> FfiResult<*mut c_char> {
        let p = OwnedString::new(value, what)?.into_raw();
        self.0.push(p);
        Ok(p)
    }

    fn opt(&mut self, value: Option<&str>, what: &'static str) -> FfiResult<*mut c_char> {
        value.map_or(Ok(ptr::null_mut()), |v| self.text(v, what))
    }

    fn release(mut self) {
        self.0.clear();
    }
}

impl Drop for Allocated {
    fn drop(&mut self) {
        for p in self.0.drain(..) {
            // SAFETY: from `OwnedString::into_raw`, not handed out.
            unsafe { ab_string_free(p) };
        }
    }
}

fn user_json(session: &Session) -> Value {
    let u = &session.user;
    let mut object: Map<String, Value> = u.extra.clone();
    let typed = json!({
        "userId": u.user_id, "loginIds": u.login_ids, "name": u.name, "givenName": u.given_name,
        "middleName": u.middle_name, "familyName": u.family_name, "email": u.email, "phone": u.phone,
        "verifiedEmail": u.verified_email, "verifiedPhone": u.verified_phone, "status": u.status,
        "picture": u.picture, "roleNames": u.role_names, "createdTime": u.created_time, "TOTP": u.totp,
    });
    if let Value::Object(fields) = typed {
        object.extend(fields);
    }
    Value::Object(object)
}

fn session_to_c(s: &Session) -> FfiResult<ab_descope_session> {
    let mut a = Allocated(Vec::new());
    let session = ab_descope_session {
        session_jwt: a.text(s.session_jwt.expose(), "sessionJwt")?,
        refresh_jwt: a.opt(s.refresh_jwt.as_ref().map(Secret::expose), "refreshJwt")?,
        cookie_max_age: s.cookie_max_age.unwrap_or(-1),
        cookie_expiration: s.cookie_expiration.unwrap_or(-1),
        first_seen: s.first_seen,
        user_id: a.text(&s.user.user_id, "userId")?,
        email: a.opt(s.user.email.as_deref(), "email")?,
        phone: a.opt(s.user.phone.as_deref(), "phone")?,
        name: a.opt(s.user.name.as_deref(), "name")?,
        user_json: a.text(&user_json(s).to_string(), "user")?,
    };
    a.release();
    Ok(session)
}

fn write_session(session: FfiResult<Session>, out_session: *mut ab_descope_session) -> FfiResult {
    let slot = out(out_session, "out_session")?;
    let session = session_to_c(&session?)?;
    slot.write(session);
    Ok(())
}

fn write_start(start: FfiResult<NotpStart>, out_start: *mut ab_descope_notp_start) -> FfiResult {
    let slot = out(out_start, "out_start")?;
    let start = start?;
    let mut a = Allocated(Vec::new());
    let value = ab_descope_notp_start {
        pending_ref: a.text(start.pending_ref.expose(), "pendingRef")?,
        redirect_url: a.text(&start.redirect_url, "redirectUrl")?,
        image: a.text(&start.image, "image")?,
    };
    a.release();
    slot.write(value);
    Ok(())
}

fn write_enrollment(e: FfiResult<TotpEnrollment>, out_enrollment: *mut ab_descope_totp_enrollment) -> FfiResult {
    let slot = out(out_enrollment, "out_enrollment")?;
    let e = e?;
    let mut a = Allocated(Vec::new());
    let value = ab_descope_totp_enrollment {
        provisioning_url: a.text(e.provisioning_url.expose(), "provisioningURL")?,
        image: a.text(e.image.expose(), "image")?,
        key: a.text(e.key.expose(), "key")?,
    };
    a.release();
    slot.write(value);
    Ok(())
}

/// `loginOptions` from JSON text.
fn login_options(json: Option<&str>, field: &'static str) -> FfiResult<Option<LoginOptions>> {
    let Some(json) = json else { return Ok(None) };
    let value: Value =
        serde_json::from_str(json).map_err(|e| Error::invalid(field, format!("must be a JSON object ({e})")))?;
    let object = value.as_object().ok_or_else(|| Error::invalid(field, "must be a JSON object"))?;
    let mut options = LoginOptions::default();
    for (key, value) in object {
        let flag = || value.as_bool().ok_or_else(|| Error::invalid(field, format!("`{key}` must be true or false")));
        match key.as_str() {
            "stepup" => options.stepup = flag()?,
            "mfa" => options.mfa = flag()?,
            "revokeOtherSessions" => options.revoke_other_sessions = flag()?,
            "customClaims" => {
                options.custom_claims = value
                    .as_object()
                    .cloned()
                    .ok_or_else(|| Error::invalid(field, "`customClaims` must be an object"))?
            }
            "templateOptions" => {
                let map =
                    value.as_object().ok_or_else(|| Error::invalid(field, "`templateOptions` must be an object"))?;
                for (k, v) in map {
                    let text =
                        v.as_str().ok_or_else(|| Error::invalid(field, "`templateOptions` values must be strings"))?;
                    options.template_options.insert(k.clone(), text.to_string());
                }
            }
            other => return Err(Error::invalid(field, format!("has an unknown option `{other}`")).into()),
        }
    }
    Ok(Some(options))
}

/// Reads a user-details struct.
///
/// # Safety
/// NULL or a valid struct whose non-NULL fields are C strings.
unsafe fn user_details(user: *const ab_descope_user_details) -> FfiResult<Option<UserDetails>> {
    // SAFETY: per the contract.
    let Some(u) = (unsafe { user.as_ref() }) else { return Ok(None) };
    // SAFETY: C strings or NULL.
    let f = |p, name| unsafe { opt_string(p, name) }.map(|v| v.map(str::to_string));
    Ok(Some(UserDetails {
        name: f(u.name, "user.name")?,
        given_name: f(u.given_name, "user.given_name")?,
        middle_name: f(u.middle_name, "user.middle_name")?,
        family_name: f(u.family_name, "user.family_name")?,
        email: f(u.email, "user.email")?,
        phone: f(u.phone, "user.phone")?,
    }))
}

/// Reads nOTP options.
///
/// # Safety
/// NULL or a valid struct whose non-NULL fields are C strings.
unsafe fn notp_options(options: *const ab_descope_notp_options) -> FfiResult<NotpOptions> {
    let mut result = NotpOptions::default();
    // SAFETY: per the contract.
    let Some(o) = (unsafe { options.as_ref() }) else { return Ok(result) };
    // SAFETY: C strings or NULL.
    unsafe {
        if let Some(provider) = opt_string(o.provider, "options.provider")? {
            result.provider = provider.to_string();
        }
        result.provider_id = opt_string(o.provider_id, "options.provider_id")?.map(str::to_string);
        if let Some(login) =
            login_options(opt_string(o.login_options_json, "options.login_options_json")?, "loginOptions")?
        {
            result.login_options = login;
        }
        result.refresh_jwt = opt_string(o.refresh_jwt, "options.refresh_jwt")?.map(Secret::new);
    }
    Ok(result)
}

/// Creates Descope settings for `project_id`, on the host Descope's SDKs derive from it.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_config_new(
    project_id: *const c_char,
    out_config: *mut *mut ab_descope_config,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a C string or NULL.
        let project_id = unsafe { string(project_id, "project_id") }?;
        let out_config = out(out_config, "out_config")?;
        let config = DescopeConfig::new(project_id)?;
        out_config.write(ab_descope_config { inner: Settings::new(config) }.into_c());
        Ok(())
    })
}

/// Uses another API host (a custom domain, a proxy, the sandbox).
#[no_mangle]
pub unsafe extern "C" fn ab_descope_config_set_base_url(
    config: *const ab_descope_config,
    base_url: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let config = unsafe { handle(config, "config") }?;
        let base_url = unsafe { string(base_url, "base_url") }?;
        config.change(|c| c.base_url(base_url))
    })
}

/// Appends a management key to every bearer, for projects that require one.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_config_set_management_key(
    config: *const ab_descope_config,
    management_key: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let config = unsafe { handle(config, "config") }?;
        let key = Secret::new(unsafe { string(management_key, "management_key") }?);
        config.change(|c| c.management_key(key))
    })
}

/// Copies transport settings into the configuration.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_config_set_transport(
    config: *const ab_descope_config,
    transport: *const ab_transport_config,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: live handles or NULL.
        let config = unsafe { handle(config, "config") }?;
        let transport = unsafe { handle(transport, "transport") }?.inner.snapshot();
        config.change(|c| Ok(c.transport(transport)))
    })
}

/// How session JWTs are checked: clock skew tolerated on `exp`/`iat`, how often the key set
/// may be fetched again for an unknown `kid`, and the audience `aud` must contain (NULL: not
/// checked).
#[no_mangle]
pub unsafe extern "C" fn ab_descope_config_set_session_validation(
    config: *const ab_descope_config,
    leeway_ms: u64,
    min_key_refresh_ms: u64,
    audience_or_null: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let config = unsafe { handle(config, "config") }?;
        let audience = unsafe { opt_string(audience_or_null, "audience_or_null") }?.map(str::to_string);
        config.change(|mut c| {
            c.session_validation.leeway = Duration::from_millis(leeway_ms);
            c.session_validation.min_key_refresh = Duration::from_millis(min_key_refresh_ms);
            c.session_validation.audience = audience;
            Ok(c)
        })
    })
}

/// Frees Descope settings. `NULL` does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_config_free(config: *mut ab_descope_config) {
    // SAFETY: created by `ab_descope_config_new`, freed once.
    unsafe { ab_descope_config::free(config) }
}

/// Creates a client from the settings (copied).
#[no_mangle]
pub unsafe extern "C" fn ab_descope_client_new(
    config: *const ab_descope_config,
    out_client: *mut *mut ab_descope_client,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let config = unsafe { handle(config, "config") }?;
        let out_client = out(out_client, "out_client")?;
        let snapshot = config.inner.snapshot();
        let client = DescopeClient::new(snapshot)?;
        out_client.write(ab_descope_client { inner: client }.into_c());
        Ok(())
    })
}

/// Frees a client. No call may still be using it. `NULL` does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_client_free(client: *mut ab_descope_client) {
    // SAFETY: created by `ab_descope_client_new`, freed once.
    unsafe { ab_descope_client::free(client) }
}

/// nOTP sign-up: starts signing up a new user (`login_id` may be `""`: the person's WhatsApp
/// number then becomes the login ID). Fills `*out_start` (free with
/// `ab_descope_notp_start_free`).
#[no_mangle]
pub unsafe extern "C" fn ab_descope_notp_sign_up(
    client: *const ab_descope_client,
    login_id: *const c_char,
    user_or_null: *const ab_descope_user_details,
    options_or_null: *const ab_descope_notp_options,
    out_start: *mut ab_descope_notp_start,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C string and structs per the contract.
        let client = unsafe { handle(client, "client") }?;
        let login_id = unsafe { string(login_id, "login_id") }?;
        out(out_start, "out_start")?;
        let user = unsafe { user_details(user_or_null) }?;
        let options = unsafe { notp_options(options_or_null) }?;
        let start = block_on(client.inner.notp_sign_up(login_id, user.as_ref(), &options))?;
        write_start(start.map_err(Into::into), out_start)
    })
}

/// nOTP sign-in: starts signing in `login_id`. Fills `*out_start`.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_notp_sign_in(
    client: *const ab_descope_client,
    login_id: *const c_char,
    options_or_null: *const ab_descope_notp_options,
    out_start: *mut ab_descope_notp_start,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C string and struct per the contract.
        let client = unsafe { handle(client, "client") }?;
        let login_id = unsafe { string(login_id, "login_id") }?;
        out(out_start, "out_start")?;
        let options = unsafe { notp_options(options_or_null) }?;
        let start = block_on(client.inner.notp_sign_in(login_id, &options))?;
        write_start(start.map_err(Into::into), out_start)
    })
}

/// nOTP sign-up-or-in: signs in, signing the user up first when the login ID is new. Fills
/// `*out_start`.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_notp_sign_up_or_in(
    client: *const ab_descope_client,
    login_id: *const c_char,
    options_or_null: *const ab_descope_notp_options,
    out_start: *mut ab_descope_notp_start,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C string and struct per the contract.
        let client = unsafe { handle(client, "client") }?;
        let login_id = unsafe { string(login_id, "login_id") }?;
        out(out_start, "out_start")?;
        let options = unsafe { notp_options(options_or_null) }?;
        let start = block_on(client.inner.notp_sign_up_or_in(login_id, &options))?;
        write_start(start.map_err(Into::into), out_start)
    })
}

/// Get NoTP Pending Session, once: `*out_ready` is false while the person has not acted;
/// when true, `*out_session` holds the session (free with `ab_descope_session_free`) and is
/// written only then.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_notp_pending_session(
    client: *const ab_descope_client,
    pending_ref: *const c_char,
    out_ready: *mut bool,
    out_session: *mut ab_descope_session,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let client = unsafe { handle(client, "client") }?;
        let pending_ref = Secret::new(unsafe { string(pending_ref, "pending_ref") }?);
        let out_ready = out(out_ready, "out_ready")?;
        let slot = out(out_session, "out_session")?;
        match block_on(client.inner.notp_pending_session(&pending_ref))?? {
            PendingSession::Pending => out_ready.write(false),
            PendingSession::Ready(session) => {
                let session = session_to_c(&session)?;
                slot.write(session);
                out_ready.write(true);
            }
        }
        Ok(())
    })
}

/// Waits until the person has acted on the nOTP login `pending_ref`, polling every
/// `interval_ms` (0: 2 s; never faster than 1 s). `AB_STATUS_TIMEOUT` after `timeout_ms`,
/// `AB_STATUS_CANCELLED` once `cancel_or_null` is cancelled; a refused or expired login is
/// its error. Fills `*out_session`.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_wait_for_session(
    client: *const ab_descope_client,
    pending_ref: *const c_char,
    timeout_ms: u64,
    interval_ms: u64,
    cancel_or_null: *const ab_cancel,
    out_session: *mut ab_descope_session,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: live handles or NULL; a C string or NULL.
        let client = unsafe { handle(client, "client") }?;
        let pending_ref = Secret::new(unsafe { string(pending_ref, "pending_ref") }?);
        let options = wait_options(timeout_ms, interval_ms, unsafe { opt_handle(cancel_or_null) });
        out(out_session, "out_session")?;
        let session = block_on(client.inner.wait_for_session(&pending_ref, &options))?;
        write_session(session.map_err(Into::into), out_session)
    })
}

/// TOTP Sign-Up: a new key for `login_id`, registered once a first code is verified. Fills
/// `*out_enrollment` (free with `ab_descope_totp_enrollment_free`).
#[no_mangle]
pub unsafe extern "C" fn ab_descope_totp_sign_up(
    client: *const ab_descope_client,
    login_id: *const c_char,
    user_or_null: *const ab_descope_user_details,
    out_enrollment: *mut ab_descope_totp_enrollment,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C string and struct per the contract.
        let client = unsafe { handle(client, "client") }?;
        let login_id = unsafe { string(login_id, "login_id") }?;
        out(out_enrollment, "out_enrollment")?;
        let user = unsafe { user_details(user_or_null) }?;
        let enrollment = block_on(client.inner.totp_sign_up(login_id, user.as_ref()))?;
        write_enrollment(enrollment.map_err(Into::into), out_enrollment)
    })
}

/// TOTP Sign-In / Verify: checks `code` for `login_id` and fills `*out_session`. A wrong code
/// is `AB_STATUS_AUTHENTICATION_FAILED` (Descope `E061102`). `login_options_json_or_null`:
/// `loginOptions` as JSON.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_totp_verify(
    client: *const ab_descope_client,
    login_id: *const c_char,
    code: *const c_char,
    login_options_json_or_null: *const c_char,
    out_session: *mut ab_descope_session,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let client = unsafe { handle(client, "client") }?;
        let login_id = unsafe { string(login_id, "login_id") }?;
        let code = Secret::new(unsafe { string(code, "code") }?);
        let json = unsafe { opt_string(login_options_json_or_null, "login_options_json_or_null") }?;
        out(out_session, "out_session")?;
        let options = login_options(json, "login_options_json_or_null")?;
        let session = block_on(client.inner.totp_verify(login_id, &code, options.as_ref()))?;
        write_session(session.map_err(Into::into), out_session)
    })
}

/// TOTP verify for a signed-in user (`stepup`/`mfa` in `login_options_json`), with that
/// session's `refresh_jwt`. Fills `*out_session`.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_totp_verify_for_session(
    client: *const ab_descope_client,
    login_id: *const c_char,
    code: *const c_char,
    login_options_json: *const c_char,
    refresh_jwt: *const c_char,
    out_session: *mut ab_descope_session,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let client = unsafe { handle(client, "client") }?;
        let login_id = unsafe { string(login_id, "login_id") }?;
        let code = Secret::new(unsafe { string(code, "code") }?);
        let json = unsafe { string(login_options_json, "login_options_json") }?;
        let refresh = Secret::new(unsafe { string(refresh_jwt, "refresh_jwt") }?);
        out(out_session, "out_session")?;
        let options = login_options(Some(json), "login_options_json")?.unwrap_or_default();
        let session = block_on(client.inner.totp_verify_for_session(login_id, &code, &options, &refresh))?;
        write_session(session.map_err(Into::into), out_session)
    })
}

/// Add / Update Key: a new TOTP key for the signed-in `login_id` (needs its `refresh_jwt`).
/// Fills `*out_enrollment`.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_totp_update(
    client: *const ab_descope_client,
    login_id: *const c_char,
    refresh_jwt: *const c_char,
    out_enrollment: *mut ab_descope_totp_enrollment,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let client = unsafe { handle(client, "client") }?;
        let login_id = unsafe { string(login_id, "login_id") }?;
        let refresh = Secret::new(unsafe { string(refresh_jwt, "refresh_jwt") }?);
        out(out_enrollment, "out_enrollment")?;
        let enrollment = block_on(client.inner.totp_update(login_id, &refresh))?;
        write_enrollment(enrollment.map_err(Into::into), out_enrollment)
    })
}

/// Validates a session JWT against the project's public keys (signature, `iss`, `exp`/`iat`
/// with the leeway, `aud` when configured) and fills `*out_claims` (free with
/// `ab_descope_claims_free`). A refused token is `AB_STATUS_AUTHENTICATION_FAILED`;
/// `ab_error_descope_session_rejection()` says why.
#[no_mangle]
pub unsafe extern "C" fn ab_descope_validate_session(
    client: *const ab_descope_client,
    session_jwt: *const c_char,
    out_claims: *mut ab_descope_claims,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let client = unsafe { handle(client, "client") }?;
        let jwt = Secret::new(unsafe { string(session_jwt, "session_jwt") }?);
        let slot = out(out_claims, "out_claims")?;
        let claims: SessionClaims = block_on(client.inner.validate_session(&jwt))??;
        let mut a = Allocated(Vec::new());
        let value = ab_descope_claims {
            subject: a.text(&claims.subject, "sub")?,
            issuer: a.text(&claims.issuer, "iss")?,
            issued_at: claims.issued_at.unwrap_or(0),
            expires_at: claims.expires_at,
            claims_json: a.text(&Value::Object(claims.all.clone()).to_string(), "claims")?,
        };
        a.release();
        slot.write(value);
        Ok(())
    })
}

/// Why this thread's last error refused a session JWT, or `AB_DESCOPE_SESSION_REJECTION_NONE`.
#[no_mangle]
pub extern "C" fn ab_error_descope_session_rejection() -> ab_descope_session_rejection {
    ffi_value(ab_descope_session_rejection::None, || {
        error::with_core(ab_descope_session_rejection::None, |error| match SessionRejection::of(error) {
            None => ab_descope_session_rejection::None,
            Some(SessionRejection::Malformed) => ab_descope_session_rejection::Malformed,
            Some(SessionRejection::UnknownKey) => ab_descope_session_rejection::UnknownKey,
            Some(SessionRejection::AlgorithmMismatch) => ab_descope_session_rejection::AlgorithmMismatch,
            Some(SessionRejection::BadSignature) => ab_descope_session_rejection::BadSignature,
            Some(SessionRejection::Expired) => ab_descope_session_rejection::Expired,
            Some(SessionRejection::NotYetValid) => ab_descope_session_rejection::NotYetValid,
            Some(SessionRejection::WrongIssuer) => ab_descope_session_rejection::WrongIssuer,
            Some(SessionRejection::WrongAudience) => ab_descope_session_rejection::WrongAudience,
            Some(SessionRejection::NotASessionToken) => ab_descope_session_rejection::NotASessionToken,
        })
    })
}
