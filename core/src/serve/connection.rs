//! One accepted connection, from its accept to its close: hyper serves it,
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
    idle_timeout: Option<Duration>,
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
        Self { handler, http, idle_timeout: options.idle_timeout, drain, abort }
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
    serve_http(stream, Peer { addr }, activity, &context).await;
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
            // client that stopped reading cannot hold it open.
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
