//! OtpOne (seed `otpone-api.txt`): the server side (server key `SRV-…`: getTransactionID,
//! GetHTML, VerifyToken, SendRequest) and the client side (client key `JS-…`: IsFinish,
//! GetResult and a wait on them). The two keys are different handle types, so C cannot swap
//! them either.
//!
//! Every validation obeys the seed's MUST (checked in core): `isValid` true and `UserValided`
//! the user the transaction was opened for, or `AB_STATUS_AUTHENTICATION_FAILED` with vendor
//! code `isValid` or `UserValided`.

#![cfg(feature = "otpone")]

use std::ffi::c_char;
use std::ptr;
use std::time::Duration;

use authbridge::otpone::{
    ClientKey, OtpOneClient, OtpOneConfig, OtpOneServer, PageType, RequestType, ServerKey, Validation,
};
use authbridge::{Error, Secret};

use crate::args::{handle, opt_handle, opt_string, out, string, OwnedString};
use crate::boundary::{ffi_status, ffi_void, FfiResult};
use crate::handles::{Handle, Settings};
use crate::runtime::block_on;
use crate::status::ab_status;
use crate::strings::free_fields;
use crate::transport::ab_transport_config;
use crate::wait::{ab_cancel, wait_options};

/// A validation OtpOne reported as valid for the expected user. The caller owns the struct;
/// the library fills it on success, and `ab_otpone_validation_free` frees its strings.
#[repr(C)]
pub struct ab_otpone_validation {
    /// `UserValided`: who validated. Never NULL after success.
    pub user_valided: *mut c_char,
    /// `privateToken` attached by the server (distributed requests), or NULL.
    pub private_token: *mut c_char,
    /// `Message`, or NULL.
    pub message: *mut c_char,
    /// Every other field of the answer, as a JSON object. Never NULL after success.
    pub fields_json: *mut c_char,
}

/// OtpOne settings shared by the server and the client handle: base URL, operation paths,
/// parameter names, transport, SendRequest's time limit.
///
/// Thread-safe (setters lock the handle).
pub struct ab_otpone_config {
    inner: Settings<OtpOneConfig>,
}

impl Handle for ab_otpone_config {}

/// The server side of OtpOne, holding the server key (`SRV-…`).
///
/// Thread-safe: call it from any number of threads at once.
pub struct ab_otpone_server {
    inner: OtpOneServer,
}

impl Handle for ab_otpone_server {}

/// The client side of OtpOne, holding the client key (`JS-…`).
///
/// Thread-safe: call it from any number of threads at once.
pub struct ab_otpone_client {
    inner: OtpOneClient,
}

impl Handle for ab_otpone_client {}

/// Prepares a validation for C before anything is written.
struct Prepared([OwnedString; 2], Option<OwnedString>, Option<OwnedString>);

fn prepare(validation: &Validation) -> FfiResult<Prepared> {
    let fields = serde_json::to_string(&validation.fields)
        .map_err(|e| Error::Decode { vendor: authbridge::Vendor::OtpOne, message: e.to_string() })?;
    Ok(Prepared(
        [OwnedString::new(&validation.user_valided, "UserValided")?, OwnedString::new(&fields, "fields")?],
        validation.private_token.as_ref().map(|t| OwnedString::new(t.expose(), "privateToken")).transpose()?,
        validation.message.as_ref().map(|m| OwnedString::new(m, "Message")).transpose()?,
    ))
}

fn write_validation(validation: FfiResult<Validation>, out_validation: *mut ab_otpone_validation) -> FfiResult {
    let slot = out(out_validation, "out_validation")?;
    let Prepared([user, fields], token, message) = prepare(&validation?)?;
    slot.write(ab_otpone_validation {
        user_valided: user.into_raw(),
        private_token: token.map_or(ptr::null_mut(), OwnedString::into_raw),
        message: message.map_or(ptr::null_mut(), OwnedString::into_raw),
        fields_json: fields.into_raw(),
    });
    Ok(())
}

/// Frees the strings inside a validation (wiping them) and sets them to NULL; the struct
/// itself is the caller's. `NULL` does nothing, and so does a second call.
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_validation_free(validation: *mut ab_otpone_validation) {
    ffi_void(|| {
        // SAFETY: NULL or a struct filled by this library (or zeroed by the caller).
        let Some(v) = (unsafe { validation.as_mut() }) else { return };
        // SAFETY: each non-NULL field came from `OwnedString::into_raw`.
        unsafe { free_fields([&mut v.user_valided, &mut v.private_token, &mut v.message, &mut v.fields_json]) };
    });
}

