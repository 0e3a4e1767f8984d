//! OtpOne (seed `otpone-api.txt`): the server side (`SRV-` key) and the client side (`JS-`
//! key) of standard, distributed and server-only requests.
//!
//! Every result obeys the seed's rule: `isValid` true and `UserValided` the user the
//! transaction was opened for, or the call rejects with `authentication_failed` (vendor code
//! `isValid` or `UserValided`). The two key kinds are different types in core; giving one
//! where the other belongs throws `invalid_input` before anything is sent.

use std::sync::Arc;
use std::time::Duration;

use authbridge::otpone::{self, ClientKey, OtpOneConfig, PageType, RequestType, ServerKey, Validation};
use authbridge::Secret;
use napi::bindgen_prelude::{Either, Object, PromiseRaw};
use napi::Env;
use napi_derive::napi;

use crate::cancel::{signal_of, CallOptions};
use crate::error::check;
use crate::runtime::{promise, wait_promise};
use crate::transport::{self, TransportOptions};

/// Paths of the operations, appended to the base URL's path (VENDOR-NOTES "OtpOne").
#[napi(object)]
pub struct OtpOnePathOptions {
    pub get_transaction_id: Option<String>,
    pub get_html: Option<String>,
    pub verify_token: Option<String>,
    pub is_finish: Option<String>,
    pub get_result: Option<String>,
    pub send_request: Option<String>,
}

/// Names of the query parameters, when a deployment spells them otherwise.
#[napi(object)]
pub struct OtpOneParamOptions {
    pub srv_api_key: Option<String>,
    pub js_api_key: Option<String>,
    pub user_mail: Option<String>,
    pub request_type: Option<String>,
    pub message: Option<String>,
    pub private_token: Option<String>,
    pub transaction_id: Option<String>,
    pub page_type: Option<String>,
    pub form_id: Option<String>,
    pub user_ip: Option<String>,
    pub os_type: Option<String>,
    pub app_name: Option<String>,
    pub token: Option<String>,
}

/// Where OtpOne is.
#[napi(object)]
pub struct OtpOneOptions {
    /// The API's base URL (default `https://api.otpone.com`); operation paths are appended.
    pub base_url: Option<String>,
    pub paths: Option<OtpOnePathOptions>,
    pub params: Option<OtpOneParamOptions>,
    /// Time allowed for one SendRequest, in ms (default 150 s).
    pub send_request_timeout_ms: Option<u32>,
    pub transport: Option<TransportOptions>,
}

fn set(slot: &mut String, value: Option<String>) {
    if let Some(value) = value {
        *slot = value;
    }
}

fn config(options: Option<OtpOneOptions>) -> authbridge::Result<OtpOneConfig> {
    let Some(options) = options else {
        return Ok(OtpOneConfig::default());
    };
    let mut config = match &options.base_url {
        Some(url) => OtpOneConfig::new(url)?,
        None => OtpOneConfig::default(),
    };
    if let Some(paths) = options.paths {
        let p = &mut config.paths;
        set(&mut p.get_transaction_id, paths.get_transaction_id);
        set(&mut p.get_html, paths.get_html);
        set(&mut p.verify_token, paths.verify_token);
        set(&mut p.is_finish, paths.is_finish);
        set(&mut p.get_result, paths.get_result);
        set(&mut p.send_request, paths.send_request);
    }
    if let Some(params) = options.params {
        let p = &mut config.params;
        for (slot, value) in [
            (&mut p.srv_api_key, params.srv_api_key),
            (&mut p.js_api_key, params.js_api_key),
            (&mut p.user_mail, params.user_mail),
            (&mut p.request_type, params.request_type),
            (&mut p.message, params.message),
            (&mut p.private_token, params.private_token),
            (&mut p.transaction_id, params.transaction_id),
            (&mut p.page_type, params.page_type),
            (&mut p.form_id, params.form_id),
            (&mut p.user_ip, params.user_ip),
            (&mut p.os_type, params.os_type),
            (&mut p.app_name, params.app_name),
            (&mut p.token, params.token),
        ] {
            set(slot, value);
        }
    }
    if let Some(timeout) = options.send_request_timeout_ms {
        config = config.send_request_timeout(Duration::from_millis(u64::from(timeout)));
    }
    Ok(config.transport(transport::config(options.transport)))
}

