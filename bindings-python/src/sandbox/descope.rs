//! `Sandbox.descope`: the Descope stand-in's control API.

use std::time::Duration;

use authbridge::sandbox::DescopeSim;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use super::Sandbox;
use crate::json;

fn seconds(value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| PyValueError::new_err("seconds must be non-negative"))
}

/// Users, pending nOTP logins (approve, deny, expire), keys and forced failures of the
/// Descope stand-in. `PROJECT_ID` is the project it serves from the start.
#[pyclass(module = "authbridge", frozen)]
pub struct DescopeSandbox {
    sandbox: Py<Sandbox>,
}

impl DescopeSandbox {
    pub(super) fn new(sandbox: Py<Sandbox>) -> Self {
        Self { sandbox }
    }

    fn with<T>(&self, f: impl FnOnce(&DescopeSim) -> T) -> PyResult<T> {
        self.sandbox.get().with(|core| f(core.descope()))
    }
}

#[pymethods]
impl DescopeSandbox {
    #[classattr]
    const PROJECT_ID: &'static str = DescopeSim::PROJECT_ID;
    #[classattr]
    const DEFAULT_PHONE: &'static str = DescopeSim::DEFAULT_PHONE;

    fn add_project(&self, project_id: &str) -> PyResult<()> {
        self.with(|sim| sim.add_project(project_id))
    }

    /// The `iss` of tokens issued for `project_id`.
    fn issuer(&self, project_id: &str) -> PyResult<String> {
        self.with(|sim| sim.issuer(project_id))
    }

    /// Registers a user (verified phone = `login_id`); returns its user ID.
    fn add_user(&self, login_id: &str) -> PyResult<String> {
        self.with(|sim| sim.add_user(login_id))
    }

    /// Registers a user with an active TOTP key; returns the key in base32.
    fn add_totp_user(&self, login_id: &str) -> PyResult<String> {
        self.with(|sim| sim.add_totp_user(login_id))
    }

    fn set_roles(&self, login_id: &str, roles: Vec<String>, permissions: Vec<String>) -> PyResult<()> {
        let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
        let permissions: Vec<&str> = permissions.iter().map(String::as_str).collect();
        self.with(|sim| sim.set_roles(login_id, &roles, &permissions))
    }

    fn set_tenant(
        &self,
        login_id: &str,
        tenant_id: &str,
        roles: Vec<String>,
        permissions: Vec<String>,
    ) -> PyResult<()> {
        let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
        let permissions: Vec<&str> = permissions.iter().map(String::as_str).collect();
        self.with(|sim| sim.set_tenant(login_id, tenant_id, &roles, &permissions))
    }

    /// The user object Descope would answer for `login_id`.
    fn user(&self, py: Python<'_>, login_id: &str) -> PyResult<Option<Py<PyAny>>> {
        self.with(|sim| sim.user(login_id))?.map(|v| json::to_py(py, &v)).transpose()
    }

    /// Pending references of nOTP logins still waiting for the person, oldest first.
    fn waiting_logins(&self) -> PyResult<Vec<String>> {
        self.with(DescopeSim::waiting_logins)
    }

    /// The person sends the message; False when the reference is unknown or not waiting.
    fn approve(&self, pending_ref: &str) -> PyResult<bool> {
        self.with(|sim| sim.approve(pending_ref))
    }

    /// The person with WhatsApp number `phone` sends the message.
    fn approve_as(&self, pending_ref: &str, phone: &str) -> PyResult<bool> {
        self.with(|sim| sim.approve_as(pending_ref, phone))
    }

    fn deny(&self, pending_ref: &str) -> PyResult<bool> {
        self.with(|sim| sim.deny(pending_ref))
    }

    fn expire(&self, pending_ref: &str) -> PyResult<bool> {
        self.with(|sim| sim.expire(pending_ref))
    }

    fn set_pending_ttl(&self, ttl: f64) -> PyResult<()> {
        let ttl = seconds(ttl)?;
        self.with(|sim| sim.set_pending_ttl(ttl))
    }

    fn set_session_ttl(&self, ttl: f64) -> PyResult<()> {
        let ttl = seconds(ttl)?;
        self.with(|sim| sim.set_session_ttl(ttl))
    }

    fn set_refresh_in_cookie(&self, on: bool) -> PyResult<()> {
        self.with(|sim| sim.set_refresh_in_cookie(on))
    }

    fn require_management_key(&self, key: &str) -> PyResult<()> {
        self.with(|sim| sim.require_management_key(key))
    }

    fn add_notp_provider(&self, provider: &str) -> PyResult<()> {
        self.with(|sim| sim.add_notp_provider(provider))
    }

    /// The next `times` requests on `route` answer 429 (with `Retry-After` when given).
    #[pyo3(signature = (route, times, retry_after = None))]
    fn rate_limit(&self, route: &str, times: u32, retry_after: Option<u64>) -> PyResult<()> {
        self.with(|sim| sim.rate_limit(route, times, retry_after))
    }

    /// The next `times` requests on `route` answer `status` with Descope's `error_code`.
    #[pyo3(signature = (route, status, error_code = None, retry_after = None, times = 1))]
    fn fail_next(
        &self,
        route: &str,
        status: u16,
        error_code: Option<&str>,
        retry_after: Option<u64>,
        times: u32,
    ) -> PyResult<()> {
        self.with(|sim| sim.fail_next(route, status, error_code, retry_after, times))
    }

    /// Signs `claims` (a dict) as the stand-in signs its tokens, for crafted tokens in tests.
    fn sign_jwt(&self, claims: &Bound<'_, PyAny>) -> PyResult<String> {
        let claims = json::from_py(claims)?;
        self.with(|sim| sim.sign_jwt(&claims))
    }

    fn signing_kid(&self) -> PyResult<String> {
        self.with(DescopeSim::signing_kid)
    }

    fn rotate_signing_key(&self) -> PyResult<()> {
        self.with(DescopeSim::rotate_signing_key)
    }

    fn last_request_body(&self, py: Python<'_>, route: &str) -> PyResult<Option<Py<PyAny>>> {
        self.with(|sim| sim.last_request_body(route))?.map(|v| json::to_py(py, &v)).transpose()
    }

    fn last_sdk_headers(&self) -> PyResult<Option<(String, String)>> {
        self.with(DescopeSim::last_sdk_headers)
    }

    fn last_authorization(&self) -> PyResult<Option<String>> {
        self.with(DescopeSim::last_authorization)
    }
}
