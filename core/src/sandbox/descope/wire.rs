//! How the stand-in reads requests and writes errors, checked against the seed and
//! `docs/vendors/descope.md` by hand (raw JSON, never the client's types).

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::super::sim::{kind, only_fields, SimRequest, SimResponse};

/// Error codes the stand-in answers with. The first five are Descope's (`docs/vendors/descope.md`); Descope
/// documents none for a refused or expired nOTP login, so `DENIED` and `EXPIRED` are the
/// stand-in's own choice in the same family.
pub(super) const PENDING: &str = "E066103";
pub(super) const WRONG_CODE: &str = "E061102";
pub(super) const USER_EXISTS: &str = "E062107";
pub(super) const USER_NOT_FOUND: &str = "E062108";
pub(super) const BAD_ARGUMENTS: &str = "E011003";
pub(super) const MISSING_ARGUMENTS: &str = "E011002";
pub(super) const RATE_LIMITED: &str = "E130429";
pub(super) const DENIED: &str = "E066104";
pub(super) const EXPIRED: &str = "E066102";

/// A Descope error answer: `{"errorCode","errorDescription","errorMessage"}`.
pub(super) fn error(status: StatusCode, code: &str, description: &str, message: &str) -> SimResponse {
    SimResponse::json(status, &json!({ "errorCode": code, "errorDescription": description, "errorMessage": message }))
}

/// What the `Authorization` header says: `Bearer <ProjectId>[:<JWT>][:<ManagementKey>]`.
pub(super) struct Bearer {
    pub project_id: String,
    pub refresh_jwt: Option<String>,
    pub management_key: Option<String>,
}

/// Reads the bearer. With a management key configured, the last part must be it.
pub(super) fn bearer(request: &SimRequest, expects_management_key: bool) -> Result<Bearer, SimResponse> {
    let unauthorized = |message: &str| error(StatusCode::UNAUTHORIZED, BAD_ARGUMENTS, "Unauthorized", message);
    let value = request.headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let Some(token) = value.and_then(|v| v.strip_prefix("Bearer ")) else {
        return Err(unauthorized("Authorization must be `Bearer <ProjectId>[:<JWT>]`"));
    };
    let mut parts: Vec<&str> = token.split(':').collect();
    let management_key = if expects_management_key && parts.len() >= 2 { parts.pop() } else { None };
    match parts.as_slice() {
        [project] if !project.is_empty() => Ok(Bearer {
            project_id: project.to_string(),
            refresh_jwt: None,
            management_key: management_key.map(Into::into),
        }),
        [project, jwt] if !project.is_empty() && !jwt.is_empty() => Ok(Bearer {
            project_id: project.to_string(),
            refresh_jwt: Some(jwt.to_string()),
            management_key: management_key.map(Into::into),
        }),
        _ => Err(unauthorized("Authorization must be `Bearer <ProjectId>[:<JWT>][:<ManagementKey>]`")),
    }
}

/// An optional string field.
pub(super) fn optional_string<'a>(object: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>, SimResponse> {
    match object.get(field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(SimResponse::strict(format!("field `{field}` must be a string, got {}", kind(other)))),
    }
}

/// An optional object field.
pub(super) fn optional_object<'a>(
    object: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a Map<String, Value>>, SimResponse> {
    match object.get(field) {
        None => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(other) => Err(SimResponse::strict(format!("field `{field}` must be an object, got {}", kind(other)))),
    }
}

/// The sign-up `user` object: the fields Descope's SDKs send, each a string.
pub(super) fn user_details(user: &Map<String, Value>) -> Result<(), SimResponse> {
    const FIELDS: [&str; 6] = ["name", "givenName", "middleName", "familyName", "email", "phone"];
    only_fields(user, &FIELDS).map_err(|e| prefix(e, "user"))?;
    for field in FIELDS {
        optional_string(user, field).map_err(|e| prefix(e, "user"))?;
    }
    Ok(())
}

/// Login options as the stand-in understands them.
#[derive(Default)]
pub(super) struct Options {
    pub stepup_or_mfa: bool,
    pub custom_claims: Map<String, Value>,
}

/// The `loginOptions` object.
pub(super) fn login_options(options: &Map<String, Value>) -> Result<Options, SimResponse> {
    only_fields(options, &["stepup", "mfa", "customClaims", "templateOptions", "revokeOtherSessions"])
        .map_err(|e| prefix(e, "loginOptions"))?;
    let mut flags = false;
    for field in ["stepup", "mfa", "revokeOtherSessions"] {
        match options.get(field) {
            None => {}
            Some(Value::Bool(b)) => flags |= *b && field != "revokeOtherSessions",
            Some(other) => {
                return Err(SimResponse::strict(format!(
                    "`loginOptions.{field}` must be a boolean, got {}",
                    kind(other)
                )))
            }
        }
    }
    let claims = optional_object(options, "customClaims").map_err(|e| prefix(e, "loginOptions"))?;
    if let Some(templates) = optional_object(options, "templateOptions").map_err(|e| prefix(e, "loginOptions"))? {
        if let Some((key, _)) = templates.iter().find(|(_, v)| !v.is_string()) {
            return Err(SimResponse::strict(format!("`loginOptions.templateOptions.{key}` must be a string")));
        }
    }
    Ok(Options { stepup_or_mfa: flags, custom_claims: claims.cloned().unwrap_or_default() })
}

/// Names the enclosing object in a strict message.
fn prefix(mut answer: SimResponse, object: &str) -> SimResponse {
    if let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(&answer.body) {
        if let Some(Value::String(text)) = body.get("error") {
            body.insert("error".into(), Value::String(format!("in `{object}`: {text}")));
            answer.body = bytes::Bytes::from(Value::Object(body).to_string());
        }
    }
    answer
}
