//! The portal's own calls to the NoPass server (docs/vendors/nopass.md, "Calls the portal
//! makes"), with
//! the `authToken` from ConfirmRegistration as bearer:
//!
//! - `POST /api/UserRegistration/PreRegisterUser` starts a user's registration and yields the
//!   `otp` that ConfirmUserRegistration must later carry, and the `registerLink`;
//! - `POST /api/UserAuthentication/RequestAuthorization` starts a login and yields the
//!   `authId`, the first picture and `nextChange`.
//!
//! Success is a 2xx **and** an empty `errors` list. Both calls change state on the server, so
//! neither is sent twice once it may have arrived (`Replay::Never`).

use base64::Engine;
use serde::Serialize;
use serde_json::{Map, Value};
use url::Url;

use super::config::NoPassServerConfig;
use super::png::check_png;
use crate::transport::{Replay, Request, Response, Transport};
use crate::{Error, Result, Secret, Vendor};

const PRE_REGISTER_USER: &str = "api/UserRegistration/PreRegisterUser";
const REQUEST_AUTHORIZATION: &str = "api/UserAuthentication/RequestAuthorization";

/// The PreRegisterUser body, spelled as the public sample sends it.
#[derive(Serialize)]
pub(crate) struct PreRegisterUserBody<'a> {
    #[serde(rename = "portalId")]
    pub portal_id: &'a str,
    #[serde(rename = "userId")]
    pub user_id: &'a str,
    #[serde(rename = "clientIP")]
    pub client_ip: Option<&'a str>,
    #[serde(rename = "redirectUrl")]
    pub redirect_url: Option<&'a str>,
    #[serde(rename = "socialNetwork")]
    pub social_network: Option<&'a str>,
    pub data: PreRegisterUserData<'a>,
}

#[derive(Serialize)]
pub(crate) struct PreRegisterUserData<'a> {
    #[serde(rename = "givenName")]
    pub given_name: Option<&'a str>,
    #[serde(rename = "surName")]
    pub sur_name: Option<&'a str>,
    #[serde(rename = "phoneNumber")]
    pub phone_number: Option<&'a str>,
    pub email: Option<&'a str>,
}

/// What PreRegisterUser answered.
pub(crate) struct PreRegistered {
    pub otp: Secret,
    pub register_link: String,
}

/// What RequestAuthorization answered.
pub(crate) struct Authorization {
    /// A capability: kept as a digest, never logged.
    pub auth_id: Secret,
    pub image: String,
    pub next_change_ms: u64,
}

pub(crate) struct ServerClient {
    base_url: Url,
    transport: Transport,
}

impl std::fmt::Debug for ServerClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerClient").field("base_url", &self.base_url.as_str()).finish()
    }
}

impl ServerClient {
    pub(crate) fn new(config: &NoPassServerConfig) -> Result<Self> {
        let mut base_url = config.base_url.clone();
        if !base_url.path().ends_with('/') {
            let path = format!("{}/", base_url.path());
            base_url.set_path(&path);
        }
        Ok(Self { base_url, transport: Transport::new(Vendor::NoPass, config.transport.clone())? })
    }

    fn url(&self, path: &str) -> Result<Url> {
        self.base_url.join(path).map_err(|e| Error::Config(format!("NoPass server URL: {e}")))
    }

    pub(crate) async fn pre_register_user(
        &self,
        token: &Secret,
        body: &PreRegisterUserBody<'_>,
    ) -> Result<PreRegistered> {
        let result = self.call(PRE_REGISTER_USER, "pre_register_user", token, body).await?;
        let otp = result_string(&result, "otp", None)?;
        let register_link = result_string(&result, "registerLink", Some(2084))?;
        Ok(PreRegistered { otp: Secret::new(otp), register_link })
    }

    pub(crate) async fn request_authorization(
        &self,
        token: &Secret,
        portal_id: &str,
        user_id: &str,
    ) -> Result<Authorization> {
        let body = serde_json::json!({ "portalId": portal_id, "userId": user_id });
        let result = self.call(REQUEST_AUTHORIZATION, "request_authorization", token, &body).await?;
        let auth_id = result_string(&result, "authId", Some(256))?;
        let image = result_string(&result, "image", None)?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(&image)
            .map_err(|_| decode("`result.image` is not base64"))?;
        check_png(&png).map_err(|rule| decode(format!("`result.image` {rule}")))?;
        let next_change_ms = get(&result, "nextChange")
            .and_then(Value::as_u64)
            .ok_or_else(|| decode("`result.nextChange` is missing or not a non-negative integer"))?;
        Ok(Authorization { auth_id: Secret::new(auth_id), image, next_change_ms })
    }

    /// Sends one call and returns its `result` object when the answer is a 2xx with no errors.
    async fn call<T: Serialize + ?Sized>(
        &self,
        path: &str,
        operation: &'static str,
        token: &Secret,
        body: &T,
    ) -> Result<Map<String, Value>> {
        let request = Request::post(self.url(path)?, operation, Replay::Never)
            .header(http::header::ACCEPT, "application/json")?
            .bearer(token)?
            .json(body)?;
        let response = self.transport.send(request).await?;
        let envelope = serde_json::from_slice::<Value>(&response.body).ok();
        let first_error = envelope.as_ref().and_then(first_error);
        if !response.is_success() {
            return Err(Error::from_status(with_error(&response, first_error)));
        }
        let Some(Value::Object(envelope)) = envelope else {
            return Err(decode(format!("HTTP {}: the answer is not a JSON object", response.status.as_u16())));
        };
        if let Some(error) = first_error {
            return Err(Error::Vendor(Box::new(with_error(&response, Some(error)))));
        }
        if let Some(errors) = get(&envelope, "errors") {
            if !matches!(errors, Value::Array(list) if list.is_empty()) && !errors.is_null() {
                return Err(Error::Vendor(Box::new(response.detail().message("the answer lists errors"))));
            }
        }
        match get(&envelope, "result") {
            Some(Value::Object(result)) => Ok(result.clone()),
            _ => Err(decode("the answer has no `result` object")),
        }
    }
}

fn decode(message: impl Into<String>) -> Error {
    Error::Decode { vendor: Vendor::NoPass, message: message.into() }
}

/// A key of a JSON object, matched without regard to case (the server is ASP.NET).
fn get<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).or_else(|| object.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
}

fn first_error(envelope: &Value) -> Option<(Option<String>, Option<String>)> {
    let Value::Object(object) = envelope else { return None };
    let Value::Array(errors) = get(object, "errors")? else { return None };
    let first = errors.first()?;
    let text = |key: &str| match first {
        Value::Object(error) => get(error, key).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
        _ => None,
    };
    Some((text("code"), text("message")))
}

fn with_error(response: &Response, error: Option<(Option<String>, Option<String>)>) -> crate::VendorDetail {
    let mut detail = response.detail();
    if let Some((code, message)) = error {
        detail.vendor_code = code;
        detail.vendor_message = message;
    }
    detail
}

fn result_string(result: &Map<String, Value>, key: &str, max: Option<usize>) -> Result<String> {
    match get(result, key) {
        Some(Value::String(value)) if !value.is_empty() => {
            if max.is_some_and(|max| value.chars().count() > max) {
                return Err(decode(format!("`result.{key}` is longer than {} characters", max.unwrap_or(0))));
            }
            Ok(value.clone())
        }
        _ => Err(decode(format!("`result.{key}` is missing or not a non-empty string"))),
    }
}
