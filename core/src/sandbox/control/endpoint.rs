//! The control API over HTTP: `POST /control` on a port of its own, behind a bearer token.
//!
//! The sandbox listens on loopback only, but any local process (or a web page the machine's
//! browser opens) can reach loopback, so the endpoint is closed by default: every request
//! must carry the token, compared in constant time, before anything else is looked at, and
//! the body is read only after the head passed every check.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};

use http::{header, HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use rand::distr::{Alphanumeric, SampleString};
use serde_json::{json, Value};
use subtle::ConstantTimeEq;

use super::super::{Inner, Sandbox};
use super::ControlRequest;
use crate::serve::{full, serve, ResponseBody, ServerHandle};
use crate::{Error, Result};

/// The one path the endpoint serves.
pub(crate) const CONTROL_PATH: &str = "/control";
/// The largest request body read; control requests are small JSON objects.
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The shortest token a caller may choose.
const MIN_TOKEN_CHARS: usize = 16;

/// The running endpoint. It reaches the sandbox through a weak reference set once the
/// sandbox exists, so the sandbox's own drop still stops it.
pub(crate) struct ControlEndpoint {
    addr: SocketAddr,
    token: Arc<str>,
    target: Arc<OnceLock<Weak<Inner>>>,
    server: Mutex<Option<ServerHandle>>,
}

impl ControlEndpoint {
    /// Listens on a free loopback port; `token` is generated when not given.
    pub(crate) async fn start(token: Option<String>) -> Result<Self> {
        let token: Arc<str> = match token {
            Some(token) if token.chars().count() < MIN_TOKEN_CHARS => {
                return Err(Error::invalid("control_token", format!("must be at least {MIN_TOKEN_CHARS} characters")))
            }
            Some(token) => token.into(),
            None => Alphanumeric.sample_string(&mut rand::rng(), 32).into(),
        };
        let target = Arc::new(OnceLock::new());
        let (handler_token, handler_target) = (token.clone(), target.clone());
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let server =
            serve(addr, move |request, _peer| handle(request, handler_token.clone(), handler_target.clone())).await?;
        Ok(Self { addr: server.addr(), token, target, server: Mutex::new(Some(server)) })
    }

    pub(crate) fn attach(&self, sandbox: Weak<Inner>) {
        let _ = self.target.set(sandbox);
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}{CONTROL_PATH}", self.addr)
    }

    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    pub(crate) async fn stop(&self) {
        let server = self.server.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(server) = server {
            server.stop().await;
        }
    }
}

async fn handle(
    request: Request<Incoming>,
    token: Arc<str>,
    target: Arc<OnceLock<Weak<Inner>>>,
) -> std::io::Result<Response<ResponseBody>> {
    let (parts, body) = request.into_parts();
    if let Err(refusal) = admit(&parts.method, parts.uri.path(), &parts.headers, &token) {
        return Ok(refusal);
    }
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => return Ok(error(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "the body is too large or broken")),
    };
    let Some(inner) = target.get().and_then(Weak::upgrade) else {
        return Ok(error(StatusCode::SERVICE_UNAVAILABLE, "stopped", "the sandbox has stopped"));
    };
    let sandbox = Sandbox { inner };
    let answer = match ControlRequest::from_slice(&body) {
        Ok(request) => sandbox.control(request).await,
        Err(invalid) => Err(invalid),
    };
    Ok(match answer {
        Ok(result) => respond(StatusCode::OK, &json!({ "result": result })),
        Err(failure) => error(status_of(&failure), failure.code(), &failure.to_string()),
    })
}

/// Checks the head of a request: token first, so a caller without it learns nothing else.
fn admit(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    token: &str,
) -> std::result::Result<(), Response<ResponseBody>> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !bool::from(presented.as_bytes().ct_eq(token.as_bytes())) {
        let mut refusal = error(StatusCode::UNAUTHORIZED, "unauthorized", "a bearer token is required");
        refusal.headers_mut().insert(header::WWW_AUTHENTICATE, http::HeaderValue::from_static("Bearer"));
        return Err(refusal);
    }
    if path != CONTROL_PATH {
        return Err(error(StatusCode::NOT_FOUND, "not_found", &format!("the control API is at {CONTROL_PATH}")));
    }
    if method != Method::POST {
        let mut refusal = error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "use POST");
        refusal.headers_mut().insert(header::ALLOW, http::HeaderValue::from_static("POST"));
        return Err(refusal);
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "send application/json"));
    }
    let announced = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if announced.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(error(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "the body is too large"));
    }
    Ok(())
}

/// Bad requests are the caller's (400); a stand-in that cannot do what it was asked, e.g.
/// drive a portal it has not registered, is in the wrong state (409); a portal the stand-in
/// called that failed is a bad gateway (502).
fn status_of(failure: &Error) -> StatusCode {
    match failure {
        Error::InvalidInput { .. } => StatusCode::BAD_REQUEST,
        Error::Config(_) => StatusCode::CONFLICT,
        _ => StatusCode::BAD_GATEWAY,
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response<ResponseBody> {
    respond(status, &json!({ "error": { "code": code, "message": message } }))
}

fn respond(status: StatusCode, body: &Value) -> Response<ResponseBody> {
    let mut response = Response::new(full(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    response
}
