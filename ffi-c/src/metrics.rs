//! The process's metrics (calls, errors, retries, callbacks, durations) for C.

use std::ffi::c_char;

use crate::args::{out, OwnedString};
use crate::boundary::ffi_status;
use crate::status::ab_status;

/// The process's counters and duration histograms as JSON: `{"calls": [{"vendor",
/// "operation", "outcome", "count"}], "errors": [{"vendor", "code", "count"}], "retries",
/// "callbacks": [{"callback", "outcome", "count"}], "call_durations", "callback_durations"}`
/// (histograms: `bounds_seconds`, `cumulative_counts`, `sum_seconds`, `count`). Free the string
/// with `ab_string_free`.
#[no_mangle]
pub unsafe extern "C" fn ab_metrics_json(out_json: *mut *mut c_char) -> ab_status {
    ffi_status(|| {
        let out_json = out(out_json, "out_json")?;
        let snapshot = authbridge::metrics::snapshot();
        let json = serde_json::to_string(&snapshot).map_err(|e| authbridge::Error::Config(e.to_string()))?;
        out_json.write(OwnedString::new(&json, "metrics")?.into_raw());
        Ok(())
    })
}

/// The same numbers in the Prometheus text exposition format (version 0.0.4). Free the string
/// with `ab_string_free`.
#[no_mangle]
pub unsafe extern "C" fn ab_metrics_prometheus(out_text: *mut *mut c_char) -> ab_status {
    ffi_status(|| {
        let out_text = out(out_text, "out_text")?;
        out_text.write(OwnedString::new(&authbridge::metrics::prometheus_text(), "metrics")?.into_raw());
        Ok(())
    })
}
