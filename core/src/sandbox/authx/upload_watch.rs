//! How the stand-in reads a ProcessBiometric body: at a set pace, so a test can act while an
//! upload is in flight, and watched, so an upload the client abandoned is counted.
//!
//! An upload is aborted when its body never reached its end because of the connection: the
//! body broke off (a reset, or a close before the announced length), or the connection closed
//! and took the unfinished request with it. An upload the stand-in refused half-read (a strict
//! 400) is not: the client did nothing wrong with the connection.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use tokio::time::Instant;

use crate::sandbox::sim::SimBody;

/// The body as the handler reads it.
pub(super) type UploadStream = BoxStream<'static, Result<Bytes, hyper::Error>>;

/// What the body stream saw, shared with the [`UploadWatch`] of its request.
#[derive(Default)]
struct Seen {
    ended: AtomicBool,
    broken: AtomicBool,
}

/// Counts its request as aborted when dropped, unless the handler answered it with a body
/// that had not broken off.
pub(super) struct UploadWatch {
    seen: Arc<Seen>,
    aborted: Arc<AtomicU64>,
    answered: bool,
}

impl UploadWatch {
    /// Watches `body`, read at no more than `bytes_per_second` when set; `aborted` is the
    /// stand-in's counter.
    pub(super) fn start(body: SimBody, bytes_per_second: Option<u64>, aborted: Arc<AtomicU64>) -> (Self, UploadStream) {
        let seen = Arc::new(Seen::default());
        let watched = Watched { inner: body.into_stream().boxed(), seen: seen.clone() };
        let stream = match bytes_per_second {
            Some(rate) => paced(watched.boxed(), rate.max(1)),
            None => watched.boxed(),
        };
        (Self { seen, aborted, answered: false }, stream)
    }

    /// The handler has its answer: the request was not abandoned by the client (unless its
    /// body broke off on the way).
    pub(super) fn answered(mut self) {
        self.answered = true;
    }
}

impl Drop for UploadWatch {
    fn drop(&mut self) {
        let broken = self.seen.broken.load(Ordering::SeqCst);
        let dropped_unfinished = !self.answered && !self.seen.ended.load(Ordering::SeqCst);
        if broken || dropped_unfinished {
            self.aborted.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// A body stream that records in [`Seen`] whether it ended or broke off.
struct Watched {
    inner: UploadStream,
    seen: Arc<Seen>,
}

impl Stream for Watched {
    type Item = Result<Bytes, hyper::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.inner.as_mut().poll_next(cx);
        match &polled {
            Poll::Ready(None) => self.seen.ended.store(true, Ordering::SeqCst),
            Poll::Ready(Some(Err(_))) => self.seen.broken.store(true, Ordering::SeqCst),
            _ => {}
        }
        polled
    }
}

/// Holds each chunk back until `rate` bytes a second allow it; the unread rest waits in the
/// connection, so the client is slowed down as by a slow network.
fn paced(stream: UploadStream, rate: u64) -> UploadStream {
    let started = Instant::now();
    let mut received = 0u64;
    stream
        .then(move |item| {
            if let Ok(chunk) = &item {
                received += chunk.len() as u64;
            }
            let due = started + Duration::from_secs_f64(received as f64 / rate as f64);
            async move {
                tokio::time::sleep_until(due).await;
                item
            }
        })
        .boxed()
}