/// Creates OtpOne settings for `base_url` (`https://api.otpone.com` in production).
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_config_new(
    base_url: *const c_char,
    out_config: *mut *mut ab_otpone_config,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a C string or NULL.
        let base_url = unsafe { string(base_url, "base_url") }?;
        let out_config = out(out_config, "out_config")?;
        let config = OtpOneConfig::new(base_url)?;
        out_config.write(ab_otpone_config { inner: Settings::new(config) }.into_c());
        Ok(())
    })
}

/// Copies transport settings into the configuration.
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_config_set_transport(
    config: *const ab_otpone_config,
    transport: *const ab_transport_config,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: live handles or NULL.
        let config = unsafe { handle(config, "config") }?;
        let transport = unsafe { handle(transport, "transport") }?.inner.snapshot();
        config.inner.change(|c| {
            c.transport = transport;
            Ok(())
        })
    })
}

/// Time allowed for one SendRequest, which lasts while the person answers (150 s by default).
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_config_set_send_request_timeout(
    config: *const ab_otpone_config,
    timeout_ms: u64,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let config = unsafe { handle(config, "config") }?;
        config.inner.change(|c| {
            c.send_request_timeout = Duration::from_millis(timeout_ms);
            Ok(())
        })
    })
}

/// Changes the path of one operation (`"get_transaction_id"`, `"get_html"`, `"verify_token"`,
/// `"is_finish"`, `"get_result"`, `"send_request"`), e.g. to `"/api/getTransactionID"`.
/// Checked when a server or client is created.
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_config_set_path(
    config: *const ab_otpone_config,
    operation: *const c_char,
    path: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let config = unsafe { handle(config, "config") }?;
        let operation = unsafe { string(operation, "operation") }?;
        let path = unsafe { string(path, "path") }?.to_string();
        config.inner.change(|c| {
            let p = &mut c.paths;
            let slot = match operation {
                "get_transaction_id" => &mut p.get_transaction_id,
                "get_html" => &mut p.get_html,
                "verify_token" => &mut p.verify_token,
                "is_finish" => &mut p.is_finish,
                "get_result" => &mut p.get_result,
                "send_request" => &mut p.send_request,
                _ => {
                    return Err(
                        Error::invalid("operation", "must name an OtpOne operation (get_transaction_id, …)").into()
                    )
                }
            };
            *slot = path;
            Ok(())
        })
    })
}

/// Changes the wire name of one query parameter (`"srv_api_key"`, `"js_api_key"`,
/// `"user_mail"`, `"request_type"`, `"message"`, `"private_token"`, `"transaction_id"`,
/// `"page_type"`, `"form_id"`, `"user_ip"`, `"os_type"`, `"app_name"`, `"token"`). Checked
/// when a server or client is created.
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_config_set_param(
    config: *const ab_otpone_config,
    parameter: *const c_char,
    wire_name: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let config = unsafe { handle(config, "config") }?;
        let parameter = unsafe { string(parameter, "parameter") }?;
        let wire_name = unsafe { string(wire_name, "wire_name") }?.to_string();
        config.inner.change(|c| {
            let p = &mut c.params;
            let slot = match parameter {
                "srv_api_key" => &mut p.srv_api_key,
                "js_api_key" => &mut p.js_api_key,
                "user_mail" => &mut p.user_mail,
                "request_type" => &mut p.request_type,
                "message" => &mut p.message,
                "private_token" => &mut p.private_token,
                "transaction_id" => &mut p.transaction_id,
                "page_type" => &mut p.page_type,
                "form_id" => &mut p.form_id,
                "user_ip" => &mut p.user_ip,
                "os_type" => &mut p.os_type,
                "app_name" => &mut p.app_name,
                "token" => &mut p.token,
                _ => return Err(Error::invalid("parameter", "must name an OtpOne parameter (srv_api_key, …)").into()),
            };
            *slot = wire_name;
            Ok(())
        })
    })
}

/// Frees OtpOne settings. `NULL` does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_config_free(config: *mut ab_otpone_config) {
    // SAFETY: created by `ab_otpone_config_new`, freed once.
    unsafe { ab_otpone_config::free(config) }
}

