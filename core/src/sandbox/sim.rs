//! What a vendor stand-in implements, and the strict-parsing helpers they share.
//!
//! Stand-ins parse requests as raw JSON ([`serde_json::Value`]) and check them against the
//! seed themselves, never with the clients' request types, so a client bug cannot be mirrored
//! into the test double.

// Each stand-in uses the helpers and request fields its routes need; a build with only some
// vendors leaves the others' unused.
#![cfg_attr(
    not(all(feature = "nevis", feature = "authx", feature = "descope", feature = "otpone", feature = "nopass")),
    allow(dead_code)
)]

use std::sync::Arc;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::Stream;
use http::{HeaderMap, Method, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use serde_json::{Map, Value};

use crate::Vendor;

/// One vendor's stand-in.
pub(crate) trait Simulator: Send + Sync + 'static {
    fn vendor(&self) -> Vendor;
    /// The route a path belongs to (`nevisidm.password_login`), whatever the method, or
    /// `None` for a path the vendor does not serve. Counters and faults are keyed by it.
    fn route(&self, path: &str) -> Option<&'static str>;
    /// Answers a request on a known route. Method and content checks are the handler's.
    fn handle(
        self: Arc<Self>,
        route: &'static str,
        request: SimRequest,
        body: SimBody,
    ) -> BoxFuture<'static, SimResponse>;
}

/// The largest body a stand-in's JSON route reads; a larger one gets 413.
pub(crate) const JSON_BODY_LIMIT: usize = 64 * 1024;

/// Handles a route whose whole body fits in memory: buffers it (413 beyond
/// [`JSON_BODY_LIMIT`]), then lets `answer` reply; its `Err` is a strict refusal, sent as is.
pub(crate) fn answer_buffered<F>(body: SimBody, answer: F) -> BoxFuture<'static, SimResponse>
where
    F: FnOnce(&[u8]) -> Result<SimResponse, SimResponse> + Send + 'static,
{
    Box::pin(async move {
        match body.bytes(JSON_BODY_LIMIT).await {
            Ok(body) => answer(&body).unwrap_or_else(|strict| strict),
            Err(too_large) => too_large,
        }
    })
}

/// The head of a request as a stand-in sees it (the body comes separately, as [`SimBody`]).
pub(crate) struct SimRequest {
    pub method: Method,
    /// The raw path, still percent-encoded.
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
}

/// The request body, read whole or streamed (multipart uploads).
pub(crate) struct SimBody(Incoming);

impl SimBody {
    pub(crate) fn new(body: Incoming) -> Self {
        SimBody(body)
    }

    /// The whole body, or a 413 answer when it is larger than `limit`.
    pub(crate) async fn bytes(self, limit: usize) -> Result<Bytes, SimResponse> {
        let limited = http_body_util::Limited::new(self.0, limit);
        match limited.collect().await {
            Ok(collected) => Ok(collected.to_bytes()),
            Err(_) => Err(SimResponse::text(StatusCode::PAYLOAD_TOO_LARGE, "request body too large or broken")),
        }
    }

    /// The body as a stream of chunks.
    #[allow(dead_code)]
    pub(crate) fn into_stream(self) -> impl Stream<Item = Result<Bytes, hyper::Error>> + Send + 'static {
        http_body_util::BodyDataStream::new(self.0)
    }
}

/// A stand-in's answer.
#[derive(Debug, Clone)]
pub(crate) struct SimResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl SimResponse {
    pub(crate) fn json(status: StatusCode, body: &Value) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json; charset=utf-8"));
        Self { status, headers, body: Bytes::from(body.to_string()) }
    }

    pub(crate) fn text(status: StatusCode, text: &str) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain; charset=utf-8"));
        Self { status, headers, body: Bytes::from(text.to_string()) }
    }

    pub(crate) fn empty(status: StatusCode) -> Self {
        Self { status, headers: HeaderMap::new(), body: Bytes::new() }
    }

    /// A 400 saying how the request deviates from the seed. Stand-ins answer this for every
    /// wire-format mistake, so client bugs show up as failing tests, not lenient passes.
    pub(crate) fn strict(reason: impl Into<String>) -> Self {
        Self::json(StatusCode::BAD_REQUEST, &serde_json::json!({ "sandbox": "strict", "error": reason.into() }))
    }

    pub(crate) fn with_header(mut self, name: http::HeaderName, value: &str) -> Self {
        if let Ok(value) = http::HeaderValue::from_str(value) {
            self.headers.append(name, value);
        }
        self
    }
}

/// Checks the method, or gives the strict 400.
pub(crate) fn expect_method(request: &SimRequest, method: Method) -> Result<(), SimResponse> {
    if request.method != method {
        return Err(SimResponse::strict(format!("method must be {method}, got {}", request.method)));
    }
    Ok(())
}

/// Checks that the media type (before any `;` parameters) is one of `allowed`.
pub(crate) fn expect_content_type(request: &SimRequest, allowed: &[&str]) -> Result<(), SimResponse> {
    let value = request.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let media = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !allowed.contains(&media.as_str()) {
        return Err(SimResponse::strict(format!("Content-Type must be {}, got {value:?}", allowed.join(" or "))));
    }
    Ok(())
}

/// Parses a body that must be one JSON object.
pub(crate) fn json_object(body: &[u8]) -> Result<Map<String, Value>, SimResponse> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(SimResponse::strict("body must be a JSON object")),
        Err(e) => Err(SimResponse::strict(format!("body is not valid JSON: {e}"))),
    }
}

/// Refuses fields the seed does not define for this message.
pub(crate) fn only_fields(object: &Map<String, Value>, allowed: &[&str]) -> Result<(), SimResponse> {
    match object.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => {
            Err(SimResponse::strict(format!("unexpected field `{key}` (the seed defines {})", allowed.join(", "))))
        }
        None => Ok(()),
    }
}

/// A required string field.
pub(crate) fn string_field<'a>(object: &'a Map<String, Value>, field: &str) -> Result<&'a str, SimResponse> {
    match object.get(field) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(SimResponse::strict(format!("field `{field}` must be a string, got {}", kind(other)))),
        None => Err(SimResponse::strict(format!("missing field `{field}`"))),
    }
}

/// The JSON type name of a value, for strict messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
