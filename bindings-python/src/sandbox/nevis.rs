//! `Sandbox.nevis`: the nevisIDM stand-in's control API.

use std::time::Duration;

use authbridge::sandbox::{CredentialRef, CredentialState, LockPolicy};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use super::Sandbox;

/// Adds clients, users and credentials to the nevisIDM stand-in.
#[pyclass(module = "authbridge", frozen)]
pub struct NevisSandbox {
    sandbox: Py<Sandbox>,
}

/// `"password"`, `("device_password", credential_ext_id)` or `("context_password", context)`.
#[derive(FromPyObject)]
enum Credential {
    Kind(String),
    Named(String, String),
}

impl Credential {
    fn core(self) -> PyResult<CredentialRef> {
        match self {
            Credential::Kind(kind) if kind == "password" => Ok(CredentialRef::Password),
            Credential::Named(kind, id) if kind == "device_password" => Ok(CredentialRef::DevicePassword(id)),
            Credential::Named(kind, context) if kind == "context_password" => {
                Ok(CredentialRef::ContextPassword(context))
            }
            _ => Err(PyValueError::new_err(
                "credential must be 'password', ('device_password', ext_id) or ('context_password', context)",
            )),
        }
    }
}

fn state_from(name: &str) -> PyResult<CredentialState> {
    match name {
        "active" => Ok(CredentialState::Active),
        "disabled" => Ok(CredentialState::Disabled),
        "locked" => Ok(CredentialState::Locked),
        _ => Err(PyValueError::new_err("state must be 'active', 'disabled' or 'locked'")),
    }
}

fn state_name(state: CredentialState) -> &'static str {
    match state {
        CredentialState::Active => "active",
        CredentialState::Disabled => "disabled",
        CredentialState::Locked => "locked",
    }
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

    /// Sets a credential's state (`"active"` also resets its failure count).
    fn set_state(&self, client_ext_id: &str, user_ext_id: &str, credential: Credential, state: &str) -> PyResult<()> {
        let credential = credential.core()?;
        let state = state_from(state)?;
        self.with(|sim| sim.set_state(client_ext_id, user_ext_id, &credential, state))
    }

    /// `"active"`, `"disabled"` or `"locked"`; None when the credential does not exist.
    fn credential_state(
        &self,
        client_ext_id: &str,
        user_ext_id: &str,
        credential: Credential,
    ) -> PyResult<Option<&'static str>> {
        let credential = credential.core()?;
        Ok(self.with(|sim| sim.credential_state(client_ext_id, user_ext_id, &credential))?.map(state_name))
    }

    /// Wrong passwords in a row that lock a credential; with `temporary_lock` (seconds) the
    /// lock lifts after that time (statusCode 9) instead of being permanent (4).
    #[pyo3(signature = (max_failures, temporary_lock = None))]
    fn set_lock_policy(&self, max_failures: u32, temporary_lock: Option<f64>) -> PyResult<()> {
        let temporary_lock = temporary_lock
            .map(|s| Duration::try_from_secs_f64(s).map_err(|_| PyValueError::new_err("temporary_lock must be >= 0")))
            .transpose()?;
        self.with(|sim| sim.set_lock_policy(LockPolicy { max_failures, temporary_lock }))
    }
}
