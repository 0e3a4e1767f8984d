//! core `Error` → the matching `authbridge` exception.
//!
//! The exception classes are plain Python (`authbridge/_errors.py`), one per error code, so
//! they can inherit from the built-in families (`ValueError`, `TimeoutError`, `OSError`) and
//! be documented and typed like any Python class. This module only picks the class by
//! `Error::code()` and fills in the attributes; it never formats a secret because core's
//! messages never hold one.

use authbridge::Error;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};

use crate::enums;

static BY_CODE: PyOnceLock<Py<PyDict>> = PyOnceLock::new();

fn classes(py: Python<'_>) -> PyResult<&Bound<'_, PyDict>> {
    let dict = BY_CODE.get_or_try_init(py, || -> PyResult<Py<PyDict>> {
        let module = py.import("authbridge._errors")?;
        Ok(module.getattr("BY_CODE")?.cast_into::<PyDict>()?.unbind())
    })?;
    Ok(dict.bind(py))
}

/// The Python exception for `error`.
pub fn to_py(error: Error) -> PyErr {
    Python::attach(|py| build(py, &error).unwrap_or_else(|failure| failure))
}

fn build(py: Python<'_>, error: &Error) -> Result<PyErr, PyErr> {
    let class = classes(py)?
        .get_item(error.code())?
        .ok_or_else(|| PyRuntimeError::new_err(format!("authbridge error without a class: {error}")))?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("code", error.code())?;
    if let Some(vendor) = error.vendor() {
        kwargs.set_item("vendor", enums::vendor(py, vendor)?)?;
    }
    kwargs.set_item("status", error.status())?;
    kwargs.set_item("vendor_code", error.vendor_code())?;
    kwargs.set_item("vendor_message", error.vendor_message())?;
    kwargs.set_item("retry_after", error.retry_after().map(|d| d.as_secs_f64()))?;
    if let Error::InvalidInput { field, rule } = error {
        kwargs.set_item("field", field)?;
        kwargs.set_item("rule", rule)?;
    }
    #[cfg(feature = "nevis")]
    if let Some(status) = authbridge::nevis::LoginStatusCode::of(error) {
        kwargs.set_item("login_status", enums::login_status_code(py, status)?)?;
    }
    #[cfg(feature = "descope")]
    if let Some(rejection) = authbridge::descope::SessionRejection::of(error) {
        kwargs.set_item("session_rejection", enums::session_rejection(py, rejection)?)?;
    }
    let args = PyTuple::new(py, [error.to_string()])?;
    let instance = class.call(args, Some(&kwargs))?;
    Ok(PyErr::from_value(instance))
}

/// Converts a core result, raising the matching exception.
pub trait IntoPyResult<T> {
    fn py_err(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for authbridge::Result<T> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}
