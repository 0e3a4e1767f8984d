//! A small HTTP/1.1 server loop, shared by the sandbox and the embedded NoPass receiver.
//!
//! The loop accepts connections up to a cap and serves each on its own task
//! (`connection.rs`) under the limits of [`ServeOptions`]: a header read timeout (hyper's),
//! an idle timeout (`activity.rs`), optional TLS (`tls.rs`, feature `server`), and a stop that
//! lets requests in flight finish within a grace period.

mod activity;
mod connection;
mod options;
#[cfg(feature = "server")]
mod tls;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full};
use hyper::body::Incoming;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::{Error, Result};

use connection::Context;
pub use options::ServeOptions;
#[cfg(feature = "server")]
pub use tls::ServerTls;

/// The body type every handler answers with.
pub type ResponseBody = BoxBody<Bytes, std::io::Error>;

/// A whole body from bytes.
pub fn full(bytes: impl Into<Bytes>) -> ResponseBody {
    Full::new(bytes.into()).map_err(|never: Infallible| match never {}).boxed()
}

/// Who is on the other end of a request's connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Peer {
    /// The client's address.
    pub addr: SocketAddr,
    /// The connection is TLS and the client presented a certificate that was verified against
    /// the client CAs of `ServeOptions::tls` (see `ServerTls::require_client_certificates`).
    pub client_certificate_verified: bool,
}

/// A running server. Dropping the handle closes it and every connection at once;
/// [`ServerHandle::stop`] lets requests in flight finish first.
pub struct ServerHandle {
    addr: SocketAddr,
    drain: CancellationToken,
    abort: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// The address the server listens on (with the port the OS chose).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, closes idle connections, lets requests in flight finish within
    /// [`ServeOptions::shutdown_grace`], closes what is left, and returns when every
    /// connection is closed.
    pub async fn stop(mut self) {
        self.drain.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.abort.cancel();
    }
}

/// Serves `handler` on `addr` with the default [`ServeOptions`] until stopped.
pub async fn serve<H, F>(addr: SocketAddr, handler: H) -> Result<ServerHandle>
where
    H: Fn(http::Request<Incoming>, Peer) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = std::result::Result<http::Response<ResponseBody>, std::io::Error>> + Send + 'static,
{
    serve_with(addr, ServeOptions::default(), handler).await
}

/// Serves `handler` on `addr` under `options` until stopped. A handler that returns `Err`
/// makes the server drop the connection without answering (the sandbox's "reset" fault and
/// the receiver's body timeout rely on this).
pub async fn serve_with<H, F>(addr: SocketAddr, options: ServeOptions, handler: H) -> Result<ServerHandle>
where
    H: Fn(http::Request<Incoming>, Peer) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = std::result::Result<http::Response<ResponseBody>, std::io::Error>> + Send + 'static,
{
    options.validate()?;
    let listener =
        TcpListener::bind(addr).await.map_err(|e| Error::Config(format!("could not listen on {addr}: {e}")))?;
    let addr = listener.local_addr()?;
    let abort = CancellationToken::new();
    // Aborting drains too: a child token is cancelled with its parent.
    let drain = abort.child_token();
    let slots = options.max_connections.map(|cap| Arc::new(Semaphore::new(cap)));
    let grace = options.shutdown_grace;
    let context = Arc::new(Context::new(handler, &options, drain.clone(), abort.clone()));
    let task = tokio::spawn(accept_loop(listener, slots, context, grace));
    Ok(ServerHandle { addr, drain, abort, task: Some(task) })
}

async fn accept_loop<H, F>(
    listener: TcpListener,
    slots: Option<Arc<Semaphore>>,
    context: Arc<Context<H>>,
    grace: Duration,
) where
    H: Fn(http::Request<Incoming>, Peer) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = std::result::Result<http::Response<ResponseBody>, std::io::Error>> + Send + 'static,
{
    let connections = TaskTracker::new();
    let drain = context.drain.clone();
    loop {
        // At the cap, wait for a slot before accepting (see `ServeOptions::max_connections`).
        let slot = match &slots {
            None => None,
            Some(slots) => tokio::select! {
                _ = drain.cancelled() => break,
                slot = slots.clone().acquire_owned() => match slot {
                    Ok(slot) => Some(slot),
                    Err(_) => break,
                },
            },
        };
        let (stream, addr) = tokio::select! {
            _ = drain.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    pause_after(&error).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let context = context.clone();
        connections.spawn(async move {
            connection::run(stream, addr, context).await;
            drop(slot);
        });
    }
    drop(listener);
    connections.close();
    if tokio::time::timeout(grace, connections.wait()).await.is_err() {
        tracing::debug!(remaining = connections.len(), "closing connections still busy after the grace period");
        context.abort.cancel();
        connections.wait().await;
    }
}

/// An accept error about one connection (the client left first) is nothing; anything else
/// (out of file descriptors, most likely) would repeat at once, so wait a little.
async fn pause_after(error: &std::io::Error) {
    use std::io::ErrorKind;
    if matches!(error.kind(), ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused)
    {
        return;
    }
    tracing::warn!(%error, "accept failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}
