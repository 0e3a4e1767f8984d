//! `authbridge.metrics()` and `authbridge.metrics_prometheus()`: core's process-wide metrics.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// The process's counters and histograms as a dict (the shape of core's `MetricsSnapshot`).
#[pyfunction]
pub fn metrics(py: Python<'_>) -> PyResult<Py<PyAny>> {
    let snapshot =
        serde_json::to_value(authbridge::metrics::snapshot()).map_err(|e| PyValueError::new_err(e.to_string()))?;
    crate::json::to_py(py, &snapshot)
}

/// The same numbers in the Prometheus text exposition format (version 0.0.4).
#[pyfunction]
pub fn metrics_prometheus() -> String {
    authbridge::metrics::prometheus_text()
}
