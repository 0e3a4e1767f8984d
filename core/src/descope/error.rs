//! Descope's error answers and the authbridge error each one becomes.
//!
//! Descope answers a failed call with a non-2xx status and
//! `{"errorCode","errorDescription","errorMessage"}` (docs/vendors/descope.md, "Errors"). The
//! `errorCode` is kept as the error's vendor code; description and message are joined
//! (`description: message`) into its vendor message. The mapping, most specific first:
//!
//! | answer                                   | authbridge code          |
//! |------------------------------------------|--------------------------|
//! | HTTP 429, any body or none               | `rate_limited` (+ retry-after) |
//! | `E130429`, `E170429` (rate limits)       | `rate_limited`           |
//! | `E066103` nOTP login still pending       | not an error: the wait polls again |
//! | `E061102` wrong or expired code          | `authentication_failed`  |
//! | `E061103` too many attempts              | `rate_limited`           |
//! | `E062107` user already exists            | `conflict`               |
//! | `E062108` user not found                 | `not_found`              |
//! | `E011002`/`E011003`/`E011004` bad arguments (HTTP 400) | `vendor`   |
//! | other HTTP 401 / 403                     | `unauthorized`           |
//! | other HTTP 404                           | `not_found`              |
//! | other HTTP 409 / 422                     | `conflict`               |
//! | any other answer with an `errorCode`     | `vendor`                 |
//! | any other status                         | `http_status`            |
//!
//! On the pending-session call, a 401/403 other than `E066103` means the login will not
//! complete (denied, expired, unknown reference): `authentication_failed`.

use serde::Deserialize;

use crate::transport::Response;
use crate::{Error, VendorDetail};

/// nOTP pending-session answer while the person has not acted yet.
pub const PENDING: &str = "E066103";
/// A one-time code (TOTP) that is wrong or no longer valid.
pub const WRONG_CODE: &str = "E061102";
/// Too many wrong codes.
pub const TOO_MANY_ATTEMPTS: &str = "E061103";
/// Sign-up of a login ID that already exists.
pub const USER_EXISTS: &str = "E062107";
/// A login ID that does not exist.
pub const USER_NOT_FOUND: &str = "E062108";
/// Rate-limit codes seen in Descope answers (docs/vendors/descope.md, "Errors"; the status decides
/// regardless).
pub const RATE_LIMITED: [&str; 2] = ["E130429", "E170429"];

/// The wire shape of an error answer. Every field may be missing; a 429 may have no body.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ErrorBody {
    #[serde(default)]
    pub error_code: Option<String>,
    #[serde(default)]
    pub error_description: Option<String>,
    #[serde(default)]
    pub error_message: Option<String>,
}

impl ErrorBody {
    pub(super) fn of(response: &Response) -> Self {
        if response.body.is_empty() {
            return Self::default();
        }
        serde_json::from_slice(&response.body).unwrap_or_default()
    }
}

/// The vendor detail of an answer: status, retry-after, `errorCode`, description and message.
pub(super) fn detail(response: &Response, body: &ErrorBody) -> VendorDetail {
    let mut detail = response.detail();
    detail.vendor_code = body.error_code.clone().filter(|c| !c.is_empty());
    let parts: Vec<&str> = [body.error_description.as_deref(), body.error_message.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    if !parts.is_empty() {
        detail.vendor_message = Some(parts.join(": "));
    }
    detail
}

/// Where a failed answer came from; the pending-session call reads 401 differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Call {
    Other,
    PendingSession,
}

/// The authbridge error for a non-success answer.
pub(super) fn error_from(response: &Response, call: Call) -> Error {
    let body = ErrorBody::of(response);
    let detail = detail(response, &body);
    let status = response.status.as_u16();
    if status == 429 {
        return Error::RateLimited(Box::new(detail));
    }
    let code = detail.vendor_code.clone().unwrap_or_default();
    let detail = Box::new(detail);
    match code.as_str() {
        c if RATE_LIMITED.contains(&c) || c == TOO_MANY_ATTEMPTS => Error::RateLimited(detail),
        WRONG_CODE => Error::AuthenticationFailed(detail),
        USER_EXISTS => Error::Conflict(detail),
        USER_NOT_FOUND => Error::NotFound(detail),
        _ if call == Call::PendingSession && matches!(status, 401 | 403) => Error::AuthenticationFailed(detail),
        _ if matches!(status, 401 | 403 | 404 | 409 | 422) => Error::from_status(*detail),
        "" => Error::from_status(*detail),
        _ => Error::Vendor(detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Vendor;
    use http::{HeaderMap, HeaderValue, StatusCode};

    fn answer(status: u16, body: &str) -> Response {
        let mut headers = HeaderMap::new();
        if status == 429 {
            headers.insert(http::header::RETRY_AFTER, HeaderValue::from_static("7"));
        }
        Response {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body: bytes::Bytes::from(body.to_string()),
            vendor: Vendor::Descope,
        }
    }

    fn body(code: &str) -> String {
        format!(r#"{{"errorCode":"{code}","errorDescription":"Desc","errorMessage":"Msg"}}"#)
    }

    #[test]
    fn maps_documented_codes() {
        let of = |status, code: &str| error_from(&answer(status, &body(code)), Call::Other).code();
        assert_eq!(of(401, WRONG_CODE), "authentication_failed");
        assert_eq!(of(400, USER_EXISTS), "conflict");
        assert_eq!(of(400, USER_NOT_FOUND), "not_found");
        assert_eq!(of(400, TOO_MANY_ATTEMPTS), "rate_limited");
        assert_eq!(of(400, "E011003"), "vendor");
        assert_eq!(of(401, "E011003"), "unauthorized");
        assert_eq!(of(500, "E000000"), "vendor");
        let e = error_from(&answer(400, &body("E011002")), Call::Other);
        assert_eq!(e.vendor_code(), Some("E011002"));
        assert_eq!(e.vendor_message(), Some("Desc: Msg"));
    }

    #[test]
    fn rate_limit_by_status_even_without_body() {
        let e = error_from(&answer(429, ""), Call::Other);
        assert_eq!(e.code(), "rate_limited");
        assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(7)));
        assert_eq!(e.vendor_code(), None);
        assert_eq!(error_from(&answer(429, "<html>busy</html>"), Call::Other).code(), "rate_limited");
        assert_eq!(error_from(&answer(502, ""), Call::Other).code(), "http_status");
    }

    #[test]
    fn pending_session_refusal_is_an_authentication_failure() {
        let e = error_from(&answer(401, &body("E066104")), Call::PendingSession);
        assert_eq!(e.code(), "authentication_failed");
        assert_eq!(error_from(&answer(401, &body("E066104")), Call::Other).code(), "unauthorized");
    }
}
