//! The embedded receiver (feature `server`): serves a [`Portal`] over HTTP/1.1 for hosts with
//! no web stack of their own.
//!
//! The body is fed to [`Portal::begin`]'s [`super::Inbound`] frame by frame, so a request
//! announcing or sending more than the limit is answered 413 without being held whole, and
//! the whole body must arrive within the body read timeout. The other limits of
//! [`ReceiverOptions`] (head, idle, connection cap, TLS, stop grace) are enforced by the
//! server loop in `serve/`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::BodyExt;
use hyper::body::Incoming;

use super::metrics_endpoint;
use super::portal::Portal;
use super::receiver_options::ReceiverOptions;
use super::request::RequestHead;
use super::response::PortalResponse;
use crate::serve::{full, serve_with, Peer, ResponseBody, ServerHandle};
use crate::Result;

/// A running embedded receiver. Stops when [`EmbeddedServer::stop`] is called, or at once
/// (connections and all) when it is dropped.
pub struct EmbeddedServer {
    handle: ServerHandle,
    https: bool,
}

impl std::fmt::Debug for EmbeddedServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedServer").field("url", &self.url()).finish()
    }
}

impl EmbeddedServer {
    /// Serves `portal` on `addr` (port 0 picks a free one) with the default
    /// [`ReceiverOptions`], over plain HTTP. Must run inside a tokio runtime.
    pub async fn start(portal: Portal, addr: SocketAddr) -> Result<Self> {
        Self::start_with(portal, addr, ReceiverOptions::default()).await
    }

    /// Serves `portal` on `addr` under `options` (timeouts, connection cap, stop grace, TLS).
    /// Options that cannot work are a `config` error. Must run inside a tokio runtime.
    pub async fn start_with(portal: Portal, addr: SocketAddr, options: ReceiverOptions) -> Result<Self> {
        options.validate()?;
        options.check_metrics_path(&portal.config().mount_path)?;
        let body_read_timeout = options.body_read_timeout;
        let https = options.tls.is_some();
        let metrics_path: Option<Arc<str>> = options.metrics_path.as_deref().map(Arc::from);
        let handle = serve_with(addr, options.serve_options(), move |request, peer| {
            answer(portal.clone(), request, peer, body_read_timeout, metrics_path.clone())
        })
        .await?;
        let server = Self { handle, https };
        tracing::info!(url = %server.url(), "nopass receiver listening");
        Ok(server)
    }

    /// [`EmbeddedServer::start`] on the shared runtime, for hosts that block (C, Python).
    pub fn start_blocking(portal: Portal, addr: SocketAddr) -> Result<Self> {
        crate::runtime::block_on(Self::start(portal, addr))?
    }

    /// [`EmbeddedServer::start_with`] on the shared runtime, for hosts that block.
    pub fn start_blocking_with(portal: Portal, addr: SocketAddr, options: ReceiverOptions) -> Result<Self> {
        crate::runtime::block_on(Self::start_with(portal, addr, options))?
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.handle.addr()
    }

    /// `http://<addr>`, or `https://<addr>` with TLS: the portal URL to give the NoPass
    /// server (behind a public name, give that name instead; the certificate must match it).
    pub fn url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.handle.addr())
    }

    /// Stops accepting, closes idle connections, lets callbacks in flight be answered within
    /// [`ReceiverOptions::shutdown_grace`], closes the rest and returns when all are closed.
    pub async fn stop(self) {
        self.handle.stop().await;
    }

    /// [`EmbeddedServer::stop`] for hosts that block.
    pub fn stop_blocking(self) -> Result<()> {
        crate::runtime::block_on(self.stop())
    }
}

async fn answer(
    portal: Portal,
    request: http::Request<Incoming>,
    peer: Peer,
    body_read_timeout: Duration,
    metrics_path: Option<Arc<str>>,
) -> std::io::Result<http::Response<ResponseBody>> {
    if metrics_path.is_some_and(|path| request.uri().path() == &*path) {
        return Ok(metrics_endpoint::answer(request.method()));
    }
    let body_deadline = tokio::time::Instant::now() + body_read_timeout;
    let (parts, mut body) = request.into_parts();
    let head = request_head(&parts, &peer);
    let response = match portal.begin(head) {
        Err(response) => response,
        Ok(mut inbound) => loop {
            let Ok(frame) = tokio::time::timeout_at(body_deadline, body.frame()).await else {
                // A body this slow is not a NoPass server's: no answer, and the loop closes
                // the connection.
                tracing::debug!(addr = %peer.addr, "request body not received in time");
                return Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "request body read timed out"));
            };
            match frame {
                None => break inbound.finish().await,
                Some(Ok(frame)) => {
                    if let Some(data) = frame.data_ref() {
                        if let Err(response) = inbound.push(data) {
                            break response;
                        }
                    }
                }
                // The caller went away mid-body: there is no one to answer.
                Some(Err(error)) => return Err(std::io::Error::other(error)),
            }
        },
    };
    Ok(into_http(response))
}

/// The portal's view of a request: its head, the caller's address, and whether the caller
/// proved itself with a client certificate.
fn request_head(parts: &http::request::Parts, peer: &Peer) -> RequestHead {
    let mut head = RequestHead::from_parts(parts, Some(peer.addr.ip()));
    head.client_certificate_verified = peer.client_certificate_verified;
    head
}

fn into_http(answer: PortalResponse) -> http::Response<ResponseBody> {
    let mut response = http::Response::new(full(answer.body));
    *response.status_mut() =
        http::StatusCode::from_u16(answer.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    if let Some(content_type) = answer.content_type {
        headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(content_type));
    }
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) =
            (http::HeaderName::from_bytes(name.as_bytes()), http::HeaderValue::from_str(&value))
        {
            headers.append(name, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> http::request::Parts {
        http::Request::post("/api/PortalCommunication/CloseSession").body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_head_carries_the_peer_and_its_verified_client_certificate() {
        let addr = SocketAddr::from(([192, 0, 2, 7], 4431));
        let plain = request_head(&parts(), &Peer { addr, client_certificate_verified: false });
        assert_eq!(plain.peer, Some(addr.ip()));
        assert!(!plain.client_certificate_verified);

        let mutual = request_head(&parts(), &Peer { addr, client_certificate_verified: true });
        assert!(mutual.client_certificate_verified);
        assert_eq!(mutual.path, "/api/PortalCommunication/CloseSession");
    }
}
