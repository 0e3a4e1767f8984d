//! A duration histogram with fixed buckets.

use std::time::Duration;

/// The upper bounds (seconds) of the duration buckets, the same for every histogram: from a
/// local sandbox answer (milliseconds) to a long-poll or biometric upload (tens of seconds).
pub const BUCKETS_SECONDS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// Counts per bucket (not cumulative) plus one for everything above the last bound.
#[derive(Debug, Clone, Default)]
pub(super) struct Durations {
    pub(super) per_bucket: [u64; BUCKETS_SECONDS.len() + 1],
    pub(super) sum_seconds: f64,
    pub(super) count: u64,
}

impl Durations {
    pub(super) fn observe(&mut self, duration: Duration) {
        let seconds = duration.as_secs_f64();
        let bucket = BUCKETS_SECONDS.iter().position(|bound| seconds <= *bound).unwrap_or(BUCKETS_SECONDS.len());
        self.per_bucket[bucket] += 1;
        self.sum_seconds += seconds;
        self.count += 1;
    }

    /// The cumulative counts Prometheus expects, one per bound (`+Inf` is `count`).
    pub(super) fn cumulative(&self) -> Vec<u64> {
        let mut total = 0;
        self.per_bucket[..BUCKETS_SECONDS.len()]
            .iter()
            .map(|count| {
                total += count;
                total
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_inclusive() {
        let mut durations = Durations::default();
        durations.observe(Duration::from_millis(5));
        durations.observe(Duration::from_millis(7));
        durations.observe(Duration::from_secs(60));
        let cumulative = durations.cumulative();
        assert_eq!(cumulative[0], 1);
        assert_eq!(cumulative[1], 2);
        assert_eq!(*cumulative.last().unwrap(), 2);
        assert_eq!(durations.count, 3);
        assert!((durations.sum_seconds - 60.012).abs() < 1e-9);
    }
}
