//! AuthX (seed `authx-api.txt`): configuration, client (access token, users, PINs,
//! ProcessBiometric) and the biometric upload framing on its own, for hosts with their own
//! HTTP stack.
//!
//! A wrong PIN and a biometric mismatch are answers (typed out-parameters), not failures;
//! `response_code` 0 is `AB_STATUS_VENDOR` with AuthX's subcode as `ab_error_vendor_code`.

#![cfg(feature = "authx")]

use std::ffi::c_char;
use std::ptr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use authbridge::authx::{
    AuthxClient, AuthxConfig, BiometricApp, BiometricCall, BiometricData, BiometricFrame, BiometricKind,
    BiometricOutcome, BiometricProcess, BiometricResult, DeviceData, FrameStream, PinVerification, UserProfile,
};
use authbridge::{Error, Secret, SecretBytes};
use futures_util::StreamExt;

use crate::args::{bytes, handle, opt_out, opt_string, out, string, strings, OwnedString};
use crate::boundary::{ffi_status, ffi_void, FfiResult};
use crate::handles::{Handle, Settings};
use crate::runtime::block_on;
use crate::status::ab_status;
use crate::strings::free_fields;
use crate::transport::ab_transport_config;

/// `authentication_id`: which biometric a sample is. Functions take it as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_authx_biometric_kind {
    Finger = 1,
    Face = 2,
    Palm = 3,
}

/// `process_type`: what to do with a sample. Functions take it as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_authx_biometric_process {
    Enrol = 1,
    Verify = 2,
    Delete = 3,
}

/// ProcessBiometric's outcome; values equal AuthX's `response_code`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_authx_biometric_outcome {
    /// A code this version does not know (the raw code is `response_code`).
    Other = 0,
    /// Enrolled, matched (verify) or deleted.
    Success = 1,
    FaceNotMatch = 2,
    FaceQualityPoor = 3,
    TooManyFace = 4,
    FaceNotFound = 5,
    FaceOutBound = 6,
    SettingsMissed = 7,
    UserNotExists = 8,
}

/// The device a sample was captured on (`device_data`). Every field may be NULL, meaning the
/// library's default (it describes the calling program).
#[repr(C)]
pub struct ab_authx_device {
    pub browser_name: *const c_char,
    pub os: *const c_char,
    pub os_version: *const c_char,
    pub browser_version: *const c_char,
    pub device_name: *const c_char,
    /// The IP address of the person's device.
    pub ip: *const c_char,
    pub src_user_id: i64,
}

/// An access token and what AuthX said about it. Free with `ab_authx_token_free`.
#[repr(C)]
pub struct ab_authx_token {
    pub access_token: *mut c_char,
    pub token_type: *mut c_char,
    /// `expires_in`, in milliseconds.
    pub expires_in_ms: u64,
    /// `CompanyId`, or NULL.
    pub company_id: *mut c_char,
    /// `.issued`, or NULL.
    pub issued: *mut c_char,
    /// `.expires`, or NULL.
    pub expires: *mut c_char,
}

/// The answer of one ProcessBiometric call. Free with `ab_authx_biometric_result_free`.
#[repr(C)]
pub struct ab_authx_biometric_result {
    pub outcome: ab_authx_biometric_outcome,
    /// AuthX's `response_code`.
    pub response_code: i64,
    /// `response_subcode`.
    pub subcode: i64,
    /// `response_text`, or NULL.
    pub message: *mut c_char,
    /// The `correlation_id` AuthX echoed, else the one sent.
    pub correlation_id: *mut c_char,
}

/// AuthX settings: base URL and Manage API credentials, the biometric application, token
/// renewal margin, upload limits, transport.
///
/// Thread-safe (setters lock the handle).
pub struct ab_authx_config {
    inner: Settings<AuthxConfig>,
}

impl Handle for ab_authx_config {}

/// An AuthX client: one cached access token, renewed by a single request however many
/// threads wait for it.
///
/// Thread-safe: call it from any number of threads at once.
pub struct ab_authx_client {
    pub(crate) inner: AuthxClient,
}

impl Handle for ab_authx_client {}

