//! The registry's numbers as plain data, for every binding.

use serde::{Deserialize, Serialize};

/// Every counter and histogram of the process at one moment. Series appear once they have
/// been counted at least once; label values are authbridge's own names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricsSnapshot {
    /// Vendor calls by vendor, operation and outcome.
    pub calls: Vec<CallCount>,
    /// Failed vendor calls by vendor and stable error code.
    pub errors: Vec<ErrorCount>,
    /// Repeated attempts (beyond the first) by vendor and operation.
    pub retries: Vec<RetryCount>,
    /// Portal callbacks by callback and outcome.
    pub callbacks: Vec<CallbackCount>,
    /// How long vendor calls took, retries included, by vendor and operation.
    pub call_durations: Vec<CallDuration>,
    /// How long portal callbacks took to answer, by callback.
    pub callback_durations: Vec<CallbackDuration>,
}

/// Calls of one vendor operation that ended one way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallCount {
    /// `nevisidm`, `authx`, `descope`, `otpone` or `nopass`.
    pub vendor: String,
    /// The operation (`password_login`, …).
    pub operation: String,
    /// `ok` (an answer below 400) or `error` (an error answer, or none).
    pub outcome: String,
    /// How many.
    pub count: u64,
}

/// Failed calls of one vendor by stable error code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorCount {
    /// The vendor.
    pub vendor: String,
    /// The stable error code (`timeout`, `unauthorized`, …): the transport's own failure, or
    /// the code an error status maps to.
    pub code: String,
    /// How many.
    pub count: u64,
}

/// Attempts repeated by the transport's retry policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryCount {
    /// The vendor.
    pub vendor: String,
    /// The operation.
    pub operation: String,
    /// Attempts beyond each call's first.
    pub count: u64,
}

/// Portal callbacks of one kind that ended one way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackCount {
    /// The callback's name as the vendor spells it (`AuthorizedUser`, …).
    pub callback: String,
    /// `accepted` (200), `refused` (4xx) or `failed` (5xx).
    pub outcome: String,
    /// How many.
    pub count: u64,
}

/// The duration histogram of one vendor operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallDuration {
    /// The vendor.
    pub vendor: String,
    /// The operation.
    pub operation: String,
    /// The histogram.
    pub histogram: Histogram,
}

/// The duration histogram of one callback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallbackDuration {
    /// The callback.
    pub callback: String,
    /// The histogram.
    pub histogram: Histogram,
}

/// A histogram over [`super::BUCKETS_SECONDS`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Upper bounds in seconds, as [`super::BUCKETS_SECONDS`].
    pub bounds_seconds: Vec<f64>,
    /// Observations at or below each bound (cumulative, as Prometheus counts them).
    pub cumulative_counts: Vec<u64>,
    /// Sum of all observations in seconds.
    pub sum_seconds: f64,
    /// Number of observations (the `+Inf` bucket).
    pub count: u64,
}
