//! `Sandbox.otpone`: the OtpOne stand-in's control API.

use std::time::Duration;

use authbridge::sandbox::{OtpOneSim, OtpOneTransaction};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::Sandbox;

fn seconds(value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| PyValueError::new_err("seconds must be non-negative"))
}

/// Key pairs and transactions of the OtpOne stand-in: the test plays the person by
/// approving, denying or expiring transactions.
#[pyclass(module = "authbridge", frozen)]
pub struct OtpOneSandbox {
    sandbox: Py<Sandbox>,
}

impl OtpOneSandbox {
    pub(super) fn new(sandbox: Py<Sandbox>) -> Self {
        Self { sandbox }
    }

    fn with<T>(&self, f: impl FnOnce(&OtpOneSim) -> T) -> PyResult<T> {
        self.sandbox.get().with(|core| f(core.otpone()))
    }
}

fn transaction_dict(py: Python<'_>, t: OtpOneTransaction) -> PyResult<Py<PyAny>> {
    let dict = PyDict::new(py);
    dict.set_item("id", t.id)?;
    dict.set_item("user_mail", t.user_mail)?;
    dict.set_item("request_type", t.request_type)?;
    dict.set_item("message", t.message)?;
    dict.set_item("status", t.status.as_str())?;
    dict.set_item("server_only", t.server_only)?;
    dict.set_item("has_private_token", t.has_private_token)?;
    dict.set_item("requester", t.requester)?;
    Ok(dict.into_any().unbind())
}

#[pymethods]
impl OtpOneSandbox {
    /// Registers a key pair: the server key (`SRV-…`) and its client key (`JS-…`).
    fn register_keys(&self, server_key: &str, client_key: &str) -> PyResult<()> {
        self.with(|sim| sim.register_keys(server_key, client_key))
    }

    /// The person approves; returns the token the page would receive (None when the
    /// transaction is unknown or no longer pending).
    fn approve(&self, transaction_id: &str) -> PyResult<Option<String>> {
        self.with(|sim| sim.approve(transaction_id))
    }

    fn deny(&self, transaction_id: &str) -> PyResult<bool> {
        self.with(|sim| sim.deny(transaction_id))
    }

    fn expire(&self, transaction_id: &str) -> PyResult<bool> {
        self.with(|sim| sim.expire(transaction_id))
    }

    /// Makes results report `user` as `UserValided` (to test that a mismatch is refused).
    fn set_reported_user(&self, transaction_id: &str, user: &str) -> PyResult<bool> {
        self.with(|sim| sim.set_reported_user(transaction_id, user))
    }

    fn set_transaction_ttl(&self, ttl: f64) -> PyResult<()> {
        let ttl = seconds(ttl)?;
        self.with(|sim| sim.set_transaction_ttl(ttl))
    }

    fn set_server_only_timeout(&self, timeout: f64) -> PyResult<()> {
        let timeout = seconds(timeout)?;
        self.with(|sim| sim.set_server_only_timeout(timeout))
    }

    fn set_html_as_text(&self, as_text: bool) -> PyResult<()> {
        self.with(|sim| sim.set_html_as_text(as_text))
    }

    /// A transaction as a dict (`id`, `user_mail`, `request_type`, `status`, …).
    fn transaction(&self, py: Python<'_>, transaction_id: &str) -> PyResult<Option<Py<PyAny>>> {
        self.with(|sim| sim.transaction(transaction_id))?.map(|t| transaction_dict(py, t)).transpose()
    }

    /// The newest pending transaction of `user_mail`.
    fn pending_for(&self, user_mail: &str) -> PyResult<Option<String>> {
        self.with(|sim| sim.pending_for(user_mail))
    }

    /// The raw query string of the last request (it holds keys: wire-format tests only).
    fn last_query(&self) -> PyResult<Option<String>> {
        self.with(OtpOneSim::last_query)
    }
}