/// A framed ProcessBiometric body (`multipart/form-data`) to send with your own HTTP stack:
/// its content type and length, and its bytes read in chunks with `ab_authx_frame_read`, so a
/// sample from a file is never held whole in memory.
///
/// Thread-safe (reads are serialised).
pub struct ab_authx_frame {
    content_type: String,
    correlation_id: String,
    content_length: Option<u64>,
    body: Mutex<(Option<FrameStream>, bytes::Bytes)>,
}

impl Handle for ab_authx_frame {}

fn kind_from_c(kind: u32) -> Result<BiometricKind, Error> {
    BiometricKind::from_id(i64::from(kind))
        .ok_or_else(|| Error::invalid("authentication_id", "must be an ab_authx_biometric_kind value (1 to 3)"))
}

fn process_from_c(process: u32) -> Result<BiometricProcess, Error> {
    BiometricProcess::from_id(i64::from(process))
        .ok_or_else(|| Error::invalid("process_type", "must be an ab_authx_biometric_process value (1 to 3)"))
}

/// Reads a device struct; NULL fields keep the defaults.
///
/// # Safety
/// `device` is NULL or a valid struct whose non-NULL fields are C strings.
unsafe fn device_from_c(device: *const ab_authx_device) -> FfiResult<DeviceData> {
    let mut data = DeviceData::default();
    // SAFETY: per the contract.
    let Some(d) = (unsafe { device.as_ref() }) else { return Ok(data) };
    // SAFETY: C strings or NULL.
    let field = |p, name| unsafe { opt_string(p, name) }.map(|v| v.map(str::to_string));
    let fields = [
        (&mut data.browser_name, d.browser_name, "device.browser_name"),
        (&mut data.os, d.os, "device.os"),
        (&mut data.os_version, d.os_version, "device.os_version"),
        (&mut data.browser_version, d.browser_version, "device.browser_version"),
        (&mut data.device_name, d.device_name, "device.device_name"),
        (&mut data.ip, d.ip, "device.ip"),
    ];
    for (slot, p, name) in fields {
        if let Some(value) = field(p, name)? {
            *slot = value;
        }
    }
    data.src_user_id = d.src_user_id;
    Ok(data)
}

/// Builds a ProcessBiometric call from C arguments.
///
/// # Safety
/// As [`device_from_c`]; `correlation_id` a C string or NULL.
pub(crate) unsafe fn call_from_c(
    user_guid: &str,
    kind: u32,
    process: u32,
    correlation_id: *const c_char,
    device: *const ab_authx_device,
    src_user_id: i64,
) -> FfiResult<BiometricCall> {
    // SAFETY: forwarded contract.
    let correlation_id = unsafe { opt_string(correlation_id, "correlation_id_or_null") }?;
    let device = unsafe { device_from_c(device) }?;
    let mut call = BiometricCall::new(user_guid, kind_from_c(kind)?, process_from_c(process)?).device_data(device);
    if let Some(id) = correlation_id {
        call = call.correlation_id(id);
    }
    call.src_user_id = src_user_id;
    Ok(call)
}

fn profile_from_c(
    user_name: &str,
    email: &str,
    first_name: &str,
    last_name: &str,
    country_code: Option<&str>,
    number: &str,
    aliases: &[&str],
) -> FfiResult<UserProfile> {
    if aliases.len() > 5 {
        return Err(Error::invalid("aliases", "at most 5 (alias_name … alias_name4)").into());
    }
    let mut profile = UserProfile::new(user_name, email, first_name, last_name, number);
    if let Some(code) = country_code {
        profile = profile.country_code(code);
    }
    for (index, alias) in aliases.iter().enumerate() {
        if !alias.is_empty() {
            profile = profile.alias(index, alias)?;
        }
    }
    Ok(profile)
}

