//! `Sandbox.authx`: the AuthX stand-in's control API.

use std::time::Duration;

use authbridge::sandbox::{AuthxSim, AuthxUser};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use super::Sandbox;
use crate::json::to_py as json_to_py;

/// Applications, tokens, users and forced biometric outcomes of the AuthX stand-in. The
/// class attributes are the credentials it accepts from the start (the seed's samples).
#[pyclass(module = "authbridge", frozen)]
pub struct AuthxSandbox {
    sandbox: Py<Sandbox>,
}

impl AuthxSandbox {
    pub(super) fn new(sandbox: Py<Sandbox>) -> Self {
        Self { sandbox }
    }

    fn with<T>(&self, f: impl FnOnce(&AuthxSim) -> T) -> PyResult<T> {
        self.sandbox.get().with(|core| f(core.authx()))
    }
}

/// A stand-in user as a dict.
fn user_dict(py: Python<'_>, user: AuthxUser) -> PyResult<Py<PyAny>> {
    let dict = PyDict::new(py);
    dict.set_item("guid", user.guid)?;
    dict.set_item("user_name", user.user_name)?;
    dict.set_item("email", user.email)?;
    dict.set_item("first_name", user.first_name)?;
    dict.set_item("last_name", user.last_name)?;
    dict.set_item("country_code", user.country_code)?;
    dict.set_item("number", user.number)?;
    dict.set_item("aliases", PyList::new(py, user.aliases)?)?;
    dict.set_item("has_pin", user.has_pin)?;
    dict.set_item("enrolled", user.enrolled.iter().map(|id| u32::from(*id)).collect::<Vec<u32>>())?;
    Ok(dict.into_any().unbind())
}

#[pymethods]
impl AuthxSandbox {
    #[classattr]
    const APPLICATION_ID: &'static str = AuthxSim::APPLICATION_ID;
    #[classattr]
    const APPLICATION_KEY: &'static str = AuthxSim::APPLICATION_KEY;
    #[classattr]
    const BIOMETRIC_APPLICATION_KEY: &'static str = AuthxSim::BIOMETRIC_APPLICATION_KEY;
    #[classattr]
    const BIOMETRIC_SECRET_KEY: &'static str = AuthxSim::BIOMETRIC_SECRET_KEY;
    #[classattr]
    const HOST_NAME: &'static str = AuthxSim::HOST_NAME;

    fn add_application(&self, application_id: &str, application_key: &str) -> PyResult<()> {
        self.with(|sim| sim.add_application(application_id, application_key))
    }

    fn add_biometric_app(&self, application_key: &str, secret_key: &str, host_name: &str) -> PyResult<()> {
        self.with(|sim| sim.add_biometric_app(application_key, secret_key, host_name))
    }

    /// The lifetime (`expires_in`, seconds) of tokens issued from now on.
    fn set_token_lifetime(&self, seconds: f64) -> PyResult<()> {
        let lifetime =
            Duration::try_from_secs_f64(seconds).map_err(|_| PyValueError::new_err("seconds must be non-negative"))?;
        self.with(|sim| sim.set_token_lifetime(lifetime))
    }

    /// Ends every token issued so far: calls carrying one get 401 from now on.
    fn expire_tokens(&self) -> PyResult<()> {
        self.with(AuthxSim::expire_tokens)
    }

    /// How many access tokens the stand-in has issued.
    fn issued_token_count(&self) -> PyResult<usize> {
        self.with(|sim| sim.issued_tokens().len())
    }

    fn user(&self, py: Python<'_>, guid: &str) -> PyResult<Option<Py<PyAny>>> {
        self.with(|sim| sim.user(guid))?.map(|u| user_dict(py, u)).transpose()
    }

    fn user_named(&self, py: Python<'_>, user_name: &str) -> PyResult<Option<Py<PyAny>>> {
        self.with(|sim| sim.user_named(user_name))?.map(|u| user_dict(py, u)).transpose()
    }

    fn user_count(&self) -> PyResult<usize> {
        self.with(AuthxSim::user_count)
    }

    /// The next ProcessBiometric answers `response_code` instead of comparing samples.
    fn queue_biometric_outcome(&self, response_code: i64) -> PyResult<()> {
        self.with(|sim| sim.queue_biometric_outcome(response_code))
    }

    /// The JSON body of the last request on a JSON route (`"authx.AddUser"`, …).
    fn last_request(&self, py: Python<'_>, route: &str) -> PyResult<Option<Py<PyAny>>> {
        self.with(|sim| sim.last_request(route))?.map(|v| json_to_py(py, &v)).transpose()
    }

    /// What the last accepted upload carried: `bytes`, `sha256` (hex), `content_length`,
    /// `data_content_type`, `process_biometrics`.
    fn last_upload(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let Some(upload) = self.with(AuthxSim::last_upload)? else { return Ok(None) };
        let dict = PyDict::new(py);
        dict.set_item("bytes", upload.bytes)?;
        dict.set_item("sha256", upload.sha256.iter().map(|b| format!("{b:02x}")).collect::<String>())?;
        dict.set_item("content_length", upload.content_length)?;
        dict.set_item("data_content_type", upload.data_content_type)?;
        dict.set_item("process_biometrics", json_to_py(py, &upload.process_biometrics)?)?;
        Ok(Some(dict.into_any().unbind()))
    }
}
