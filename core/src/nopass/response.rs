//! What the portal answers: the vendor's envelope `{"errors":[{"code","message"}],"result":…}`,
//! 200 only on success, and the bare mode of the public sample (docs/vendors/nopass.md,
//! "Callbacks received" and "Answer shape").

use serde_json::{json, Value};

use super::config::ResponseMode;

/// The content type of every JSON answer.
pub(crate) const JSON: &str = "application/json; charset=utf-8";

/// The vendor caps an error `code` at 64 and a `message` at 2084 characters.
const MAX_CODE: usize = 64;
const MAX_MESSAGE: usize = 2084;

/// The string result of callbacks whose result is a string (UpdatePicture,
/// ConfirmUserRegistration, UpdateUser, DeleteUser); the vendor gives no value.
pub(crate) const DONE: &str = "OK";

/// An answer to the NoPass server, ready for any web framework to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalResponse {
    /// The HTTP status to send.
    pub status: u16,
    /// `None` for an empty body (the vendor's empty 404, bare-mode string results).
    pub content_type: Option<&'static str>,
    /// Extra headers (`Allow` on 405, `WWW-Authenticate` on 401, `Connection: close` on 413,
    /// `Retry-After` on 429 and 503).
    pub headers: Vec<(String, String)>,
    /// The body to send (JSON, or empty when the content type is `None`).
    pub body: Vec<u8>,
}

impl PortalResponse {
    /// The body as text (it is always UTF-8 JSON or empty).
    pub fn body_text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or_default()
    }

    /// The body parsed as JSON (`Null` when empty).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The first error code of the envelope, if any.
    pub fn error_code(&self) -> Option<String> {
        self.json().get("errors")?.get(0)?.get("code")?.as_str().map(str::to_string)
    }

    /// The first error message of the envelope, if any.
    pub fn error_message(&self) -> Option<String> {
        self.json().get("errors")?.get(0)?.get("message")?.as_str().map(str::to_string)
    }

    fn json_body(status: u16, body: &Value) -> Self {
        Self { status, content_type: Some(JSON), headers: Vec::new(), body: body.to_string().into_bytes() }
    }
}

/// What a handled callback produced.
#[derive(Debug)]
pub(crate) enum Outcome {
    Object(Value),
    Bool(bool),
    /// Success whose result is a string in the vendor's table.
    Done,
}

impl Outcome {
    pub(crate) fn into_response(self, mode: ResponseMode) -> PortalResponse {
        let result = match self {
            Outcome::Object(value) => value,
            Outcome::Bool(value) => Value::Bool(value),
            Outcome::Done if mode == ResponseMode::Bare => {
                return PortalResponse { status: 200, content_type: None, headers: Vec::new(), body: Vec::new() };
            }
            Outcome::Done => Value::String(DONE.into()),
        };
        match mode {
            ResponseMode::Envelope => PortalResponse::json_body(200, &json!({ "errors": [], "result": result })),
            ResponseMode::Bare => PortalResponse::json_body(200, &result),
        }
    }
}

/// A refused callback: status, a stable snake_case code and a message naming the field and
/// rule. Messages never echo values the caller sent.
#[derive(Debug, Clone)]
pub(crate) struct Refusal {
    status: u16,
    code: &'static str,
    message: String,
    result: Value,
    empty: bool,
    headers: Vec<(String, String)>,
}