pub(crate) fn write_result(
    result: FfiResult<BiometricResult>,
    out_result: *mut ab_authx_biometric_result,
) -> FfiResult {
    let slot = out(out_result, "out_result")?;
    let result = result?;
    let message = result.message.as_deref().map(|m| OwnedString::new(m, "response_text")).transpose()?;
    let correlation_id = OwnedString::new(&result.correlation_id, "correlation_id")?;
    let outcome = match result.outcome {
        BiometricOutcome::Success => ab_authx_biometric_outcome::Success,
        BiometricOutcome::FaceNotMatch => ab_authx_biometric_outcome::FaceNotMatch,
        BiometricOutcome::FaceQualityPoor => ab_authx_biometric_outcome::FaceQualityPoor,
        BiometricOutcome::TooManyFace => ab_authx_biometric_outcome::TooManyFace,
        BiometricOutcome::FaceNotFound => ab_authx_biometric_outcome::FaceNotFound,
        BiometricOutcome::FaceOutBound => ab_authx_biometric_outcome::FaceOutBound,
        BiometricOutcome::SettingsMissed => ab_authx_biometric_outcome::SettingsMissed,
        BiometricOutcome::UserNotExists => ab_authx_biometric_outcome::UserNotExists,
        _ => ab_authx_biometric_outcome::Other,
    };
    slot.write(ab_authx_biometric_result {
        outcome,
        response_code: result.outcome.code(),
        subcode: result.subcode,
        message: message.map_or(ptr::null_mut(), OwnedString::into_raw),
        correlation_id: correlation_id.into_raw(),
    });
    Ok(())
}

/// Frees the strings inside a token (wiping them) and sets them to NULL. `NULL` does nothing,
/// and so does a second call.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_token_free(token: *mut ab_authx_token) {
    ffi_void(|| {
        // SAFETY: NULL or a struct filled by this library (or zeroed by the caller).
        let Some(t) = (unsafe { token.as_mut() }) else { return };
        // SAFETY: each non-NULL field came from `OwnedString::into_raw`.
        unsafe {
            free_fields([&mut t.access_token, &mut t.token_type, &mut t.company_id, &mut t.issued, &mut t.expires])
        };
    });
}

/// Frees the strings inside a biometric result and sets them to NULL. `NULL` does nothing,
/// and so does a second call.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_biometric_result_free(result: *mut ab_authx_biometric_result) {
    ffi_void(|| {
        // SAFETY: NULL or a struct filled by this library (or zeroed by the caller).
        let Some(r) = (unsafe { result.as_mut() }) else { return };
        // SAFETY: each non-NULL field came from `OwnedString::into_raw`.
        unsafe { free_fields([&mut r.message, &mut r.correlation_id]) };
    });
}

/// Creates AuthX settings for an explicit `base_url` (a proxy, a private deployment, the
/// sandbox) with the Manage API `ApplicationId` and `ApplicationKey`.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_config_new(
    base_url: *const c_char,
    application_id: *const c_char,
    application_key: *const c_char,
    out_config: *mut *mut ab_authx_config,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: C strings or NULL.
        let base_url = unsafe { string(base_url, "base_url") }?;
        let id = Secret::new(unsafe { string(application_id, "application_id") }?);
        let key = Secret::new(unsafe { string(application_key, "application_key") }?);
        let out_config = out(out_config, "out_config")?;
        let config = AuthxConfig::new(base_url, id, key)?;
        out_config.write(ab_authx_config { inner: Settings::new(config) }.into_c());
        Ok(())
    })
}

/// Creates AuthX settings for the tenant whose host code is `host` (e.g. `"hu1tjtwu"`):
/// `https://api-<host>.authx.com`.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_config_new_for_tenant(
    host: *const c_char,
    application_id: *const c_char,
    application_key: *const c_char,
    out_config: *mut *mut ab_authx_config,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: C strings or NULL.
        let host = unsafe { string(host, "host") }?;
        let id = Secret::new(unsafe { string(application_id, "application_id") }?);
        let key = Secret::new(unsafe { string(application_key, "application_key") }?);
        let out_config = out(out_config, "out_config")?;
        let config = AuthxConfig::for_tenant(host, id, key)?;
        out_config.write(ab_authx_config { inner: Settings::new(config) }.into_c());
        Ok(())
    })
}

/// The application a biometric call is made for (`application_parameters`: key, secret and
/// tenant host code), needed by ProcessBiometric.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_config_set_biometric_app(
    config: *const ab_authx_config,
    application_key: *const c_char,
    secret_key: *const c_char,
    host_name: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let config = unsafe { handle(config, "config") }?;
        let key = Secret::new(unsafe { string(application_key, "application_key") }?);
        let secret = Secret::new(unsafe { string(secret_key, "secret_key") }?);
        let host = unsafe { string(host_name, "host_name") }?;
        let app = BiometricApp::new(key, secret, host);
        config.inner.change(|c| c.biometric_app = Some(app));
        Ok(())
    })
}

