//! Failed `adminId` attempts, throttled per source (docs/vendors/nopass.md, "`adminId`
//! throttling": the `adminId` is the only proof a pre-registration carries, so guessing it must
//! be slow).
//!
//! The rule: a source gets [`FREE_FAILURES`] wrong `adminId`s; each further one locks it out
//! for twice as long as the last, from one second up to [`MAX_LOCKOUT`]. While locked out,
//! every ConfirmPreRegistration from it is answered 429 with `Retry-After` before its
//! `adminId` is compared, right or wrong. A correct `adminId` clears the source's count, and a
//! source is forgotten [`FORGET_AFTER`] after its last failure. A source is an IPv4 address or
//! an IPv6 /64 (one host usually owns a whole /64); requests with no known address share one
//! source. Counts live in the process: replicas count apart.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

pub(crate) const FREE_FAILURES: u32 = 3;
pub(crate) const MAX_LOCKOUT: Duration = Duration::from_secs(15 * 60);
pub(crate) const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// The table's bound, so that a flood of sources cannot grow it without end.
const MAX_SOURCES: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Source {
    V4(u32),
    V6Prefix(u64),
    Unknown,
}

impl Source {
    fn of(addr: Option<IpAddr>) -> Self {
        match addr.map(|a| a.to_canonical()) {
            Some(IpAddr::V4(v4)) => Source::V4(v4.into()),
            Some(IpAddr::V6(v6)) => Source::V6Prefix((u128::from(v6) >> 64) as u64),
            None => Source::Unknown,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Record {
    failures: u32,
    locked_until: Instant,
    last_failure: Instant,
}

#[derive(Debug, Default)]
pub(crate) struct AdminThrottle {
    sources: Mutex<HashMap<Source, Record>>,
}

impl AdminThrottle {
    /// `Err(retry_after)` while the source is locked out.
    pub(crate) fn check(&self, addr: Option<IpAddr>) -> Result<(), Duration> {
        let sources = self.sources.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        match sources.get(&Source::of(addr)) {
            Some(record) if record.locked_until > now => Err(record.locked_until - now),
            _ => Ok(()),
        }
    }

    pub(crate) fn failed(&self, addr: Option<IpAddr>) {
        let mut sources = self.sources.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        if sources.len() >= MAX_SOURCES {
            sources.retain(|_, r| now.duration_since(r.last_failure) < FORGET_AFTER && r.locked_until > now);
        }
        if sources.len() >= MAX_SOURCES {
            // Still full of locked-out sources: make room by forgetting the oldest.
            if let Some(oldest) = sources.iter().min_by_key(|(_, r)| r.last_failure).map(|(s, _)| *s) {
                sources.remove(&oldest);
            }
        }
        let record =
            sources.entry(Source::of(addr)).or_insert(Record { failures: 0, locked_until: now, last_failure: now });
        if now.duration_since(record.last_failure) >= FORGET_AFTER {
            record.failures = 0;
        }
        record.failures = record.failures.saturating_add(1);
        record.last_failure = now;
        if let Some(over) = record.failures.checked_sub(FREE_FAILURES + 1) {
            record.locked_until = now + lockout(over);
        }
    }

    pub(crate) fn succeeded(&self, addr: Option<IpAddr>) {
        self.sources.lock().unwrap_or_else(PoisonError::into_inner).remove(&Source::of(addr));
    }
}

/// One second for the first failure past the free ones, doubling up to [`MAX_LOCKOUT`].
fn lockout(over: u32) -> Duration {
    Duration::from_secs(1u64.checked_shl(over).unwrap_or(u64::MAX)).min(MAX_LOCKOUT)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn lockouts_double_up_to_the_cap() {
        assert_eq!(lockout(0), Duration::from_secs(1));
        assert_eq!(lockout(3), Duration::from_secs(8));
        assert_eq!(lockout(40), MAX_LOCKOUT);
        assert_eq!(lockout(u32::MAX), MAX_LOCKOUT);
    }

    #[tokio::test(start_paused = true)]
    async fn a_source_is_locked_out_after_its_free_failures() {
        let throttle = AdminThrottle::default();
        let guesser: Option<IpAddr> = Some("192.0.2.9".parse().unwrap());
        for _ in 0..FREE_FAILURES {
            assert!(throttle.check(guesser).is_ok());
            throttle.failed(guesser);
        }
        assert!(throttle.check(guesser).is_ok(), "the free failures locked the source out");
        throttle.failed(guesser);
        assert_eq!(throttle.check(guesser), Err(Duration::from_secs(1)));
        assert!(throttle.check(Some(IpAddr::from([192, 0, 2, 10]))).is_ok(), "another source was locked out");
        tokio::time::advance(Duration::from_secs(1)).await;
        throttle.failed(guesser);
        assert_eq!(throttle.check(guesser), Err(Duration::from_secs(2)));
        throttle.succeeded(guesser);
        assert!(throttle.check(guesser).is_ok());
    }

    #[test]
    fn ipv6_sources_are_counted_per_64() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(Source::of(Some(a)), Source::of(Some(b)));
        assert_ne!(Source::of(Some(a)), Source::of(Some(c)));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(Source::of(Some(mapped)), Source::of(Some(IpAddr::from([192, 0, 2, 1]))));
    }
}