impl Refusal {
    pub(crate) fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), result: Value::Null, empty: false, headers: Vec::new() }
    }

    /// 400: a field breaks the vendor's type or length rule.
    pub(crate) fn invalid(field: &str, rule: impl AsRef<str>) -> Self {
        Self::new(400, "invalid_input", format!("`{field}` {}", rule.as_ref()))
    }

    /// 400: the body is not the JSON object the vendor shows.
    pub(crate) fn invalid_json(message: impl Into<String>) -> Self {
        Self::new(400, "invalid_json", message)
    }

    /// The vendor's answer to a pre-registration once the portal is registered: an empty
    /// 404, as if the endpoint did not exist.
    pub(crate) fn empty_not_found() -> Self {
        Self { empty: true, ..Self::new(404, "not_found", "") }
    }

    /// 409: the callback does not fit the portal's state.
    pub(crate) fn wrong_state(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(409, code, message)
    }

    /// 403: the host's hook said no.
    pub(crate) fn refused(message: impl Into<String>) -> Self {
        Self::new(403, "refused", message)
    }

    pub(crate) fn hook_failed(callback: &str) -> Self {
        Self::new(500, "hook_failed", format!("the portal could not process {callback}; nothing was changed"))
    }

    /// 503: the store could not be read or written (e.g. Redis is down). Nothing changed; the
    /// NoPass server calls again.
    pub(crate) fn store_failed() -> Self {
        Self::new(503, "store_unavailable", "the portal could not save the change; nothing was changed, try again")
            .with_header("Retry-After", "1")
    }

    /// 503: a hook (or the callback ahead of this one on the same subject) did not finish
    /// within the deadline. Nothing changed; the NoPass server calls again.
    pub(crate) fn busy(callback: &str, deadline: std::time::Duration) -> Self {
        let retry_after = deadline.as_secs().max(1).to_string();
        Self::new(503, "hook_timeout", format!("the portal could not decide {callback} in time; nothing was changed"))
            .with_header("Retry-After", &retry_after)
    }

    /// 409: a copy of this callback is being handled right now.
    pub(crate) fn in_progress() -> Self {
        Self::new(409, "in_progress", "the same callback is being handled already; nothing was changed")
    }

    /// 429: the source failed the `adminId` check too often (see `throttle.rs`).
    pub(crate) fn throttled(retry_after: std::time::Duration) -> Self {
        let seconds = retry_after.as_secs_f64().ceil().max(1.0) as u64;
        Self::new(429, "too_many_attempts", "too many wrong `adminId`s from this source; try again later")
            .with_header("Retry-After", &seconds.to_string())
    }

    pub(crate) fn conflict() -> Self {
        Self::new(409, "conflict", "the portal's state changed while this call was handled; nothing was changed")
    }

    /// The `result` to send with the errors (DisableService answers `false`).
    pub(crate) fn with_result(mut self, result: Value) -> Self {
        self.result = result;
        self
    }

    pub(crate) fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub(crate) fn status(&self) -> u16 {
        self.status
    }

    pub(crate) fn code(&self) -> &'static str {
        self.code
    }

    pub(crate) fn into_response(self) -> PortalResponse {
        if self.empty {
            return PortalResponse { status: self.status, content_type: None, headers: self.headers, body: Vec::new() };
        }
        let code: String = self.code.chars().take(MAX_CODE).collect();
        let message: String = self.message.chars().take(MAX_MESSAGE).collect();
        let body = json!({ "errors": [{ "code": code, "message": message }], "result": self.result });
        PortalResponse { headers: self.headers, ..PortalResponse::json_body(self.status, &body) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_and_bare_shapes() {
        let ok = Outcome::Bool(true).into_response(ResponseMode::Envelope);
        assert_eq!(ok.json(), json!({"errors": [], "result": true}));
        let ok = Outcome::Done.into_response(ResponseMode::Envelope);
        assert_eq!(ok.json(), json!({"errors": [], "result": "OK"}));
        let bare = Outcome::Object(json!({"sCode": "x"})).into_response(ResponseMode::Bare);
        assert_eq!(bare.json(), json!({"sCode": "x"}));
        let bare = Outcome::Done.into_response(ResponseMode::Bare);
        assert!(bare.body.is_empty() && bare.status == 200 && bare.content_type.is_none());
        let refused = Refusal::invalid("adminId", "must be at most 64 characters").into_response();
        assert_eq!(refused.status, 400);
        assert_eq!(refused.error_code().as_deref(), Some("invalid_input"));
        assert_eq!(refused.json()["result"], Value::Null);
        let long = Refusal::new(400, "x", "m".repeat(5000)).into_response();
        assert_eq!(long.error_message().unwrap().len(), 2084);
        assert!(Refusal::empty_not_found().into_response().body.is_empty());
    }
}