/// How long before `expires_in` runs out the token is renewed; the content type of the
/// sample part (NULL: `application/octet-stream`); the time limit of one biometric upload.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_config_set_options(
    config: *const ab_authx_config,
    token_refresh_margin_ms: u64,
    biometric_content_type_or_null: *const c_char,
    upload_timeout_ms: u64,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let config = unsafe { handle(config, "config") }?;
        let content_type = unsafe { opt_string(biometric_content_type_or_null, "biometric_content_type_or_null") }?
            .map(str::to_string);
        config.inner.change(|c| {
            c.token_refresh_margin = Duration::from_millis(token_refresh_margin_ms);
            if let Some(content_type) = content_type {
                c.biometric_content_type = content_type;
            }
            c.upload_timeout = Duration::from_millis(upload_timeout_ms);
        });
        Ok(())
    })
}

/// Copies transport settings into the configuration.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_config_set_transport(
    config: *const ab_authx_config,
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

/// Frees AuthX settings. `NULL` does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_config_free(config: *mut ab_authx_config) {
    // SAFETY: created by `ab_authx_config_new*`, freed once.
    unsafe { ab_authx_config::free(config) }
}

/// Creates a client from the settings (copied).
#[no_mangle]
pub unsafe extern "C" fn ab_authx_client_new(
    config: *const ab_authx_config,
    out_client: *mut *mut ab_authx_client,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let config = unsafe { handle(config, "config") }?;
        let out_client = out(out_client, "out_client")?;
        let snapshot = config.inner.snapshot();
        let client = AuthxClient::new(snapshot)?;
        out_client.write(ab_authx_client { inner: client }.into_c());
        Ok(())
    })
}

/// Frees a client. No call may still be using it. `NULL` does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_client_free(client: *mut ab_authx_client) {
    // SAFETY: created by `ab_authx_client_new`, freed once.
    unsafe { ab_authx_client::free(client) }
}

/// AccessToken: the cached token (fetched or renewed when needed), in `*out_token` (free with
/// `ab_authx_token_free`). The other calls use it by themselves.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_access_token(
    client: *const ab_authx_client,
    out_token: *mut ab_authx_token,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let client = unsafe { handle(client, "client") }?;
        let slot = out(out_token, "out_token")?;
        let token = block_on(client.inner.access_token())??;
        let access = OwnedString::new(token.access_token.expose(), "access_token")?;
        let token_type = OwnedString::new(&token.token_type, "token_type")?;
        let opt = |v: &Option<String>, what| v.as_deref().map(|v| OwnedString::new(v, what)).transpose();
        let (company, issued, expires) =
            (opt(&token.company_id, "CompanyId")?, opt(&token.issued, ".issued")?, opt(&token.expires, ".expires")?);
        let raw = |s: Option<OwnedString>| s.map_or(ptr::null_mut(), OwnedString::into_raw);
        slot.write(ab_authx_token {
            access_token: access.into_raw(),
            token_type: token_type.into_raw(),
            expires_in_ms: u64::try_from(token.expires_in.as_millis()).unwrap_or(u64::MAX),
            company_id: raw(company),
            issued: raw(issued),
            expires: raw(expires),
        });
        Ok(())
    })
}

/// AddUser: creates a user and writes its `guid` to `*out_guid` (free with
/// `ab_string_free`). `country_code_or_null` defaults to the library's; `aliases` are
/// `alias_name` … `alias_name4` in order (at most 5; `""` skips one).
#[no_mangle]
pub unsafe extern "C" fn ab_authx_add_user(
    client: *const ab_authx_client,
    user_name: *const c_char,
    email: *const c_char,
    first_name: *const c_char,
    last_name: *const c_char,
    country_code_or_null: *const c_char,
    number: *const c_char,
    aliases: *const *const c_char,
    aliases_len: usize,
    out_guid: *mut *mut c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL; `aliases_len` strings.
        let client = unsafe { handle(client, "client") }?;
        let profile = profile_from_c(
            unsafe { string(user_name, "user_name") }?,
            unsafe { string(email, "email") }?,
            unsafe { string(first_name, "first_name") }?,
            unsafe { string(last_name, "last_name") }?,
            unsafe { opt_string(country_code_or_null, "country_code_or_null") }?,
            unsafe { string(number, "number") }?,
            &unsafe { strings(aliases, aliases_len, "aliases") }?,
        );
        let out_guid = out(out_guid, "out_guid")?;
        let guid = block_on(client.inner.add_user(&profile?))??;
        out_guid.write(OwnedString::new(guid.as_str(), "guid")?.into_raw());
        Ok(())
    })
}

