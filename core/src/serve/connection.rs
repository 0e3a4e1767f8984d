//! One accepted connection, from its TLS handshake (if any) to its close: hyper serves it,
//! and it ends early when it goes idle, when the server drains (after the request in hand),
//! or when the server aborts.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

use super::activity::{Activity, Tracked};
use super::{Peer, ResponseBody, ServeOptions};

/// What every connection of one server shares.
pub(super) struct Context<H> {
    handler: H,
    http: http1::Builder,
    /// The TLS handshake's time limit too.
    #[cfg(feature = "server")]
    header_read_timeout: Option<Duration>,
    idle_timeout: Option<Duration>,
    #[cfg(feature = "server")]
    tls: Option<tokio_rustls::TlsAcceptor>,
    /// Finish the request in hand, then close.
    pub(super) drain: CancellationToken,
    /// Close now.
    pub(super) abort: CancellationToken,
}

impl<H> Context<H> {
    pub(super) fn new(handler: H, options: &ServeOptions, drain: CancellationToken, abort: CancellationToken) -> Self {
        let mut http = http1::Builder::new();
        // hyper needs a timer for its header read timeout; `None` turns its default 30 s off.
        http.keep_alive(true).timer(TokioTimer::new()).header_read_timeout(options.header_read_timeout);
        Self {
            handler,
            http,
            #[cfg(feature = "server")]
            header_read_timeout: options.header_read_timeout,
            idle_timeout: options.idle_timeout,
            #[cfg(feature = "server")]
            tls: options.tls.as_ref().map(super::ServerTls::acceptor),
            drain,
            abort,
        }
    }
}

/// Serves one connection until it ends.
pub(super) async fn run<H, F>(stream: TcpStream, addr: SocketAddr, context: Arc<Context<H>>)
where
    H: Fn(http::Request<Incoming>, Peer) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = std::result::Result<http::Response<ResponseBody>, std::io::Error>> + Send + 'static,
{
    let activity = Activity::new();
    let stream = Tracked::new(stream, activity.clone());
    #[cfg(feature = "server")]
    if let Some(acceptor) = &context.tls {
        let handshake = within(context.header_read_timeout, acceptor.accept(stream));
        let tls = tokio::select! {
            biased;
            _ = context.drain.cancelled() => return,
            handshake = handshake => match handshake {
                Some(Ok(tls)) => tls,
                Some(Err(error)) => {
                    tracing::debug!(%addr, %error, "TLS handshake failed");
                    return;
                }
                None => {
                    tracing::debug!(%addr, "TLS handshake timed out");
                    return;
                }
            },
        };
        // rustls completes a handshake only when its verifier accepted the certificate, and
        // asks for one only when client CAs are configured.
        let client_certificate_verified = tls.get_ref().1.peer_certificates().is_some_and(|c| !c.is_empty());
        let peer = Peer { addr, client_certificate_verified };
        return serve_http(tls, peer, activity, &context).await;
    }
    serve_http(stream, Peer { addr, client_certificate_verified: false }, activity, &context).await;
}

async fn serve_http<I, H, F>(io: I, peer: Peer, activity: Arc<Activity>, context: &Context<H>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    H: Fn(http::Request<Incoming>, Peer) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = std::result::Result<http::Response<ResponseBody>, std::io::Error>> + Send + 'static,
{
    let handler = context.handler.clone();
    let requests = activity.clone();
    let service = hyper::service::service_fn(move |request| {
        let handling = requests.handling();
        let answer = handler(request, peer);
        async move {
            let _handling = handling;
            answer.await
        }
    });
    let mut connection = pin!(context.http.serve_connection(TokioIo::new(io), service));
    let mut idle = pin!(async {
        match context.idle_timeout {
            Some(limit) => activity.idle_for(limit).await,
            None => std::future::pending().await,
        }
    });
    let mut draining = false;
    loop {
        tokio::select! {
            biased;
            _ = context.abort.cancelled() => return,
            _ = context.drain.cancelled(), if !draining => {
                draining = true;
                // Closes at once when idle, else after the answer in hand.
                connection.as_mut().graceful_shutdown();
            }
            // Dropped, not shut down: with nothing in hand there is nothing to finish, and a
            // client that stopped reading cannot hold it open. (Over TLS no close_notify is
            // sent; HTTP/1.1 frames its messages, so nothing is lost by that.)
            _ = &mut idle => {
                tracing::debug!(addr = %peer.addr, "idle connection closed");
                return;
            }
            served = connection.as_mut() => {
                if let Err(error) = served {
                    tracing::debug!(addr = %peer.addr, %error, "connection ended with an error");
                }
                return;
            }
        }
    }
}

/// `future`, or `None` if it takes longer than `limit` (when there is one).
#[cfg(feature = "server")]
async fn within<T>(limit: Option<Duration>, future: impl Future<Output = T>) -> Option<T> {
    match limit {
        Some(limit) => tokio::time::timeout(limit, future).await.ok(),
        None => Some(future.await),
    }
}
