//! The host's hooks object (usually an `authbridge.PortalHooks` subclass) as core's
//! `BlockingPortalHooks`.
//!
//! Core runs them through its `BlockingHooks` adapter, i.e. on the runtime's blocking pool,
//! never on an event loop, and within the portal's `hook_timeout`; each call takes the GIL
//! only while the Python method runs. Events cross as core's JSON form and become the
//! dataclasses of `authbridge/_portal.py`.

use authbridge::nopass::{
    AuthorizationResult, BlockingPortalHooks, HookError, HookResult, PictureUpdate, PreRegistration, Registration,
    ServiceDisabling, SessionClosing, UserDeletion, UserRegistration, UserRegistrationCheck, UserUpdate, UsersAddition,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use serde::Serialize;

static DISPATCH: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The host's hooks object, called through `authbridge._portal._dispatch`.
pub struct PyHooks {
    hooks: Py<PyAny>,
}

impl PyHooks {
    /// Refuses `async def` hooks now (see `_check_hooks`) rather than on every callback.
    pub fn new(hooks: Py<PyAny>) -> PyResult<Self> {
        Python::attach(|py| -> PyResult<()> {
            py.import("authbridge._portal")?.getattr("_check_hooks")?.call1((hooks.bind(py),))?;
            Ok(())
        })?;
        Ok(Self { hooks })
    }

    fn call<E: Serialize>(&self, hook: &str, event: &E) -> HookResult<bool> {
        let payload = serde_json::to_string(event).map_err(|e| HookError::new(e.to_string()))?;
        Python::attach(|py| {
            let dispatch = DISPATCH
                .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
                    Ok(py.import("authbridge._portal")?.getattr("_dispatch")?.unbind())
                })
                .map_err(|e| HookError::new(e.to_string()))?;
            let outcome = dispatch.bind(py).call1((self.hooks.bind(py), hook, payload));
            match outcome.and_then(|value| value.is_truthy()) {
                Ok(decision) => Ok(decision),
                Err(error) => {
                    let message = format!("{hook}: {error}");
                    tracing::warn!(target: "authbridge::nopass", hook, "portal hook raised: {error}");
                    Err(HookError::new(message))
                }
            }
        })
    }
}

impl BlockingPortalHooks for PyHooks {
    fn confirm_pre_registration(&self, event: PreRegistration) -> HookResult<()> {
        self.call("confirm_pre_registration", &event).map(drop)
    }
    fn confirm_registration(&self, event: Registration) -> HookResult<()> {
        self.call("confirm_registration", &event).map(drop)
    }
    fn update_picture(&self, event: PictureUpdate) -> HookResult<()> {
        self.call("update_picture", &event).map(drop)
    }
    fn validate_user_registration(&self, event: UserRegistrationCheck) -> HookResult<bool> {
        self.call("validate_user_registration", &event)
    }
    fn confirm_user_registration(&self, event: UserRegistration) -> HookResult<()> {
        self.call("confirm_user_registration", &event).map(drop)
    }
    fn authorized_user(&self, event: AuthorizationResult) -> HookResult<()> {
        self.call("authorized_user", &event).map(drop)
    }
    fn update_user(&self, event: UserUpdate) -> HookResult<bool> {
        self.call("update_user", &event)
    }
    fn delete_user(&self, event: UserDeletion) -> HookResult<bool> {
        self.call("delete_user", &event)
    }
    fn add_users(&self, event: UsersAddition) -> HookResult<bool> {
        self.call("add_users", &event)
    }
    fn close_session(&self, event: SessionClosing) -> HookResult<()> {
        self.call("close_session", &event).map(drop)
    }
    fn disable_service(&self, event: ServiceDisabling) -> HookResult<()> {
        self.call("disable_service", &event).map(drop)
    }
}
