//! `metrics()` and `metricsPrometheus()`: core's process-wide metrics, typed for TypeScript.

use authbridge::metrics as core;
use napi_derive::napi;

/// Vendor calls of one operation that ended one way (`outcome`: `ok` or `error`).
#[napi(object)]
pub struct CallCount {
    pub vendor: String,
    pub operation: String,
    pub outcome: String,
    pub count: f64,
}

/// Failed vendor calls by stable error code.
#[napi(object)]
pub struct ErrorCount {
    pub vendor: String,
    pub code: String,
    pub count: f64,
}

/// Attempts repeated by the retry policy, beyond each call's first.
#[napi(object)]
pub struct RetryCount {
    pub vendor: String,
    pub operation: String,
    pub count: f64,
}

/// Portal callbacks of one kind that ended one way (`accepted`, `refused` or `failed`).
#[napi(object)]
pub struct CallbackCount {
    pub callback: String,
    pub outcome: String,
    pub count: f64,
}

/// Durations over fixed bounds in seconds; `cumulativeCounts` as Prometheus counts them.
#[napi(object)]
pub struct Histogram {
    pub bounds_seconds: Vec<f64>,
    pub cumulative_counts: Vec<f64>,
    pub sum_seconds: f64,
    pub count: f64,
}

/// How long the calls of one vendor operation took, retries included.
#[napi(object)]
pub struct CallDuration {
    pub vendor: String,
    pub operation: String,
    pub histogram: Histogram,
}

/// How long one portal callback took to answer.
#[napi(object)]
pub struct CallbackDuration {
    pub callback: String,
    pub histogram: Histogram,
}

/// Every counter and histogram of the process at one moment.
#[napi(object)]
pub struct MetricsSnapshot {
    pub calls: Vec<CallCount>,
    pub errors: Vec<ErrorCount>,
    pub retries: Vec<RetryCount>,
    pub callbacks: Vec<CallbackCount>,
    pub call_durations: Vec<CallDuration>,
    pub callback_durations: Vec<CallbackDuration>,
}

fn histogram(h: core::Histogram) -> Histogram {
    Histogram {
        bounds_seconds: h.bounds_seconds,
        cumulative_counts: h.cumulative_counts.into_iter().map(|c| c as f64).collect(),
        sum_seconds: h.sum_seconds,
        count: h.count as f64,
    }
}

/// The process's counters and duration histograms of vendor calls and portal callbacks.
#[napi]
pub fn metrics() -> MetricsSnapshot {
    let s = core::snapshot();
    MetricsSnapshot {
        calls: s
            .calls
            .into_iter()
            .map(|c| CallCount { vendor: c.vendor, operation: c.operation, outcome: c.outcome, count: c.count as f64 })
            .collect(),
        errors: s
            .errors
            .into_iter()
            .map(|e| ErrorCount { vendor: e.vendor, code: e.code, count: e.count as f64 })
            .collect(),
        retries: s
            .retries
            .into_iter()
            .map(|r| RetryCount { vendor: r.vendor, operation: r.operation, count: r.count as f64 })
            .collect(),
        callbacks: s
            .callbacks
            .into_iter()
            .map(|c| CallbackCount { callback: c.callback, outcome: c.outcome, count: c.count as f64 })
            .collect(),
        call_durations: s
            .call_durations
            .into_iter()
            .map(|d| CallDuration { vendor: d.vendor, operation: d.operation, histogram: histogram(d.histogram) })
            .collect(),
        callback_durations: s
            .callback_durations
            .into_iter()
            .map(|d| CallbackDuration { callback: d.callback, histogram: histogram(d.histogram) })
            .collect(),
    }
}

/// `metrics()` in the Prometheus text exposition format (version 0.0.4).
#[napi]
pub fn metrics_prometheus() -> String {
    core::prometheus_text()
}
