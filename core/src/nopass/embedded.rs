//! The embedded receiver (feature `server`): serves a [`Portal`] over HTTP/1.1 for hosts with
//! no web stack of their own.
//!
//! The body is fed to [`Portal::begin`]'s [`super::Inbound`] frame by frame, so a request
//! announcing or sending more than the limit is answered 413 without being held whole.

use std::net::SocketAddr;

use http_body_util::BodyExt;
use hyper::body::Incoming;

use super::portal::Portal;
use super::request::RequestHead;
use super::response::PortalResponse;
use crate::serve::{full, serve, Peer, ResponseBody, ServerHandle};
use crate::Result;

/// A running embedded receiver. Stops when [`EmbeddedServer::stop`] is called or it is
/// dropped.
pub struct EmbeddedServer {
    handle: ServerHandle,
}

impl std::fmt::Debug for EmbeddedServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedServer").field("addr", &self.handle.addr()).finish()
    }
}

impl EmbeddedServer {
    /// Serves `portal` on `addr` (port 0 picks a free one). Must run inside a tokio runtime.
    pub async fn start(portal: Portal, addr: SocketAddr) -> Result<Self> {
        let handle = serve(addr, move |request, peer| answer(portal.clone(), request, peer)).await?;
        tracing::info!(addr = %handle.addr(), "nopass receiver listening");
        Ok(Self { handle })
    }

    /// [`EmbeddedServer::start`] on the shared runtime, for hosts that block (C, Python).
    pub fn start_blocking(portal: Portal, addr: SocketAddr) -> Result<Self> {
        crate::runtime::block_on(Self::start(portal, addr))?
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.handle.addr()
    }

    /// `http://<addr>`, the portal URL to give the NoPass server.
    pub fn url(&self) -> String {
        format!("http://{}", self.handle.addr())
    }

    /// Stops accepting, closes connections and waits until the server has stopped.
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
) -> std::io::Result<http::Response<ResponseBody>> {
    let (parts, mut body) = request.into_parts();
    let head = RequestHead::from_parts(&parts, Some(peer.addr.ip()));
    let response = match portal.begin(head) {
        Err(response) => response,
        Ok(mut inbound) => loop {
            match body.frame().await {
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
