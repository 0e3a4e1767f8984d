//! The one HTTP layer every vendor client uses.
//!
//! A [`Transport`] owns a pooled `reqwest` client (rustls with the system's trust store, no
//! OpenSSL: `tls.rs`) and applies, for every call: time limits, a response size limit,
//! same-origin-only redirects, retries that are safe for the request at hand, and a `tracing`
//! span that names the vendor and operation but never a header value, query string or body.

mod config;
mod record;
mod request;
mod retry;
mod tls;

use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use bytes::BytesMut;
use tracing::Instrument;

pub use config::{RetryPolicy, TransportConfig};
use record::CallRecord;
use request::Head;
pub use request::{Body, Request, Response};
pub use retry::{retry_after, Replay};
use retry::{Failure, Next};

use crate::{Error, Result, Vendor};

/// `authbridge/<version>`, the start of every `User-Agent`.
pub const USER_AGENT: &str = concat!("authbridge/", env!("CARGO_PKG_VERSION"));

/// Follow at most this many redirects, and only within the first request's origin, so that
/// credentials in headers never travel to another host.
const MAX_REDIRECTS: usize = 5;

/// The HTTP layer of one configured vendor client.
pub struct Transport {
    vendor: Vendor,
    config: TransportConfig,
    /// The pooled client, stamped with the process id: a forked child must not reuse the
    /// parent's connections (their I/O driver lives in the parent), so it builds its own.
    client: Mutex<(u32, reqwest::Client)>,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport").field("vendor", &self.vendor).field("config", &self.config).finish()
    }
}

impl Transport {
    /// Builds the HTTP client for `vendor`; fails with a `config` error when `config` cannot be
    /// used.
    pub fn new(vendor: Vendor, config: TransportConfig) -> Result<Self> {
        let client = build_client(&config)?;
        Ok(Self { vendor, config, client: Mutex::new((std::process::id(), client)) })
    }

    /// The vendor whose errors and traces this transport names.
    pub fn vendor(&self) -> Vendor {
        self.vendor
    }

    /// The settings this transport was built with.
    pub fn config(&self) -> &TransportConfig {
        &self.config
    }

    fn client(&self) -> Result<reqwest::Client> {
        let pid = std::process::id();
        let mut slot = self.client.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.0 != pid {
            *slot = (pid, build_client(&self.config)?);
        }
        Ok(slot.1.clone())
    }

    /// Sends `request`, repeating it only where [`Replay`] and the failure allow, and returns
    /// the answer whatever its status: vendor modules decide what a status means. Each call
    /// ends with one record (`record.rs`).
    pub async fn send(&self, request: Request) -> Result<Response> {
        let Request { head, body } = request;
        let host = head.url.host_str().unwrap_or("");
        let span = tracing::info_span!(
            "authbridge.call",
            vendor = self.vendor.as_str(),
            operation = head.operation,
            method = %head.method,
            host,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let started = Instant::now();
        let (result, attempts) = self.send_attempts(&head, body).instrument(span.clone()).await;
        let record = CallRecord {
            vendor: self.vendor,
            operation: head.operation,
            method: &head.method,
            host,
            attempts,
            duration: started.elapsed(),
        };
        span.in_scope(|| record.finish(result.as_ref().map(|response| response.status)));
        result
    }

    /// The attempts of one call, and how many were made.
    async fn send_attempts(&self, head: &Head, mut source: Body) -> (Result<Response>, u32) {
        let client = match self.client() {
            Ok(client) => client,
            Err(error) => return (Err(error), 0),
        };
        let not_reopenable = || Error::Transport {
            vendor: self.vendor,
            message: "the request body cannot be read a second time".into(),
        };
        let stream_len = match &source {
            Body::Stream { len, .. } => *len,
            _ => None,
        };
        let single = RetryPolicy::none();
        let policy = if head.single_attempt { &single } else { &self.config.retry };
        let Some(mut body) = open_body(&mut source) else { return (Err(not_reopenable()), 0) };
        let mut attempt = 0;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempts", attempt);
            let started = Instant::now();
            let (pause, last) = match self.attempt(&client, head, body, stream_len).await {
                Ok(response) => {
                    tracing::Span::current().record("status", response.status.as_u16());
                    match retry::after_status(policy, head.replay, response.status, &response.headers, attempt) {
                        Next::Stop => return (Ok(response), attempt),
                        Next::RetryAfter(pause) => {
                            tracing::debug!(status = response.status.as_u16(), ?pause, "refused, retrying");
                            (pause, Ok(response))
                        }
                    }
                }
                Err((failure, error)) => match retry::after_failure(policy, head.replay, failure, attempt) {
                    Next::Stop => return (Err(error), attempt),
                    Next::RetryAfter(pause) => {
                        tracing::debug!(code = error.code(), elapsed = ?started.elapsed(), ?pause, "attempt failed, retrying");
                        (pause, Err(error))
                    }
                },
            };
            // A stream that cannot be produced again ends the retries with what we have.
            body = match open_body(&mut source) {
                Some(body) => body,
                None => return (last, attempt),
            };
            tokio::time::sleep(pause).await;
        }
    }

