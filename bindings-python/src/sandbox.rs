//! `authbridge._native.Sandbox`: core's local stand-in for every vendor, reduced to its
//! lifecycle and one generic control entry point.
//!
//! The servers run on the shared runtime, so they answer while Python code (or a blocking
//! authbridge call, which releases the GIL) runs in the same process. Every control
//! operation is one JSON request passed to core's `Sandbox::control_json`; the typed helpers
//! (`sandbox.nevis.add_user(...)`, faults, the NoPass driver) are Python, in
//! `authbridge/sandbox/`, on top of `control_json` and `control_json_async`.

use std::collections::BTreeMap;

use authbridge::sandbox::Sandbox as Core;
use authbridge::Vendor;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::closing::{closable_methods, Closable};
use crate::twin::plain;
use crate::{aio, blocking, enums};

/// The running stand-in for every vendor compiled in. `close()` (or leaving the `with`
/// block) stops every server. `authbridge.Sandbox` extends it with the control helpers.
#[pyclass(module = "authbridge._native", frozen, subclass)]
pub struct Sandbox {
    inner: Closable<Core>,
    urls: BTreeMap<&'static str, String>,
    control_url: String,
    control_token: String,
}

closable_methods! { sync Sandbox {
    /// The credentials the stand-ins accept from the start (the seed's samples), named
    /// `<group>.<core constant>`: `authx.APPLICATION_ID`, `descope.PROJECT_ID`, …
    #[classattr]
    #[pyo3(name = "PRESETS")]
    fn presets() -> BTreeMap<&'static str, &'static str> {
        Core::presets()
    }

    /// Starts every stand-in on 127.0.0.1, each on a free port.
    #[new]
    fn new(py: Python<'_>) -> PyResult<Self> {
        let core = blocking::wait(py, Core::start)?;
        let urls = Vendor::ALL.iter().filter_map(|v| Some((v.as_str(), core.url(*v)?))).collect();
        let (control_url, control_token) = (core.control_url(), core.control_token().to_string());
        let inner = Closable::stopping("the sandbox", core, |core| Box::pin(core.stop()));
        Ok(Self { inner, urls, control_url, control_token })
    }

    /// The base URL of a vendor's stand-in, e.g. `url(Vendor.NEVIS)`.
    fn url(&self, vendor: &str) -> PyResult<String> {
        let vendor = enums::vendor_from(vendor)?;
        self.urls
            .get(vendor.as_str())
            .cloned()
            .ok_or_else(|| PyValueError::new_err(format!("{vendor} is not compiled into this build")))
    }

    /// Where other processes send control requests over HTTP (`POST`, JSON body).
    #[getter]
    fn control_url(&self) -> &str {
        &self.control_url
    }

    /// The bearer token the control endpoint requires.
    #[getter]
    fn control_token(&self) -> &str {
        &self.control_token
    }

    /// Runs one control request (`{"op": "<group>.<operation>", ...}` as JSON text) and
    /// returns its answer as JSON text. The GIL is released meanwhile: an operation may call
    /// a portal served by this process, or wait for a transaction.
    fn control_json(&self, py: Python<'_>, request: String) -> PyResult<String> {
        let core = self.inner.get()?;
        blocking::wait(py, move || async move { core.control_json(&request).await })
    }

    /// `control_json` for asyncio: a coroutine of the answer's JSON text.
    fn control_json_async(&self, request: String) -> PyResult<aio::Call> {
        let core = self.inner.get()?;
        Ok(aio::call("sandbox.control_json", move || async move { core.control_json(&request).await }, plain))
    }

    fn __repr__(&self) -> String {
        let urls: Vec<String> = self.urls.iter().map(|(v, u)| format!("{v}={u}")).collect();
        format!("Sandbox({})", urls.join(", "))
    }
}}
