//! `Sandbox.nevis`: the nevisIDM stand-in's control API.

use pyo3::prelude::*;

use super::Sandbox;

/// Adds clients, users and credentials to the nevisIDM stand-in.
#[pyclass(module = "authbridge", frozen)]
pub struct NevisSandbox {
    sandbox: Py<Sandbox>,
}

impl NevisSandbox {
    pub(super) fn new(sandbox: Py<Sandbox>) -> Self {
        Self { sandbox }
    }

    fn with<T>(&self, f: impl FnOnce(&authbridge::sandbox::NevisSim) -> T) -> PyResult<T> {
        self.sandbox.get().with(|core| f(core.nevis()))
    }
}

#[pymethods]
impl NevisSandbox {
    /// Adds a client; `name` is what 404 messages call it (`'Default'` in the seed).
    #[pyo3(signature = (client_ext_id, name = "Default"))]
    fn add_client(&self, client_ext_id: &str, name: &str) -> PyResult<()> {
        self.with(|sim| sim.add_client(client_ext_id, name))
    }

    /// Adds a user with no credentials to an existing client.
    fn add_user(&self, client_ext_id: &str, user_ext_id: &str) -> PyResult<()> {
        self.with(|sim| sim.add_user(client_ext_id, user_ext_id))
    }

    fn set_password(&self, client_ext_id: &str, user_ext_id: &str, password: &str) -> PyResult<()> {
        self.with(|sim| sim.set_password(client_ext_id, user_ext_id, password))
    }

    fn add_device_password(
        &self,
        client_ext_id: &str,
        user_ext_id: &str,
        credential_ext_id: &str,
        password: &str,
    ) -> PyResult<()> {
        self.with(|sim| sim.add_device_password(client_ext_id, user_ext_id, credential_ext_id, password))
    }

    fn add_context_password(
        &self,
        client_ext_id: &str,
        user_ext_id: &str,
        context: &str,
        password: &str,
    ) -> PyResult<()> {
        self.with(|sim| sim.add_context_password(client_ext_id, user_ext_id, context, password))
    }

    /// Issues single-use recovery codes.
    fn add_recovery_codes(&self, client_ext_id: &str, user_ext_id: &str, codes: Vec<String>) -> PyResult<()> {
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        self.with(|sim| sim.add_recovery_codes(client_ext_id, user_ext_id, &codes))
    }

    /// Requires every request to carry header `name` with exactly `value` (else 401).
    fn require_header(&self, name: &str, value: &str) -> PyResult<()> {
        self.with(|sim| sim.require_header(name, value))
    }

    /// The raw (still percent-encoded) path of the last request.
    fn last_raw_path(&self) -> PyResult<Option<String>> {
        self.with(|sim| sim.last_raw_path())
    }
}