/// A request type by the seed's name (`RequestWebSession`, …) or number (0 to 6).
fn request_type(value: Either<String, i64>) -> authbridge::Result<RequestType> {
    match value {
        Either::A(name) => RequestType::from_name(&name),
        Either::B(number) => RequestType::from_value(number),
    }
}

/// A page type by the seed's name (`RTRPhoneValidation`, …) or number (0 to 3).
fn page_type(value: Either<String, i64>) -> authbridge::Result<PageType> {
    match value {
        Either::A(name) => PageType::from_name(&name),
        Either::B(number) => PageType::from_value(number),
    }
}

/// A transaction opened by getTransactionID. Keep `userMail` with the session that opened
/// it: the result must name that user.
#[napi(object)]
pub struct OtpOneTransaction {
    pub id: String,
    pub user_mail: String,
    /// The seed's name of the request type.
    pub request_type: String,
}

/// A validation OtpOne reported as valid for the expected user.
#[napi(object)]
pub struct OtpOneValidation {
    /// `UserValided`.
    pub user_valided: String,
    /// `privateToken`, delivered to a distributed client once the person approved.
    pub private_token: Option<String>,
    /// `Message`, when not empty.
    pub message: Option<String>,
    /// Every other field of the answer, as sent.
    pub fields: serde_json::Value,
}

fn validation(validation: Validation) -> OtpOneValidation {
    OtpOneValidation {
        user_valided: validation.user_valided,
        private_token: validation.private_token.map(|t| t.expose().to_string()),
        message: validation.message,
        fields: serde_json::Value::Object(validation.fields),
    }
}

/// The server side of OtpOne, with the `SRV-` key.
#[napi]
pub struct OtpOneServer {
    inner: Arc<otpone::OtpOneServer>,
}

#[napi]
impl OtpOneServer {
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, server_key: String, options: Option<OtpOneOptions>) -> napi::Result<Self> {
        let server =
            check(&env, config(options).and_then(|c| otpone::OtpOneServer::new(c, ServerKey::new(server_key)?)))?;
        Ok(Self { inner: Arc::new(server) })
    }

    /// getTransactionID: opens a transaction for `userMail`. `privateToken` is what a
    /// distributed client receives through GetResult once the person approves.
    #[napi(catch_unwind, ts_return_type = "Promise<OtpOneTransaction>")]
    pub fn get_transaction_id<'env>(
        &self,
        env: &'env Env,
        user_mail: String,
        #[napi(ts_arg_type = "OtpOneRequestType | number")] request_type: Either<String, i64>,
        message: String,
        private_token: Option<String>,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, OtpOneTransaction>> {
        let server = self.inner.clone();
        let private_token = private_token.map(Secret::new);
        promise(
            env,
            signal_of(&options),
            async move {
                let kind = self::request_type(request_type)?;
                server.get_transaction_id(&user_mail, kind, &message, private_token.as_ref()).await
            },
            |_, txn| {
                Ok(OtpOneTransaction {
                    id: txn.id,
                    user_mail: txn.user_mail,
                    request_type: txn.request_type.name().into(),
                })
            },
        )
    }

    /// GetHTML: the fragment the web page writes out so the person can validate; it submits
    /// the form `formId` with the token afterwards.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn get_html<'env>(
        &self,
        env: &'env Env,
        transaction_id: String,
        #[napi(ts_arg_type = "OtpOnePageType | number")] page_type: Either<String, i64>,
        form_id: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let server = self.inner.clone();
        promise(
            env,
            signal_of(&options),
            async move { server.get_html(&transaction_id, self::page_type(page_type)?, &form_id).await },
            |_, html| Ok(html),
        )
    }

    /// VerifyToken: checks the single-use token the page received, for the user the
    /// transaction was opened for.
    #[napi(catch_unwind, ts_return_type = "Promise<OtpOneValidation>")]
    pub fn verify_token<'env>(
        &self,
        env: &'env Env,
        token: String,
        expected_user: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, OtpOneValidation>> {
        let server = self.inner.clone();
        let token = Secret::new(token);
        promise(env, signal_of(&options), async move { server.verify_token(&token, &expected_user).await }, |_, v| {
            Ok(validation(v))
        })
    }

    /// SendRequest (server only): asks `userMail` to validate and resolves once the person has
    /// (or OtpOne gives up after about two minutes).
    #[napi(catch_unwind, ts_return_type = "Promise<OtpOneValidation>")]
    #[allow(clippy::too_many_arguments)]
    pub fn send_request<'env>(
        &self,
        env: &'env Env,
        user_mail: String,
        #[napi(ts_arg_type = "OtpOneRequestType | number")] request_type: Either<String, i64>,
        message: String,
        user_ip: String,
        os_type: String,
        app_name: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, OtpOneValidation>> {
        let server = self.inner.clone();
        promise(
            env,
            signal_of(&options),
            async move {
                let kind = self::request_type(request_type)?;
                server.send_request(&user_mail, kind, &message, &user_ip, &os_type, &app_name).await
            },
            |_, v| Ok(validation(v)),
        )
    }
}

