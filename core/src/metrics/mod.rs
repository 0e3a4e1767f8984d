//! Process-wide counters and duration histograms of vendor calls and portal callbacks.
//!
//! One registry per process, fed by the two places that produce the call and callback
//! records (`transport/record.rs`, `nopass/record.rs`). Every label value is a `&'static str`
//! chosen by authbridge (vendor, operation, outcome, stable error code, callback name), never
//! anything a caller or server sent, so the series stay few and hold no secret. An observation
//! takes one mutex for a few map updates; nothing else ever holds it longer than a
//! [`snapshot`] copy.
//!
//! [`snapshot`] gives the numbers as data (serde-serialisable, for every binding);
//! [`prometheus_text`] renders the same snapshot in the Prometheus text format, so there is
//! one registry and two views of it.

mod histogram;
mod prometheus;
mod registry;
mod snapshot;

pub use histogram::BUCKETS_SECONDS;
pub use prometheus::render as render_prometheus;
pub(crate) use registry::{record_call, record_callback, CallOutcome};
pub use snapshot::{
    CallCount, CallDuration, CallbackCount, CallbackDuration, ErrorCount, Histogram, MetricsSnapshot, RetryCount,
};

/// The counters and histograms as they are now.
pub fn snapshot() -> MetricsSnapshot {
    registry::snapshot()
}

/// [`snapshot`] in the Prometheus text exposition format (version 0.0.4).
pub fn prometheus_text() -> String {
    prometheus::render(&snapshot())
}

/// The `Content-Type` of [`prometheus_text`].
pub const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";
