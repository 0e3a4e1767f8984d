//! What the idle timeout watches on one connection: when a byte last moved, and whether a
//! request is being handled.
//!
//! hyper has no idle timeout of its own for HTTP/1 servers, and a plain read timeout would
//! also fire while a slow hook runs (hyper keeps a read pending then, to notice the client
//! leaving). So the connection's bytes are counted here and the handler marks the time it
//! holds a request; the connection is idle only when neither happens.

use std::io::IoSlice;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

/// One connection's activity, shared by its byte stream, its handler calls and its idle watch.
#[derive(Debug)]
pub(super) struct Activity {
    origin: Instant,
    /// Milliseconds after `origin` at which a byte last moved or a request was last finished.
    last_ms: AtomicU64,
    /// Requests the handler is working on.
    in_flight: AtomicUsize,
}

impl Activity {
    pub(super) fn new() -> Arc<Self> {
        Arc::new(Self { origin: Instant::now(), last_ms: AtomicU64::new(0), in_flight: AtomicUsize::new(0) })
    }

    fn touch(&self) {
        let elapsed = u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(elapsed, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.origin + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }

    /// Marks a request as being handled until the returned guard is dropped.
    pub(super) fn handling(self: &Arc<Self>) -> Handling {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        Handling(self.clone())
    }

    /// Completes once no request has been handled and no byte has moved for `limit`.
    pub(super) async fn idle_for(&self, limit: Duration) {
        loop {
            let now = Instant::now();
            let quiet_until = self.last() + limit;
            let busy = self.in_flight.load(Ordering::Acquire) > 0;
            if !busy && now >= quiet_until {
                return;
            }
            // While a request is handled its end touches the clock, so look again later.
            tokio::time::sleep_until(if busy { now + limit } else { quiet_until }).await;
        }
    }
}

/// A request being handled; dropping it (answered or abandoned) restarts the idle clock.
pub(super) struct Handling(Arc<Activity>);

impl Drop for Handling {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A byte stream that notes in its [`Activity`] every time bytes move.
pub(super) struct Tracked<T> {
    inner: T,
    activity: Arc<Activity>,
}

impl<T> Tracked<T> {
    pub(super) fn new(inner: T, activity: Arc<Activity>) -> Self {
        Self { inner, activity }
    }

    fn moved(&self, bytes: usize) {
        if bytes > 0 {
            self.activity.touch();
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Tracked<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        ready!(Pin::new(&mut self.inner).poll_read(cx, buf))?;
        self.moved(buf.filled().len() - before);
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Tracked<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        let written = ready!(Pin::new(&mut self.inner).poll_write(cx, buf))?;
        self.moved(written);
        Poll::Ready(Ok(written))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let written = ready!(Pin::new(&mut self.inner).poll_write_vectored(cx, bufs))?;
        self.moved(written);
        Poll::Ready(Ok(written))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn idle_waits_for_quiet_and_for_no_request_in_hand() {
        let activity = Activity::new();
        let limit = Duration::from_secs(5);

        let handling = activity.handling();
        let idle = tokio::time::timeout(Duration::from_secs(60), activity.idle_for(limit));
        assert!(idle.await.is_err(), "a request in hand is never idle");

        let finished = Instant::now();
        drop(handling);
        activity.idle_for(limit).await;
        assert!(finished.elapsed() >= limit, "the clock restarts when the request ends");
    }
}