/// UpdateUser: changes the user `guid` (its `user_name` cannot change); arguments as
/// `ab_authx_add_user`. Writes the guid AuthX answers with to `*out_guid`.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_update_user(
    client: *const ab_authx_client,
    guid: *const c_char,
    user_name: *const c_char,
    email: *const c_char,
    first_name: *const c_char,
    last_name: *const c_char,
    country_code_or_null: *const c_char,
    number: *const c_char,
    aliases: *const *const c_char,
    aliases_len: usize,
    out_guid: *mut *mut c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL; `aliases_len` strings.
        let client = unsafe { handle(client, "client") }?;
        let guid = unsafe { string(guid, "guid") }?;
        let profile = profile_from_c(
            unsafe { string(user_name, "user_name") }?,
            unsafe { string(email, "email") }?,
            unsafe { string(first_name, "first_name") }?,
            unsafe { string(last_name, "last_name") }?,
            unsafe { opt_string(country_code_or_null, "country_code_or_null") }?,
            unsafe { string(number, "number") }?,
            &unsafe { strings(aliases, aliases_len, "aliases") }?,
        );
        let out_guid = out(out_guid, "out_guid")?;
        let answered = block_on(client.inner.update_user(guid, &profile?))??;
        out_guid.write(OwnedString::new(answered.as_str(), "guid")?.into_raw());
        Ok(())
    })
}

/// DeleteUser.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_delete_user(client: *const ab_authx_client, guid: *const c_char) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let client = unsafe { handle(client, "client") }?;
        let guid = unsafe { string(guid, "guid") }?;
        block_on(client.inner.delete_user(guid))??;
        Ok(())
    })
}

/// GeneratePin: sets the user's PIN to `pin`.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_generate_pin(
    client: *const ab_authx_client,
    guid: *const c_char,
    pin: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let client = unsafe { handle(client, "client") }?;
        let guid = unsafe { string(guid, "guid") }?;
        let pin = Secret::new(unsafe { string(pin, "pin") }?);
        block_on(client.inner.generate_pin(guid, &pin))??;
        Ok(())
    })
}

/// VerifyPin: whether `pin` is the user's, written to `*out_verified`. A wrong PIN is a
/// success with `false` (and, unless NULL, AuthX's subcode and text in
/// `*out_subcode_or_null` / `*out_message_or_null`, the latter NULL when none); failures to
/// check at all (unknown user, HTTP errors) are errors.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_verify_pin(
    client: *const ab_authx_client,
    guid: *const c_char,
    pin: *const c_char,
    out_verified: *mut bool,
    out_subcode_or_null: *mut i64,
    out_message_or_null: *mut *mut c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let client = unsafe { handle(client, "client") }?;
        let guid = unsafe { string(guid, "guid") }?;
        let pin = Secret::new(unsafe { string(pin, "pin") }?);
        let out_verified = out(out_verified, "out_verified")?;
        let answer = block_on(client.inner.verify_pin(guid, &pin))??;
        let (verified, subcode, message) = match answer {
            PinVerification::Verified => (true, 0, None),
            PinVerification::Rejected { subcode, message } => (false, subcode, message),
        };
        let message = match opt_out(out_message_or_null) {
            Some(slot) => Some((slot, message.as_deref().map(|m| OwnedString::new(m, "response_text")).transpose()?)),
            None => None,
        };
        out_verified.write(verified);
        if let Some(slot) = opt_out(out_subcode_or_null) {
            slot.write(subcode);
        }
        if let Some((slot, text)) = message {
            slot.write(text.map_or(ptr::null_mut(), OwnedString::into_raw));
        }
        Ok(())
    })
}

