//! How one ProcessBiometric upload is watched and stopped: a progress callback, throttled, and
//! a [`CancellationToken`].
//!
//! Progress counts the bytes of the whole request body (both multipart parts) as they are
//! handed to the connection, so `sent` reaches `total` when the last byte has left the client,
//! before AuthX answers.

use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::Stream;
use tokio_util::sync::CancellationToken;

use super::framing::FrameStream;

/// The shortest time between two progress calls (but the last): about ten a second, often
/// enough for a progress bar, rare enough not to cost a binding's callback its thread.
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// A progress callback: `(sent, total)` in bytes of the whole request body. `total` is the
/// body's `Content-Length`, or 0 while the length is unknown (a reader without one).
pub type ProgressFn = dyn Fn(u64, u64) + Send + Sync;

/// Options of [`AuthxClient::process_biometric_with`](super::AuthxClient::process_biometric_with).
#[derive(Clone, Default)]
pub struct UploadOptions {
    pub(super) progress: Option<Arc<ProgressFn>>,
    pub(super) cancel: Option<CancellationToken>,
}

impl fmt::Debug for UploadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadOptions")
            .field("progress", &self.progress.is_some())
            .field("cancel", &self.cancel)
            .finish()
    }
}

impl UploadOptions {
    /// No progress and no cancellation: what `process_biometric` uses.
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls `progress(sent, total)` as the body goes out: monotone, at most every
    /// [`PROGRESS_INTERVAL`], and once more at the end with `sent == total`. An upload repeated
    /// after a refused token reports from 0 again, because its bytes are sent again.
    pub fn on_progress(mut self, progress: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Lets `token` stop the upload: the request is dropped (its connection closed, so AuthX
    /// sees an aborted upload) and the call fails with `cancelled`. A cancelled call is never
    /// repeated.
    pub fn cancel(mut self, token: CancellationToken) -> Self {
        self.cancel = Some(token);
        self
    }

    /// The token the call ends on: the caller's, or one nobody cancels.
    pub(super) fn cancel_token(&self) -> CancellationToken {
        self.cancel.clone().unwrap_or_default()
    }
}

/// Reports the progress of every attempt of one call, throttled across them.
pub(super) struct ProgressReporter {
    callback: Arc<ProgressFn>,
    total: Option<u64>,
    last_report: Mutex<Option<Instant>>,
}

impl ProgressReporter {
    pub(super) fn new(callback: Arc<ProgressFn>, total: Option<u64>) -> Arc<Self> {
        Arc::new(Self { callback, total, last_report: Mutex::new(None) })
    }

    /// Wraps one attempt's body so that its bytes are counted from 0 as they are polled.
    pub(super) fn count(self: &Arc<Self>, body: FrameStream) -> FrameStream {
        Box::pin(Counted { inner: body, reporter: self.clone(), sent: 0, finished: false })
    }

    fn report(&self, sent: u64, finished: bool) {
        let now = Instant::now();
        {
            let mut last = self.last_report.lock().unwrap_or_else(PoisonError::into_inner);
            let due = last.is_none_or(|at| now.duration_since(at) >= PROGRESS_INTERVAL);
            if !(due || finished) {
                return;
            }
            *last = Some(now);
        }
        let total = if finished { self.total.unwrap_or(sent) } else { self.total.unwrap_or(0) };
        (self.callback)(sent, total);
    }
}

/// A body stream that reports how much of it has been handed on.
struct Counted {
    inner: FrameStream,
    reporter: Arc<ProgressReporter>,
    sent: u64,
    /// The end was reported. A body of known length ends at its last byte: the connection
    /// does not ask for more once `Content-Length` bytes are written.
    finished: bool,
}

impl Stream for Counted {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.inner.as_mut().poll_next(cx);
        let ended = match &polled {
            Poll::Ready(Some(Ok(chunk))) if !chunk.is_empty() => {
                self.sent += chunk.len() as u64;
                self.reporter.total == Some(self.sent)
            }
            Poll::Ready(None) => true,
            _ => return polled,
        };
        if !self.finished {
            self.finished = ended;
            self.reporter.report(self.sent, ended);
        }
        polled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[tokio::test]
    async fn counts_every_byte_throttles_and_always_reports_the_end() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let seen = calls.clone();
        let reporter =
            ProgressReporter::new(Arc::new(move |sent, total| seen.lock().unwrap().push((sent, total))), Some(30));
        let chunks = (0..3).map(|_| Ok(Bytes::from_static(&[0; 10])));
        let mut body = reporter.count(futures_util::stream::iter(chunks).boxed());
        while body.next().await.is_some() {}
        // The first chunk reports, the next two fall inside the interval, the end always reports.
        assert_eq!(*calls.lock().unwrap(), vec![(10, 30), (30, 30)]);
    }
}
