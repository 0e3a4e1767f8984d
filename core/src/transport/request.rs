//! One HTTP request and its bounded answer, as vendor modules build and read them.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use super::Replay;
use crate::{Error, Result, Secret, Vendor};

/// A request body.
pub enum Body {
    /// No body.
    Empty,
    /// A body held in memory; it can be sent again on a retry.
    Bytes(Bytes),
    /// A streamed body. `open` produces a fresh stream for each attempt, or `None` when the
    /// source cannot be read again (then the request is not retried).
    Stream {
        /// The body's length for `Content-Length`, when known; `None` sends it chunked.
        len: Option<u64>,
        /// Opens the body once per attempt.
        open: Box<dyn FnMut() -> Option<reqwest::Body> + Send>,
    },
}

/// A request to a vendor, before it is sent.
pub struct Request {
    pub(crate) head: Head,
    pub(crate) body: Body,
}

/// Everything about a request but its body. Kept apart so the transport can hold it across
/// awaits while the body (possibly a non-`Sync` stream) is only ever used by value, which
/// keeps every vendor call's future `Send`.
pub(crate) struct Head {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) replay: Replay,
    pub(crate) operation: &'static str,
    pub(crate) timeout: Option<Duration>,
    /// Sent once whatever the retry policy says: the caller paces its own repeats.
    pub(crate) single_attempt: bool,
}

impl Request {
    /// `operation` names the call in traces (`password_login`); `replay` says whether it may
    /// be sent twice.
    pub fn new(method: Method, url: Url, operation: &'static str, replay: Replay) -> Self {
        Self {
            head: Head {
                method,
                url,
                headers: HeaderMap::new(),
                replay,
                operation,
                timeout: None,
                single_attempt: false,
            },
            body: Body::Empty,
        }
    }

    /// A `POST` to `url`. `operation` names the call in traces; `replay` says whether a failed
    /// attempt may be repeated.
    pub fn post(url: Url, operation: &'static str, replay: Replay) -> Self {
        Self::new(Method::POST, url, operation, replay)
    }

    /// A `GET` to `url`, which the transport may repeat after a transient failure.
    pub fn get(url: Url, operation: &'static str) -> Self {
        Self::new(Method::GET, url, operation, Replay::Safe)
    }

    /// Adds a header whose value is not secret.
    pub fn header(mut self, name: HeaderName, value: &str) -> Result<Self> {
        let value = HeaderValue::from_str(value)
            .map_err(|_| Error::invalid(name.as_str(), "must be a valid HTTP header value"))?;
        self.head.headers.append(name, value);
        Ok(self)
    }

    /// Adds a header carrying a secret: marked sensitive so no layer below prints it.
    pub fn secret_header(mut self, name: HeaderName, value: &Secret) -> Result<Self> {
        let mut value = HeaderValue::from_str(value.expose())
            .map_err(|_| Error::invalid(name.as_str(), "must be a valid HTTP header value"))?;
        value.set_sensitive(true);
        self.head.headers.append(name, value);
        Ok(self)
    }

    /// `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &Secret) -> Result<Self> {
        self.secret_header(http::header::AUTHORIZATION, &Secret::new(format!("Bearer {}", token.expose())))
    }

    /// A JSON body (`Content-Type: application/json`).
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Result<Self> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::Config(format!("could not encode request: {e}")))?;
        self.head.headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        self.body = Body::Bytes(bytes.into());
        Ok(self)
    }

    /// Replaces the body ([`Body`] says which bodies can be sent again on a retry).
    pub fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    /// Sends the request once, never retrying it: for polls whose loop already decides when
    /// to ask again, so the transport adds no requests of its own.
    pub fn single_attempt(mut self) -> Self {
        self.head.single_attempt = true;
        self
    }

    /// A time limit for this call instead of the client's `request_timeout` (long polls).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.head.timeout = Some(timeout);
        self
    }
}

/// A vendor's answer, read whole within the size limit.
#[derive(Debug, Clone)]
pub struct Response {
    /// The HTTP status; the transport hands back every status, so the vendor module decides what
    /// a non-2xx means.
    pub status: StatusCode,
    /// The answer's headers.
    pub headers: HeaderMap,
    /// The whole body, at most the transport's `max_response_bytes`.
    pub body: Bytes,
    pub(crate) vendor: Vendor,
}

impl Response {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }

    /// The body as JSON of type `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body)
            .map_err(|e| Error::Decode { vendor: self.vendor, message: format!("HTTP {}: {e}", self.status.as_u16()) })
    }

    /// `Retry-After`, when present and readable.
    pub fn retry_after(&self) -> Option<Duration> {
        super::retry::retry_after(&self.headers)
    }

    /// The start of a [`crate::VendorDetail`] for this answer (vendor, status, retry-after).
    pub fn detail(&self) -> crate::VendorDetail {
        crate::VendorDetail::new(self.vendor).status(self.status.as_u16()).retry_after(self.retry_after())
    }
}
