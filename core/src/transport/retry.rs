//! Which failures may be repeated, and after how long.
//!
//! The rule: a request is repeated only when doing so cannot make the
//! server act twice. Anything may be repeated when it never reached the server or when the
//! server refused it unprocessed (429/503 with `Retry-After`); only [`Replay::Safe`] requests
//! (reads, polls) are repeated after the server may have seen them.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use rand::Rng;

use super::RetryPolicy;

/// Whether a request may be sent again after the server may have seen it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// Idempotent: a read, a poll, a token request. Repeat after any transient failure.
    Safe,
    /// Carries a one-time code, PIN, password or recovery code, or changes state: repeat only
    /// when the server provably did not process it.
    Never,
}

/// What the transport does after one attempt.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// Give the answer or error to the caller.
    Stop,
    /// Try again after this pause.
    RetryAfter(Duration),
}

/// How a failed attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The connection was never established: the server saw nothing.
    NotSent,
    /// The connection failed or timed out after the request may have been sent.
    MaybeSeen,
}

pub(crate) fn after_failure(policy: &RetryPolicy, replay: Replay, failure: Failure, attempt: u32) -> Next {
    if attempt >= policy.max_attempts {
        return Next::Stop;
    }
    match (failure, replay) {
        (Failure::NotSent, _) | (Failure::MaybeSeen, Replay::Safe) => Next::RetryAfter(backoff(policy, attempt)),
        (Failure::MaybeSeen, Replay::Never) => Next::Stop,
    }
}

pub(crate) fn after_status(
    policy: &RetryPolicy,
    replay: Replay,
    status: StatusCode,
    headers: &HeaderMap,
    attempt: u32,
) -> Next {
    if attempt >= policy.max_attempts {
        return Next::Stop;
    }
    let refused_unprocessed = matches!(status.as_u16(), 429 | 503);
    if refused_unprocessed {
        if let Some(after) = retry_after(headers) {
            return if after <= policy.max_retry_after { Next::RetryAfter(after) } else { Next::Stop };
        }
    }
    match (status.as_u16(), replay) {
        (429 | 502 | 503 | 504, Replay::Safe) => Next::RetryAfter(backoff(policy, attempt)),
        _ => Next::Stop,
    }
}

/// Exponential backoff with full jitter: a random pause in `[0, min(max, base * 2^(n-1))]`.
pub(crate) fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exp = policy.base_delay.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let ceiling = exp.min(policy.max_delay);
    let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rand::rng().random_range(0..=millis))
}

/// `Retry-After` as delta-seconds or an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate_parse(value)?;
    Some(when.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// Parses the IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`), the only one servers send.
fn httpdate_parse(value: &str) -> Option<SystemTime> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else { return None };
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        .iter()
        .position(|m| m == month)? as u64
        + 1;
    let (day, year): (u64, u64) = (day.parse().ok()?, year.parse().ok()?);
    let hms: Vec<u64> = time.split(':').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else { return None };
    // Days from civil date (Howard Hinnant's algorithm).
    let (y, mo) = if month <= 2 { (year - 1, month + 9) } else { (year, month - 3) };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * mo + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(days * 86_400 + h * 3600 + m * 60 + s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(retry: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(http::header::RETRY_AFTER, HeaderValue::from_str(retry).unwrap());
        h
    }

    #[test]
    fn never_replays_what_the_server_may_have_seen() {
        let p = RetryPolicy::default();
        assert_eq!(after_failure(&p, Replay::Never, Failure::MaybeSeen, 1), Next::Stop);
        assert!(matches!(after_failure(&p, Replay::Never, Failure::NotSent, 1), Next::RetryAfter(_)));
        assert!(matches!(after_failure(&p, Replay::Safe, Failure::MaybeSeen, 1), Next::RetryAfter(_)));
        assert_eq!(after_failure(&p, Replay::Safe, Failure::NotSent, 3), Next::Stop);
    }

    #[test]
    fn honours_retry_after_up_to_the_cap() {
        let p = RetryPolicy::default();
        let s503 = StatusCode::SERVICE_UNAVAILABLE;
        assert_eq!(after_status(&p, Replay::Never, s503, &headers("1"), 1), Next::RetryAfter(Duration::from_secs(1)));
        assert_eq!(after_status(&p, Replay::Never, s503, &headers("3600"), 1), Next::Stop);
        assert_eq!(after_status(&p, Replay::Never, s503, &HeaderMap::new(), 1), Next::Stop);
        assert!(matches!(after_status(&p, Replay::Safe, s503, &HeaderMap::new(), 1), Next::RetryAfter(_)));
        assert_eq!(after_status(&p, Replay::Safe, StatusCode::INTERNAL_SERVER_ERROR, &HeaderMap::new(), 1), Next::Stop);
    }

    #[test]
    fn backoff_is_bounded_full_jitter() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
            ..RetryPolicy::default()
        };
        for attempt in 1..20 {
            assert!(backoff(&p, attempt) <= Duration::from_millis(300));
        }
    }

    #[test]
    fn parses_http_dates() {
        let t = httpdate_parse("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs(), 784_111_777);
        assert_eq!(retry_after(&headers("Sun, 06 Nov 1994 08:49:37 GMT")), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers("soon")), None);
    }
}
