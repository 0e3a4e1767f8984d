//! The one record of each vendor call: a `tracing` event with target `authbridge::call`, and
//! the call counted in [`crate::metrics`].
//!
//! The event carries vendor, operation, method, host, status, attempts, duration and, for a
//! failure, the stable error code: never a header value, URL path or query, or body, which is
//! where credentials travel.

use std::time::Duration;

use http::{Method, StatusCode};

use crate::metrics::{self, CallOutcome};
use crate::records::CALL_TARGET;
use crate::{Error, Vendor, VendorDetail};

/// What one finished call looked like.
pub(super) struct CallRecord<'a> {
    pub(super) vendor: Vendor,
    pub(super) operation: &'static str,
    pub(super) method: &'a Method,
    pub(super) host: &'a str,
    pub(super) attempts: u32,
    pub(super) duration: Duration,
}

impl CallRecord<'_> {
    /// Emits the record of a call that ended with an answer (`status`) or an error.
    pub(super) fn finish(self, ended: std::result::Result<StatusCode, &Error>) {
        let outcome = match ended {
            Ok(status) if status.as_u16() < 400 => CallOutcome::Ok,
            // The code this status maps to; the vendor module may refine it, but the metrics
            // count what the transport saw.
            Ok(status) => {
                CallOutcome::Error(Error::from_status(VendorDetail::new(self.vendor).status(status.as_u16())).code())
            }
            Err(error) => CallOutcome::Error(error.code()),
        };
        let vendor = self.vendor.as_str();
        metrics::record_call(vendor, self.operation, outcome, self.attempts, self.duration);
        let status = ended.ok().map(|status| status.as_u16());
        let shown = status.map_or_else(|| "no answer".to_string(), |status| status.to_string());
        let duration_ms = self.duration.as_secs_f64() * 1000.0;
        let code = match outcome {
            CallOutcome::Ok => None,
            CallOutcome::Error(code) => Some(code),
        };
        tracing::debug!(
            target: CALL_TARGET,
            vendor,
            operation = self.operation,
            method = %self.method,
            host = self.host,
            status,
            attempts = self.attempts,
            duration_ms,
            code,
            "{vendor} {}: {} {} -> {shown} ({} attempt(s), {duration_ms:.1} ms)",
            self.operation,
            self.method,
            self.host,
            self.attempts,
        );
    }
}