/// Creates the server side with the server key (`SRV-…`; a client key is refused with
/// `AB_STATUS_INVALID_INPUT` naming `SrvAPIKey`).
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_server_new(
    config: *const ab_otpone_config,
    server_key: *const c_char,
    out_server: *mut *mut ab_otpone_server,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let config = unsafe { handle(config, "config") }?;
        let key = unsafe { string(server_key, "server_key") }?;
        let out_server = out(out_server, "out_server")?;
        let server = OtpOneServer::new(config.inner.snapshot(), ServerKey::new(key)?)?;
        out_server.write(ab_otpone_server { inner: server }.into_c());
        Ok(())
    })
}

/// Frees the server side. `NULL` does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_server_free(server: *mut ab_otpone_server) {
    // SAFETY: created by `ab_otpone_server_new`, freed once.
    unsafe { ab_otpone_server::free(server) }
}

/// Creates the client side with the client key (`JS-…`; a server key is refused with
/// `AB_STATUS_INVALID_INPUT` naming `JsAPIKey`).
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_client_new(
    config: *const ab_otpone_config,
    client_key: *const c_char,
    out_client: *mut *mut ab_otpone_client,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let config = unsafe { handle(config, "config") }?;
        let key = unsafe { string(client_key, "client_key") }?;
        let out_client = out(out_client, "out_client")?;
        let client = OtpOneClient::new(config.inner.snapshot(), ClientKey::new(key)?)?;
        out_client.write(ab_otpone_client { inner: client }.into_c());
        Ok(())
    })
}

/// Frees the client side. `NULL` does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_client_free(client: *mut ab_otpone_client) {
    // SAFETY: created by `ab_otpone_client_new`, freed once.
    unsafe { ab_otpone_client::free(client) }
}

/// getTransactionID (seed §3.1.1, §3.2.1): opens a transaction for `user_mail`.
/// `request_type` is the seed's RequestTypes number (0 RequestWebSession, 1
/// RequestComputerSession, … 6 RequestSignDocument). `private_token_or_null` is what a
/// distributed client later receives through GetResult. The id is written to
/// `*out_transaction_id` (free it with `ab_string_free`). Never sent twice.
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_get_transaction_id(
    server: *const ab_otpone_server,
    user_mail: *const c_char,
    request_type: u32,
    message: *const c_char,
    private_token_or_null: *const c_char,
    out_transaction_id: *mut *mut c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let server = unsafe { handle(server, "server") }?;
        let user_mail = unsafe { string(user_mail, "user_mail") }?;
        let message = unsafe { string(message, "message") }?;
        let token = unsafe { opt_string(private_token_or_null, "private_token_or_null") }?.map(Secret::new);
        let out_id = out(out_transaction_id, "out_transaction_id")?;
        let request_type = RequestType::from_value(i64::from(request_type))?;
        let transaction = block_on(server.inner.get_transaction_id(user_mail, request_type, message, token.as_ref()))??;
        out_id.write(OwnedString::new(&transaction.id, "transaction id")?.into_raw());
        Ok(())
    })
}

/// GetHTML (seed §3.1.1 step 2): the HTML/JavaScript/CSS fragment a web page writes out so the
/// person can validate `transaction_id` the `page_type` way (0 RTRPhoneValidation, 1
/// SecurityKeyValidation, 2 SecurityKeyRegistration, 3 Certificate); the page then submits the
/// form `form_id` with the token. Written to `*out_html` (free with `ab_string_free`).
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_get_html(
    server: *const ab_otpone_server,
    transaction_id: *const c_char,
    page_type: u32,
    form_id: *const c_char,
    out_html: *mut *mut c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let server = unsafe { handle(server, "server") }?;
        let transaction_id = unsafe { string(transaction_id, "transaction_id") }?;
        let form_id = unsafe { string(form_id, "form_id") }?;
        let out_html = out(out_html, "out_html")?;
        let page_type = PageType::from_value(i64::from(page_type))?;
        let html = block_on(server.inner.get_html(transaction_id, page_type, form_id))??;
        out_html.write(OwnedString::new(&html, "html")?.into_raw());
        Ok(())
    })
}

/// VerifyToken (seed §3.1.1 step 4): checks the single-use token the page received. Succeeds
/// only when `isValid` is true and `UserValided` is `expected_user` (the transaction's user).
/// Fills `*out_validation` (free with `ab_otpone_validation_free`). Never sent twice.
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_verify_token(
    server: *const ab_otpone_server,
    token: *const c_char,
    expected_user: *const c_char,
    out_validation: *mut ab_otpone_validation,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let server = unsafe { handle(server, "server") }?;
        let token = Secret::new(unsafe { string(token, "token") }?);
        let expected_user = unsafe { string(expected_user, "expected_user") }?;
        out(out_validation, "out_validation")?;
        write_validation(
            block_on(server.inner.verify_token(&token, expected_user))?.map_err(Into::into),
            out_validation,
        )
    })
}

