//! JSON values between Python and core (through the `json` module, so Python sees exactly
//! what a JSON parser gives: dicts, lists, str, int, float, bool, None).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

pub fn to_py(py: Python<'_>, value: &serde_json::Value) -> PyResult<Py<PyAny>> {
    let text = value.to_string();
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

pub fn object_to_py(py: Python<'_>, map: &serde_json::Map<String, serde_json::Value>) -> PyResult<Py<PyAny>> {
    let text = serde_json::to_string(map).map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

pub fn from_py(value: &Bound<'_, PyAny>) -> PyResult<serde_json::Value> {
    let text: String = value.py().import("json")?.call_method1("dumps", (value,))?.extract()?;
    serde_json::from_str(&text).map_err(|e| PyValueError::new_err(format!("not JSON: {e}")))
}
