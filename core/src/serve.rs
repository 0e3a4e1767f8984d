//! A small HTTP/1.1 server loop, shared by the sandbox and the embedded NoPass receiver.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::{Error, Result};

/// The body type every handler answers with.
pub type ResponseBody = BoxBody<Bytes, std::io::Error>;

/// A whole body from bytes.
pub fn full(bytes: impl Into<Bytes>) -> ResponseBody {
    Full::new(bytes.into()).map_err(|never: Infallible| match never {}).boxed()
}

/// A running server. Dropping the handle stops it, as does [`ServerHandle::stop`].
pub struct ServerHandle {
    addr: SocketAddr,
    stop: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// The address the server listens on (with the port the OS chose).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, closes open connections and waits for the accept loop to end.
    pub async fn stop(mut self) {
        self.stop.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Serves `handler` on `addr` until stopped. A handler that returns `Err` makes the server
/// drop the connection without answering (the sandbox's "reset" fault relies on this).
pub async fn serve<H, F>(addr: SocketAddr, handler: H) -> Result<ServerHandle>
where
    H: Fn(http::Request<Incoming>, SocketAddr) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = std::result::Result<http::Response<ResponseBody>, std::io::Error>> + Send + 'static,
{
    let listener =
        TcpListener::bind(addr).await.map_err(|e| Error::Config(format!("could not listen on {addr}: {e}")))?;
    let addr = listener.local_addr()?;
    let stop = CancellationToken::new();
    let accept_stop = stop.clone();
    let task = tokio::spawn(async move {
        loop {
            let (stream, peer) = tokio::select! {
                _ = accept_stop.cancelled() => break,
                accepted = listener.accept() => match accepted {
                    Ok(pair) => pair,
                    Err(error) => {
                        tracing::warn!(%error, "accept failed");
                        continue;
                    }
                },
            };
            let _ = stream.set_nodelay(true);
            let handler = handler.clone();
            let conn_stop = accept_stop.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| handler(request, peer));
                let conn = hyper::server::conn::http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), service);
                tokio::select! {
                    _ = conn_stop.cancelled() => {}
                    _ = conn => {}
                }
            });
        }
    });
    Ok(ServerHandle { addr, stop, task: Some(task) })
}
