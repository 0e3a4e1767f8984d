//! Waiting for a person: polling with an interval, a deadline and cancellation.
//!
//! Flows such as a Descope pending session or an OtpOne transaction finish only when someone
//! acts on a phone. Every `wait_*` helper takes a [`WaitOptions`] and uses [`poll_until`], so
//! all of them treat deadlines, cancellation and server back-off the same way.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;
pub use tokio_util::sync::CancellationToken;

use crate::{Error, Result};

/// How to wait.
#[derive(Debug, Clone)]
pub struct WaitOptions {
    /// Time between two polls. Vendors ask for no less than one second; shorter values are
    /// raised to [`WaitOptions::MIN_INTERVAL`].
    pub interval: Duration,
    /// How long to wait in all before giving up with a `timeout` error.
    pub timeout: Duration,
    /// Cancels the wait (and any poll in flight) with a `cancelled` error.
    pub cancel: Option<CancellationToken>,
}

impl WaitOptions {
    /// The shortest interval between polls: vendors ask for no less, and [`poll_until`] raises
    /// shorter ones to it.
    pub const MIN_INTERVAL: Duration = Duration::from_secs(1);

    /// Waits up to `timeout`, polling every two seconds, without cancellation.
    pub fn new(timeout: Duration) -> Self {
        Self { interval: Duration::from_secs(2), timeout, cancel: None }
    }

    /// Polls every `interval` instead (raised to [`WaitOptions::MIN_INTERVAL`]).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// Lets `token` end the wait early with a `cancelled` error.
    pub fn cancel(mut self, token: CancellationToken) -> Self {
        self.cancel = Some(token);
        self
    }
}

/// What one poll found.
pub enum Poll<T> {
    /// The person has acted: here is the outcome.
    Ready(T),
    /// Not yet; poll again after the interval.
    Pending,
    /// Not yet, and the server asked us to wait at least this long before asking again.
    PendingFor(Duration),
}

/// Polls `poll` until it is ready, the deadline passes or the wait is cancelled.
///
/// `what` names the wait in the timeout error ("descope pending session"). A poll that fails
/// with a retry-after (HTTP 429) is treated as [`Poll::PendingFor`]; any other error ends the
/// wait.
pub async fn poll_until<T, F, Fut>(what: &str, options: &WaitOptions, mut poll: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>>>,
{
    let interval = options.interval.max(WaitOptions::MIN_INTERVAL);
    let started = Instant::now();
    let deadline = started + options.timeout;
    let cancel = options.cancel.clone().unwrap_or_default();
    let timed_out = || Error::Timeout { what: what.to_string(), after: options.timeout };
    loop {
        let outcome = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(Error::Cancelled),
            _ = tokio::time::sleep_until(deadline) => return Err(timed_out()),
            outcome = poll() => outcome,
        };
        let pause = match outcome {
            Ok(Poll::Ready(value)) => return Ok(value),
            Ok(Poll::Pending) => interval,
            Ok(Poll::PendingFor(after)) => after.max(interval),
            Err(error) if error.code() == "rate_limited" => error.retry_after().unwrap_or(interval).max(interval),
            Err(error) => return Err(error),
        };
        let next = Instant::now() + pause;
        if next >= deadline {
            // Sleep out the rest of the wait so the caller sees the deadline it asked for.
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(Error::Cancelled),
                _ = tokio::time::sleep_until(deadline) => return Err(timed_out()),
            }
        }
        tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(Error::Cancelled),
            _ = tokio::time::sleep_until(next) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test(start_paused = true)]
    async fn returns_when_ready_and_respects_the_minimum_interval() {
        let polls = AtomicU32::new(0);
        let started = Instant::now();
        let options = WaitOptions::new(Duration::from_secs(60)).interval(Duration::from_millis(10));
        let value = poll_until("test", &options, || async {
            let n = polls.fetch_add(1, Ordering::SeqCst);
            Ok(if n == 3 { Poll::Ready(n) } else { Poll::Pending })
        })
        .await
        .unwrap();
        assert_eq!(value, 3);
        assert!(started.elapsed() >= Duration::from_secs(3), "polled faster than once a second");
    }

    #[tokio::test(start_paused = true)]
    async fn times_out_at_the_deadline() {
        let options = WaitOptions::new(Duration::from_secs(5));
        let started = Instant::now();
        let err = poll_until("thing", &options, || async { Ok(Poll::<()>::Pending) }).await.unwrap_err();
        assert_eq!(err.code(), "timeout");
        assert_eq!(started.elapsed(), Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn cancellation_ends_the_wait() {
        let token = CancellationToken::new();
        let options = WaitOptions::new(Duration::from_secs(600)).cancel(token.clone());
        let canceller = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(3)).await;
            token.cancel();
        });
        let err = poll_until("x", &options, || async { Ok(Poll::<()>::Pending) }).await.unwrap_err();
        assert_eq!(err.code(), "cancelled");
        canceller.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn server_back_off_stretches_the_interval() {
        let polls = AtomicU32::new(0);
        let started = Instant::now();
        let options = WaitOptions::new(Duration::from_secs(60));
        poll_until("x", &options, || async {
            Ok(match polls.fetch_add(1, Ordering::SeqCst) {
                0 => Poll::PendingFor(Duration::from_secs(10)),
                _ => Poll::Ready(()),
            })
        })
        .await
        .unwrap();
        assert!(started.elapsed() >= Duration::from_secs(10));
    }
}