/// The client side of OtpOne (distributed requests), with the `JS-` key.
#[napi]
pub struct OtpOneClient {
    inner: Arc<otpone::OtpOneClient>,
}

#[napi]
impl OtpOneClient {
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, client_key: String, options: Option<OtpOneOptions>) -> napi::Result<Self> {
        let client =
            check(&env, config(options).and_then(|c| otpone::OtpOneClient::new(c, ClientKey::new(client_key)?)))?;
        Ok(Self { inner: Arc::new(client) })
    }

    /// IsFinish: whether the person has finished with the transaction.
    #[napi(catch_unwind, ts_return_type = "Promise<boolean>")]
    pub fn is_finish<'env>(
        &self,
        env: &'env Env,
        transaction_id: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, bool>> {
        let client = self.inner.clone();
        promise(env, signal_of(&options), async move { client.is_finish(&transaction_id).await }, |_, done| Ok(done))
    }

    /// GetResult: the outcome of a finished transaction. Pass `expectedUser` when known: then
    /// `UserValided` must name that user too.
    #[napi(catch_unwind, ts_return_type = "Promise<OtpOneValidation>")]
    pub fn get_result<'env>(
        &self,
        env: &'env Env,
        transaction_id: String,
        expected_user: Option<String>,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, OtpOneValidation>> {
        let client = self.inner.clone();
        promise(
            env,
            signal_of(&options),
            async move { client.get_result(&transaction_id, expected_user.as_deref()).await },
            |_, v| Ok(validation(v)),
        )
    }

    /// Polls IsFinish until the person has acted, then resolves with GetResult. Options:
    /// `expectedUser`, `timeoutMs` (default 120 000), `intervalMs` (at least 1 000) and
    /// `signal` (an `AbortSignal`: rejects with code `cancelled`).
    #[napi(catch_unwind, ts_return_type = "Promise<OtpOneValidation>")]
    pub fn wait_for_result<'env>(
        &self,
        env: &'env Env,
        transaction_id: String,
        #[napi(
            ts_arg_type = "{ expectedUser?: string; timeoutMs?: number; intervalMs?: number; signal?: AbortSignal }"
        )]
        options: Option<Object>,
    ) -> napi::Result<PromiseRaw<'env, OtpOneValidation>> {
        let expected_user = match &options {
            Some(options) => options.get::<String>("expectedUser")?,
            None => None,
        };
        let client = self.inner.clone();
        wait_promise(
            env,
            options.as_ref(),
            move |wait| async move { client.wait_for_result(&transaction_id, expected_user.as_deref(), &wait).await },
            |_, v| Ok(validation(v)),
        )
    }
}

/// The seed's RequestTypes names (all begin with "Request", as in the seed).
#[allow(clippy::enum_variant_names)]
#[napi(string_enum)]
pub enum OtpOneRequestType {
    RequestWebSession,
    RequestComputerSession,
    RequestFileScanImage,
    RequestFileScanDocument,
    RequestWorkFlowValidation,
    RequestApplicaitonAccess,
    RequestApplicationAccess,
    RequestSignDocument,
}

/// The seed's PageType names.
#[napi(string_enum)]
pub enum OtpOnePageType {
    RTRPhoneValidation,
    SecurityKeyValidation,
    SecurityKeyRegistration,
    Certificate,
}
