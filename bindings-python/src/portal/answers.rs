//! What the portal answers and reports: `PortalResponse` (one callback's answer, for any web
//! framework to send as it is) and `PortalStatus` (the registration and phase).

use authbridge::nopass::{PortalRecord, PortalResponse as CoreResponse};
use authbridge::Secret;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::enums;

/// The answer to one callback: send `status`, `content_type`, `headers` and `body` as they are.
#[pyclass(module = "authbridge", frozen)]
pub struct PortalResponse {
    response: CoreResponse,
}

#[pymethods]
impl PortalResponse {
    #[getter]
    fn status(&self) -> u16 {
        self.response.status
    }

    #[getter]
    fn content_type(&self) -> Option<&'static str> {
        self.response.content_type
    }

    #[getter]
    fn headers(&self) -> Vec<(String, String)> {
        self.response.headers.clone()
    }

    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.response.body)
    }

    /// The body parsed as JSON (None for an empty body).
    fn json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if self.response.body.is_empty() {
            return Ok(py.None());
        }
        crate::json::to_py(py, &self.response.json())
    }

    /// The first error's `code` in the seed's envelope.
    #[getter]
    fn error_code(&self) -> Option<String> {
        self.response.error_code()
    }

    #[getter]
    fn error_message(&self) -> Option<String> {
        self.response.error_message()
    }

    fn __repr__(&self) -> String {
        format!("PortalResponse(status={}, body={:?})", self.response.status, self.response.body_text())
    }
}

pub fn response(py: Python<'_>, response: CoreResponse) -> PyResult<Py<PyAny>> {
    Ok(Py::new(py, PortalResponse { response })?.into_any())
}

/// The portal's registration and phase. `repr` hides `auth_token`.
#[pyclass(module = "authbridge", frozen)]
pub struct PortalStatus {
    record: PortalRecord,
    phase: Py<PyAny>,
}

#[pymethods]
impl PortalStatus {
    #[getter]
    fn version(&self) -> u64 {
        self.record.version
    }

    #[getter]
    fn phase(&self, py: Python<'_>) -> Py<PyAny> {
        self.phase.clone_ref(py)
    }

    #[getter]
    fn portal_id(&self) -> Option<&str> {
        self.record.portal_id.as_deref()
    }

    /// The bearer the NoPass server issued at registration (a secret).
    #[getter]
    fn auth_token(&self) -> Option<&str> {
        self.record.auth_token.as_ref().map(Secret::expose)
    }

    #[getter]
    fn settings(&self) -> Option<&str> {
        self.record.settings.as_deref()
    }

    #[getter]
    fn changed_at_ms(&self) -> u64 {
        self.record.changed_at_ms
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "PortalStatus(phase={}, portal_id={:?}, auth_token={}, version={})",
            self.phase.bind(py).repr()?,
            self.record.portal_id,
            if self.record.auth_token.is_some() { "'***'" } else { "None" },
            self.record.version
        ))
    }
}

pub fn status(py: Python<'_>, record: PortalRecord) -> PyResult<Py<PyAny>> {
    let phase = enums::portal_phase(py, record.phase)?.unbind();
    Ok(Py::new(py, PortalStatus { record, phase })?.into_any())
}