/// ProcessBiometric with the sample in memory: enrol, verify or delete (`process`, an
/// `ab_authx_biometric_process`) the `kind` (`ab_authx_biometric_kind`) of `user_guid`. A
/// sample that does not match or cannot be used is an outcome in `*out_result` (free with
/// `ab_authx_biometric_result_free`), not a failure. `correlation_id_or_null`: a random UUID
/// when NULL; `device_or_null`: defaults when NULL.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_process_biometric(
    client: *const ab_authx_client,
    user_guid: *const c_char,
    kind: u32,
    process: u32,
    correlation_id_or_null: *const c_char,
    device_or_null: *const ab_authx_device,
    src_user_id: i64,
    data: *const u8,
    data_len: usize,
    out_result: *mut ab_authx_biometric_result,
) -> ab_status {
    // SAFETY: the same contract; NULL options are none.
    unsafe {
        crate::authx_upload::ab_authx_process_biometric_with(
            client,
            user_guid,
            kind,
            process,
            correlation_id_or_null,
            device_or_null,
            src_user_id,
            data,
            data_len,
            std::ptr::null(),
            out_result,
        )
    }
}

/// ProcessBiometric with the sample streamed from the file at `path` (never held whole in
/// memory). Otherwise as `ab_authx_process_biometric`.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_process_biometric_file(
    client: *const ab_authx_client,
    user_guid: *const c_char,
    kind: u32,
    process: u32,
    correlation_id_or_null: *const c_char,
    device_or_null: *const ab_authx_device,
    src_user_id: i64,
    path: *const c_char,
    out_result: *mut ab_authx_biometric_result,
) -> ab_status {
    // SAFETY: the same contract; NULL options are none.
    unsafe {
        crate::authx_upload::ab_authx_process_biometric_file_with(
            client,
            user_guid,
            kind,
            process,
            correlation_id_or_null,
            device_or_null,
            src_user_id,
            path,
            std::ptr::null(),
            out_result,
        )
    }
}

fn frame_handle(frame: BiometricFrame) -> ab_authx_frame {
    ab_authx_frame {
        content_type: frame.content_type(),
        correlation_id: frame.correlation_id().to_string(),
        content_length: frame.content_length(),
        body: Mutex::new((Some(frame.into_stream()), bytes::Bytes::new())),
    }
}

/// The framed ProcessBiometric body of a call, for this client's biometric application and
/// content type, to send with your own HTTP stack; arguments as `ab_authx_process_biometric`.
/// Free the frame with `ab_authx_frame_free`.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_biometric_frame(
    client: *const ab_authx_client,
    user_guid: *const c_char,
    kind: u32,
    process: u32,
    correlation_id_or_null: *const c_char,
    device_or_null: *const ab_authx_device,
    src_user_id: i64,
    data: *const u8,
    data_len: usize,
    out_frame: *mut *mut ab_authx_frame,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings, bytes and struct per the contract.
        let client = unsafe { handle(client, "client") }?;
        let user = unsafe { string(user_guid, "user_guid") }?;
        let data = SecretBytes::new(unsafe { bytes(data, data_len, "data") }?);
        let out_frame = out(out_frame, "out_frame")?;
        let call = unsafe { call_from_c(user, kind, process, correlation_id_or_null, device_or_null, src_user_id) }?;
        let frame = client.inner.biometric_frame(&call, BiometricData::bytes(data))?;
        out_frame.write(frame_handle(frame).into_c());
        Ok(())
    })
}

