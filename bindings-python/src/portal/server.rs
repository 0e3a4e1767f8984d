//! `EmbeddedServer`: the portal on authbridge's own small HTTP server, for hosts with no web
//! stack. It passes each connection's socket peer to the portal itself.

use std::sync::{Mutex, PoisonError};

use authbridge::nopass::EmbeddedServer as CoreServer;
use pyo3::prelude::*;

use crate::blocking;

/// The portal served by authbridge's own small HTTP server (for hosts with no web stack).
#[pyclass(module = "authbridge", frozen)]
pub struct EmbeddedServer {
    server: Mutex<Option<CoreServer>>,
    url: String,
}

#[pymethods]
impl EmbeddedServer {
    /// `http://<host>:<port>` (`https://` with TLS): the portal URL to give the NoPass server
    /// (behind a public name, give that name; the certificate must be for it).
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let server = self.server.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(server) = server {
            blocking::wait(py, move || async move {
                server.stop().await;
                Ok(())
            })?;
        }
        Ok(())
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<()> {
        self.close(py)
    }

    fn __repr__(&self) -> String {
        format!("EmbeddedServer(url={:?})", self.url)
    }
}

impl EmbeddedServer {
    pub fn new(server: CoreServer) -> Self {
        let url = server.url();
        Self { server: Mutex::new(Some(server)), url }
    }
}
