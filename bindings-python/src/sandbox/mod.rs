//! `authbridge.Sandbox`: core's local stand-in for every vendor, as a context manager.
//!
//! The servers run on the shared runtime, so they answer while Python code (or a blocking
//! authbridge call, which releases the GIL) runs in the same process. Control methods take
//! effect at once: they change the stand-in's state under its own lock.

#[cfg(feature = "authx")]
mod authx;
#[cfg(feature = "descope")]
mod descope;
#[cfg(feature = "nevis")]
mod nevis;
#[cfg(feature = "nopass")]
mod nopass;
#[cfg(feature = "otpone")]
mod otpone;

#[cfg(feature = "authx")]
pub use authx::AuthxSandbox;
#[cfg(feature = "descope")]
pub use descope::DescopeSandbox;
#[cfg(feature = "nevis")]
pub use nevis::NevisSandbox;
#[cfg(feature = "nopass")]
pub use nopass::{AsyncNoPassSandbox, NoPassSandbox};
#[cfg(feature = "otpone")]
pub use otpone::OtpOneSandbox;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use authbridge::sandbox::{Fault as CoreFault, Sandbox as Core};
use authbridge::Vendor;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use crate::{blocking, enums};

/// Something a sandbox route does wrong on purpose; build one with the static methods.
#[pyclass(module = "authbridge", frozen)]
pub struct Fault {
    fault: CoreFault,
}

#[pymethods]
impl Fault {
    /// Wait `seconds` before answering normally.
    #[staticmethod]
    fn delay(seconds: f64) -> PyResult<Self> {
        let pause = Duration::try_from_secs_f64(seconds)
            .map_err(|_| PyValueError::new_err("seconds must be a non-negative number"))?;
        Ok(Self { fault: CoreFault::Delay(pause) })
    }

    /// Read the request, then close the connection without answering.
    #[staticmethod]
    fn reset() -> Self {
        Self { fault: CoreFault::Reset }
    }

    /// Answer `status` at once with an empty JSON body and an optional `Retry-After` value
    /// (seconds, or an HTTP date).
    #[staticmethod]
    #[pyo3(signature = (status, retry_after = None))]
    fn status(status: u16, retry_after: Option<String>) -> PyResult<Self> {
        if !(100..=599).contains(&status) {
            return Err(PyValueError::new_err("status must be an HTTP status code (100-599)"));
        }
        Ok(Self { fault: CoreFault::Status { status, retry_after } })
    }

    /// Handle the request, then send only half of the answer.
    #[staticmethod]
    fn truncated_body() -> Self {
        Self { fault: CoreFault::TruncatedBody }
    }

    /// Answer 200 with a JSON body of about `size` bytes.
    #[staticmethod]
    fn large_body(size: usize) -> Self {
        Self { fault: CoreFault::LargeBody(size) }
    }

    fn __repr__(&self) -> String {
        format!("Fault({:?})", self.fault)
    }
}

/// The running stand-in for every vendor compiled in. `close()` (or leaving the `with`
/// block) stops every server.
#[pyclass(module = "authbridge", frozen)]
pub struct Sandbox {
    core: Mutex<Option<Arc<Core>>>,
    urls: BTreeMap<&'static str, String>,
}

impl Sandbox {
    /// The running sandbox (a reference that keeps it alive while a call uses it).
    pub(crate) fn core(&self) -> PyResult<Arc<Core>> {
        self.core
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(|| PyRuntimeError::new_err("the sandbox is closed"))
    }

    /// Runs `f` on the running sandbox.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&Core) -> T) -> PyResult<T> {
        let core = self.core()?;
        Ok(f(&core))
    }
}

#[pymethods]
impl Sandbox {
    /// Starts every stand-in on 127.0.0.1, each on a free port.
    #[new]
    fn new(py: Python<'_>) -> PyResult<Self> {
        let core = blocking::wait(py, Core::start)?;
        let urls = Vendor::ALL.iter().filter_map(|v| Some((v.as_str(), core.url(*v)?))).collect();
        Ok(Self { core: Mutex::new(Some(Arc::new(core))), urls })
    }

    /// The base URL of a vendor's stand-in, e.g. `url(Vendor.NEVIS)`.
    fn url(&self, vendor: &str) -> PyResult<String> {
        let vendor = enums::vendor_from(vendor)?;
        self.urls
            .get(vendor.as_str())
            .cloned()
            .ok_or_else(|| PyValueError::new_err(format!("{vendor} is not compiled into this build")))
    }

    /// Every vendor's base URL, keyed by the vendor's name.
    #[getter]
    fn urls(&self) -> BTreeMap<&'static str, String> {
        self.urls.clone()
    }

    /// Arms `fault` on `route` (`"nevisidm.password_login"`) for the next `times` requests,
    /// or until `clear_faults()` when `times` is None.
    #[pyo3(signature = (route, fault, times = None))]
    fn arm(&self, route: &str, fault: PyRef<'_, Fault>, times: Option<u32>) -> PyResult<()> {
        let fault = fault.fault.clone();
        self.with(|core| match times {
            Some(times) => core.arm_times(route, fault, times),
            None => core.arm(route, fault),
        })
    }

    fn clear_faults(&self) -> PyResult<()> {
        self.with(Core::clear_faults)
    }

    /// How many requests reached `route`, faulted ones included.
    fn request_count(&self, route: &str) -> PyResult<u64> {
        self.with(|core| core.request_count(route))
    }

    fn reset_counts(&self) -> PyResult<()> {
        self.with(Core::reset_counts)
    }

    /// The nevisIDM stand-in's control API.
    #[cfg(feature = "nevis")]
    #[getter]
    fn nevis(slf: Py<Self>) -> nevis::NevisSandbox {
        nevis::NevisSandbox::new(slf)
    }

    /// The AuthX stand-in's control API.
    #[cfg(feature = "authx")]
    #[getter]
    fn authx(slf: Py<Self>) -> authx::AuthxSandbox {
        authx::AuthxSandbox::new(slf)
    }

    /// The Descope stand-in's control API.
    #[cfg(feature = "descope")]
    #[getter]
    fn descope(slf: Py<Self>) -> descope::DescopeSandbox {
        descope::DescopeSandbox::new(slf)
    }

    /// The OtpOne stand-in's control API.
    #[cfg(feature = "otpone")]
    #[getter]
    fn otpone(slf: Py<Self>) -> otpone::OtpOneSandbox {
        otpone::OtpOneSandbox::new(slf)
    }

    /// The NoPass server stand-in's control API (and its driver of portal callbacks).
    #[cfg(feature = "nopass")]
    #[getter]
    fn nopass(&self) -> PyResult<nopass::NoPassSandbox> {
        Ok(nopass::NoPassSandbox::new(self.core()?))
    }

    #[getter]
    fn closed(&self) -> bool {
        self.core.lock().unwrap_or_else(PoisonError::into_inner).is_none()
    }

    /// Stops every server and waits until they have stopped. Closing twice does nothing.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let core = self.core.lock().unwrap_or_else(PoisonError::into_inner).take();
        // A call still running keeps its reference; the servers then stop when it ends.
        if let Some(core) = core.and_then(|core| Arc::try_unwrap(core).ok()) {
            blocking::wait(py, move || async move {
                core.stop().await;
                Ok(())
            })?;
        }
        Ok(())
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    fn __repr__(&self) -> String {
        let urls: Vec<String> = self.urls.iter().map(|(v, u)| format!("{v}={u}")).collect();
        format!("Sandbox({})", urls.join(", "))
    }
}