    async fn attempt(
        &self,
        client: &reqwest::Client,
        head: &Head,
        body: Option<reqwest::Body>,
        stream_len: Option<u64>,
    ) -> std::result::Result<Response, (Failure, Error)> {
        let timeout = head.timeout.unwrap_or(self.config.request_timeout);
        let mut builder =
            client.request(head.method.clone(), head.url.clone()).headers(head.headers.clone()).timeout(timeout);
        if let Some(body) = body {
            builder = builder.body(body);
        }
        if let Some(len) = stream_len {
            builder = builder.header(http::header::CONTENT_LENGTH, len);
        }
        let response = builder.send().await.map_err(|e| self.classify(e, head, timeout))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = self.read_limited(response).await.map_err(|e| match e {
            ReadError::TooLarge => (
                Failure::MaybeSeen,
                Error::ResponseTooLarge { vendor: self.vendor, limit: self.config.max_response_bytes },
            ),
            ReadError::Http(e) => self.classify(e, head, timeout),
        })?;
        Ok(Response { status, headers, body, vendor: self.vendor })
    }

    async fn read_limited(&self, mut response: reqwest::Response) -> std::result::Result<bytes::Bytes, ReadError> {
        let limit = self.config.max_response_bytes;
        if response.content_length().is_some_and(|len| len > limit) {
            return Err(ReadError::TooLarge);
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(ReadError::Http)? {
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(ReadError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    fn classify(&self, error: reqwest::Error, head: &Head, timeout: std::time::Duration) -> (Failure, Error) {
        let vendor = self.vendor;
        // reqwest error texts carry the URL, whose query may hold a key (OtpOne); drop it.
        let error = error.without_url();
        let message = error.to_string();
        let what = format!("{vendor} {}", head.operation);
        if error.is_connect() {
            let error = if message.contains("timed out") || error.is_timeout() {
                Error::Timeout { what: format!("connecting for {what}"), after: self.config.connect_timeout }
            } else {
                Error::Connect { vendor, message: source_chain(&message, &error) }
            };
            (Failure::NotSent, error)
        } else if error.is_timeout() {
            (Failure::MaybeSeen, Error::Timeout { what, after: timeout })
        } else {
            (Failure::MaybeSeen, Error::Transport { vendor, message: source_chain(&message, &error) })
        }
    }
}

enum ReadError {
    TooLarge,
    Http(reqwest::Error),
}

fn source_chain(top: &str, error: &(dyn std::error::Error + 'static)) -> String {
    let mut message = top.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// The body for the next attempt; `None` when a stream cannot be produced again.
fn open_body(body: &mut Body) -> Option<Option<reqwest::Body>> {
    match body {
        Body::Empty => Some(None),
        Body::Bytes(bytes) => Some(Some(reqwest::Body::from(bytes.clone()))),
        Body::Stream { open, .. } => open().map(Some),
    }
}

fn build_client(config: &TransportConfig) -> Result<reqwest::Client> {
    let user_agent = match &config.user_agent_suffix {
        Some(suffix) => format!("{USER_AGENT} {suffix}"),
        None => USER_AGENT.to_string(),
    };
    let (tls, roots) = tls::client_config(config)?;
    tracing::debug!(?roots, "TLS trust roots");
    let mut builder = reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .user_agent(user_agent)
        .connect_timeout(config.connect_timeout)
        .tcp_nodelay(true)
        .pool_idle_timeout(std::time::Duration::from_secs(60))
        .redirect(same_origin_redirects());
    if let Some(proxy) = &config.proxy {
        let proxy = reqwest::Proxy::all(proxy).map_err(|_| Error::invalid("proxy", "must be a proxy URL"))?;
        builder = builder.proxy(proxy);
    } else if !config.use_env_proxy {
        builder = builder.no_proxy();
    }
    builder.build().map_err(|e| Error::Config(format!("could not build HTTP client: {}", e.without_url())))
}

fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first() else { return attempt.stop() };
        let same_origin = first.origin() == attempt.url().origin();
        if same_origin && attempt.previous().len() <= MAX_REDIRECTS {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn calls_can_be_spawned() {
        // Bindings hand vendor calls to `tokio::spawn`, napi and pyo3 runtimes: they must be Send.
        let transport = Transport::new(Vendor::Nevis, TransportConfig::default()).unwrap();
        let url = url::Url::parse("http://127.0.0.1:9/").unwrap();
        let body = Body::Stream { len: None, open: Box::new(|| None) };
        let future = transport.send(Request::post(url, "probe", Replay::Never).body(body));
        assert_send(&future);
    }
}