/// The biometric framing on its own, with no client: frames a call for the application
/// (`application_key`, `secret_key`, `host_name`) with the sample part typed
/// `data_content_type_or_null` (NULL: `application/octet-stream`). The sample is `data`, or
/// the file at `file_path_or_null` when that is given (then streamed from the file as the frame
/// is read). Other arguments as `ab_authx_process_biometric`.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_frame_new(
    application_key: *const c_char,
    secret_key: *const c_char,
    host_name: *const c_char,
    data_content_type_or_null: *const c_char,
    user_guid: *const c_char,
    kind: u32,
    process: u32,
    correlation_id_or_null: *const c_char,
    device_or_null: *const ab_authx_device,
    src_user_id: i64,
    data: *const u8,
    data_len: usize,
    file_path_or_null: *const c_char,
    out_frame: *mut *mut ab_authx_frame,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: C strings, bytes and struct per the contract.
        let key = Secret::new(unsafe { string(application_key, "application_key") }?);
        let secret = Secret::new(unsafe { string(secret_key, "secret_key") }?);
        let host = unsafe { string(host_name, "host_name") }?;
        let content_type = unsafe { opt_string(data_content_type_or_null, "data_content_type_or_null") }?;
        let user = unsafe { string(user_guid, "user_guid") }?;
        let data = SecretBytes::new(unsafe { bytes(data, data_len, "data") }?);
        let path = unsafe { opt_string(file_path_or_null, "file_path_or_null") }?;
        let out_frame = out(out_frame, "out_frame")?;
        let call = unsafe { call_from_c(user, kind, process, correlation_id_or_null, device_or_null, src_user_id) }?;
        let app = BiometricApp::new(key, secret, host);
        let data = match path {
            Some(path) => block_on(BiometricData::file(path))??,
            None => BiometricData::bytes(data),
        };
        let frame = match content_type {
            Some(ct) => BiometricFrame::with_content_type(&app, &call, data, ct)?,
            None => BiometricFrame::new(&app, &call, data)?,
        };
        out_frame.write(frame_handle(frame).into_c());
        Ok(())
    })
}

/// The frame's `Content-Type` (with its boundary), written to `*out_content_type`.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_frame_content_type(
    frame: *const ab_authx_frame,
    out_content_type: *mut *mut c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let frame = unsafe { handle(frame, "frame") }?;
        let slot = out(out_content_type, "out_content_type")?;
        slot.write(OwnedString::new(&frame.content_type, "content type")?.into_raw());
        Ok(())
    })
}

/// The `correlation_id` inside the frame, written to `*out_correlation_id`.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_frame_correlation_id(
    frame: *const ab_authx_frame,
    out_correlation_id: *mut *mut c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let frame = unsafe { handle(frame, "frame") }?;
        let slot = out(out_correlation_id, "out_correlation_id")?;
        slot.write(OwnedString::new(&frame.correlation_id, "correlation id")?.into_raw());
        Ok(())
    })
}

/// The body's whole length (`Content-Length`), written to `*out_length`, and whether it is
/// known (a sample from a reader of unknown size makes it unknown), to `*out_known`.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_frame_content_length(
    frame: *const ab_authx_frame,
    out_length: *mut u64,
    out_known: *mut bool,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let frame = unsafe { handle(frame, "frame") }?;
        let out_length = out(out_length, "out_length")?;
        let out_known = out(out_known, "out_known")?;
        out_length.write(frame.content_length.unwrap_or(0));
        out_known.write(frame.content_length.is_some());
        Ok(())
    })
}

/// Reads the next bytes of the body into `buffer` (at most `capacity`), writing how many to
/// `*out_read`; 0 means the body is complete.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_frame_read(
    frame: *const ab_authx_frame,
    buffer: *mut u8,
    capacity: usize,
    out_read: *mut usize,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let frame = unsafe { handle(frame, "frame") }?;
        if buffer.is_null() {
            return Err(crate::boundary::Failure::Null("buffer"));
        }
        let out_read = out(out_read, "out_read")?;
        let mut body = frame.body.lock().unwrap_or_else(PoisonError::into_inner);
        let (stream, pending) = &mut *body;
        while pending.is_empty() {
            let Some(s) = stream.as_mut() else { break };
            match block_on(s.next())? {
                Some(chunk) => *pending = chunk.map_err(Error::from)?,
                None => *stream = None,
            }
        }
        let n = pending.len().min(capacity);
        // SAFETY: `buffer` holds `capacity` writable bytes per the contract; `n <= capacity`.
        unsafe { ptr::copy_nonoverlapping(pending.as_ptr(), buffer, n) };
        *pending = pending.slice(n..);
        out_read.write(n);
        Ok(())
    })
}

/// Frees a frame (and closes its sample file). `NULL` does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_authx_frame_free(frame: *mut ab_authx_frame) {
    // SAFETY: created by this library, freed once.
    unsafe { ab_authx_frame::free(frame) }
}
