//! `authbridge.CancellationToken` and the options of every `wait_*` method.

use std::time::Duration;

use authbridge::WaitOptions;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// Cancels a wait from another thread (or a signal handler): the wait raises `Cancelled`.
/// asyncio waits are also cancelled by cancelling their task.
#[pyclass(module = "authbridge", frozen, from_py_object)]
#[derive(Clone, Default)]
pub struct CancellationToken {
    pub token: authbridge::CancellationToken,
}

#[pymethods]
impl CancellationToken {
    #[new]
    fn new() -> Self {
        Self::default()
    }

    fn cancel(&self) {
        self.token.cancel();
    }

    #[getter]
    fn cancelled(&self) -> bool {
        self.token.is_cancelled()
    }

    fn __repr__(&self) -> String {
        format!("CancellationToken(cancelled={})", self.token.is_cancelled())
    }
}

/// `timeout` and `interval` in seconds (the interval is raised to core's one-second minimum).
pub fn options(timeout: f64, interval: Option<f64>, cancel: Option<CancellationToken>) -> PyResult<WaitOptions> {
    let seconds = |name: &str, value: f64| {
        Duration::try_from_secs_f64(value)
            .map_err(|_| PyValueError::new_err(format!("{name} must be a non-negative number of seconds")))
    };
    let mut options = WaitOptions::new(seconds("timeout", timeout)?);
    if let Some(interval) = interval {
        options = options.interval(seconds("interval", interval)?);
    }
    if let Some(cancel) = cancel {
        options = options.cancel(cancel.token);
    }
    Ok(options)
}
