//! The one record of each answered portal callback: a `tracing` event with target
//! `authbridge::callback`, and the callback counted in [`crate::metrics`].
//!
//! It names the callback, its outcome, status, refusal code and duration: never a field of
//! the body (they carry one-time codes and portal ids) or a header.

use std::time::Instant;

use super::routes::Callback;
use crate::metrics;
use crate::records::CALLBACK_TARGET;

/// Records a callback answered with `status` (and the refusal's `code` when refused), counted
/// from `started`.
pub(crate) fn callback_answered(callback: Callback, started: Instant, status: u16, code: Option<&'static str>) {
    let duration = started.elapsed();
    let name = callback.name();
    let outcome = match status {
        200..=299 => "accepted",
        400..=499 => "refused",
        _ => "failed",
    };
    metrics::record_callback(name, outcome, duration);
    let duration_ms = duration.as_secs_f64() * 1000.0;
    tracing::debug!(
        target: CALLBACK_TARGET,
        callback = name,
        outcome,
        status,
        code,
        duration_ms,
        "nopass callback {name}: {status} {outcome} ({duration_ms:.1} ms)",
    );
}