/// SendRequest (seed §3.3.1): asks `user_mail` to validate, straight from the server, and
/// blocks until the person answers (or OtpOne gives up after about two minutes). `user_ip`,
/// `os_type` and `app_name` describe the requester. Fills `*out_validation`.
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_send_request(
    server: *const ab_otpone_server,
    user_mail: *const c_char,
    request_type: u32,
    message: *const c_char,
    user_ip: *const c_char,
    os_type: *const c_char,
    app_name: *const c_char,
    out_validation: *mut ab_otpone_validation,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let server = unsafe { handle(server, "server") }?;
        let user_mail = unsafe { string(user_mail, "user_mail") }?;
        let message = unsafe { string(message, "message") }?;
        let user_ip = unsafe { string(user_ip, "user_ip") }?;
        let os_type = unsafe { string(os_type, "os_type") }?;
        let app_name = unsafe { string(app_name, "app_name") }?;
        out(out_validation, "out_validation")?;
        let request_type = RequestType::from_value(i64::from(request_type))?;
        let result = block_on(server.inner.send_request(user_mail, request_type, message, user_ip, os_type, app_name))?;
        write_validation(result.map_err(Into::into), out_validation)
    })
}

/// IsFinish (seed §3.2.1 step 2): whether the person has finished with the transaction,
/// written to `*out_finished`.
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_is_finish(
    client: *const ab_otpone_client,
    transaction_id: *const c_char,
    out_finished: *mut bool,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let client = unsafe { handle(client, "client") }?;
        let transaction_id = unsafe { string(transaction_id, "transaction_id") }?;
        let out_finished = out(out_finished, "out_finished")?;
        out_finished.write(block_on(client.inner.is_finish(transaction_id))??);
        Ok(())
    })
}

/// GetResult (seed §3.2.1 step 4): the outcome of a finished transaction, with the
/// `privateToken` the server attached (only when the person approved). With
/// `expected_user_or_null` given, `UserValided` must name that user; with NULL the caller must
/// compare `user_valided` itself. Fills `*out_validation`.
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_get_result(
    client: *const ab_otpone_client,
    transaction_id: *const c_char,
    expected_user_or_null: *const c_char,
    out_validation: *mut ab_otpone_validation,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let client = unsafe { handle(client, "client") }?;
        let transaction_id = unsafe { string(transaction_id, "transaction_id") }?;
        let expected = unsafe { opt_string(expected_user_or_null, "expected_user_or_null") }?;
        out(out_validation, "out_validation")?;
        write_validation(
            block_on(client.inner.get_result(transaction_id, expected))?.map_err(Into::into),
            out_validation,
        )
    })
}

/// Waits for the person (seed §3.2.1 "with a timer"): polls IsFinish every `interval_ms` (0:
/// 2 s; never faster than 1 s) until it is true, then reads GetResult as
/// `ab_otpone_get_result` does. Ends with `AB_STATUS_TIMEOUT` after `timeout_ms`,
/// `AB_STATUS_CANCELLED` once `cancel_or_null` is cancelled, `AB_STATUS_AUTHENTICATION_FAILED`
/// when the person denied.
#[no_mangle]
pub unsafe extern "C" fn ab_otpone_wait_for_result(
    client: *const ab_otpone_client,
    transaction_id: *const c_char,
    expected_user_or_null: *const c_char,
    timeout_ms: u64,
    interval_ms: u64,
    cancel_or_null: *const ab_cancel,
    out_validation: *mut ab_otpone_validation,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: live handles or NULL; C strings or NULL.
        let client = unsafe { handle(client, "client") }?;
        let transaction_id = unsafe { string(transaction_id, "transaction_id") }?;
        let expected = unsafe { opt_string(expected_user_or_null, "expected_user_or_null") }?;
        let options = wait_options(timeout_ms, interval_ms, unsafe { opt_handle(cancel_or_null) });
        out(out_validation, "out_validation")?;
        let result = block_on(client.inner.wait_for_result(transaction_id, expected, &options))?;
        write_validation(result.map_err(Into::into), out_validation)
    })
}
