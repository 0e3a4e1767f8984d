//! The one registry of the process, behind one briefly held mutex.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::histogram::{Durations, BUCKETS_SECONDS};
use super::snapshot::{
    CallCount, CallDuration, CallbackCount, CallbackDuration, ErrorCount, Histogram, MetricsSnapshot, RetryCount,
};

/// How one vendor call ended, as the metrics count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallOutcome {
    /// An answer below 400.
    Ok,
    /// An error answer or none; the stable code says which.
    Error(&'static str),
}

type Pair = (&'static str, &'static str);
type Triple = (&'static str, &'static str, &'static str);

/// Ordered maps, so every snapshot lists its series in the same order.
#[derive(Default)]
struct Registry {
    calls: BTreeMap<Triple, u64>,
    errors: BTreeMap<Pair, u64>,
    retries: BTreeMap<Pair, u64>,
    callbacks: BTreeMap<Pair, u64>,
    call_durations: BTreeMap<Pair, Durations>,
    callback_durations: BTreeMap<&'static str, Durations>,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);

fn with_registry<T>(update: impl FnOnce(&mut Registry) -> T) -> T {
    // A panic cannot leave a half-made update behind (each is a few increments): go on.
    let mut slot = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
    update(slot.get_or_insert_with(Registry::default))
}

/// Counts one finished vendor call of `attempts` attempts.
pub(crate) fn record_call(
    vendor: &'static str,
    operation: &'static str,
    outcome: CallOutcome,
    attempts: u32,
    duration: Duration,
) {
    with_registry(|registry| {
        let label = match outcome {
            CallOutcome::Ok => "ok",
            CallOutcome::Error(code) => {
                *registry.errors.entry((vendor, code)).or_default() += 1;
                "error"
            }
        };
        *registry.calls.entry((vendor, operation, label)).or_default() += 1;
        if attempts > 1 {
            *registry.retries.entry((vendor, operation)).or_default() += u64::from(attempts - 1);
        }
        registry.call_durations.entry((vendor, operation)).or_default().observe(duration);
    });
}

/// Counts one answered portal callback (`outcome`: `accepted`, `refused` or `failed`).
pub(crate) fn record_callback(callback: &'static str, outcome: &'static str, duration: Duration) {
    with_registry(|registry| {
        *registry.callbacks.entry((callback, outcome)).or_default() += 1;
        registry.callback_durations.entry(callback).or_default().observe(duration);
    });
}

pub(super) fn snapshot() -> MetricsSnapshot {
    with_registry(|registry| MetricsSnapshot {
        calls: registry
            .calls
            .iter()
            .map(|((vendor, operation, outcome), count)| CallCount {
                vendor: vendor.to_string(),
                operation: operation.to_string(),
                outcome: outcome.to_string(),
                count: *count,
            })
            .collect(),
        errors: registry
            .errors
            .iter()
            .map(|((vendor, code), count)| ErrorCount {
                vendor: vendor.to_string(),
                code: code.to_string(),
                count: *count,
            })
            .collect(),
        retries: registry
            .retries
            .iter()
            .map(|((vendor, operation), count)| RetryCount {
                vendor: vendor.to_string(),
                operation: operation.to_string(),
                count: *count,
            })
            .collect(),
        callbacks: registry
            .callbacks
            .iter()
            .map(|((callback, outcome), count)| CallbackCount {
                callback: callback.to_string(),
                outcome: outcome.to_string(),
                count: *count,
            })
            .collect(),
        call_durations: registry
            .call_durations
            .iter()
            .map(|((vendor, operation), durations)| CallDuration {
                vendor: vendor.to_string(),
                operation: operation.to_string(),
                histogram: histogram(durations),
            })
            .collect(),
        callback_durations: registry
            .callback_durations
            .iter()
            .map(|(callback, durations)| CallbackDuration {
                callback: callback.to_string(),
                histogram: histogram(durations),
            })
            .collect(),
    })
}

fn histogram(durations: &Durations) -> Histogram {
    Histogram {
        bounds_seconds: BUCKETS_SECONDS.to_vec(),
        cumulative_counts: durations.cumulative(),
        sum_seconds: durations.sum_seconds,
        count: durations.count,
    }
}
