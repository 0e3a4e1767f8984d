//! The host's hooks object (usually an `authbridge.PortalHooks` subclass) as core's
//! `PortalHooks`.
//!
//! Plain hooks go through core's `BlockingHooks` adapter, i.e. run on the runtime's blocking
//! pool, never on an event loop; each call takes the GIL only while the Python method runs.
//! Hooks written as `async def` are awaited on the event loop that handles the callback
//! ([`super::async_hooks`]). Either way core enforces the portal's `hook_timeout`. Events
//! cross as core's JSON form and become the dataclasses of `authbridge/_portal.py`.

use std::collections::HashSet;
use std::convert::identity;
use std::sync::Arc;

use authbridge::nopass::{
    AuthorizationResult, BlockingHooks, BlockingPortalHooks, HookError, HookFuture, HookResult, PictureUpdate,
    PortalHooks, PreRegistration, Registration, ServiceDisabling, SessionClosing, UserDeletion, UserRegistration,
    UserRegistrationCheck, UserUpdate, UsersAddition,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use serde::Serialize;

use super::async_hooks;

static DISPATCH: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A hook raised: the error that refuses the callback (its message goes to the log only).
pub(super) fn failed(hook: &str, error: &PyErr) -> HookError {
    tracing::warn!(target: "authbridge::nopass", hook, "portal hook raised: {error}");
    HookError::new(format!("{hook}: {error}"))
}

/// The host's hooks object, called through `authbridge._portal`.
pub struct PyHooks {
    hooks: Py<PyAny>,
    /// The hooks written as `async def`.
    asynchronous: HashSet<String>,
}

impl PyHooks {
    pub(super) fn object(&self) -> &Py<PyAny> {
        &self.hooks
    }

    fn is_async(&self, hook: &str) -> bool {
        self.asynchronous.contains(hook)
    }

    /// Runs a plain hook (on a blocking-pool thread).
    fn call<E: Serialize>(&self, hook: &str, event: &E) -> HookResult<bool> {
        let payload = serde_json::to_string(event).map_err(|e| HookError::new(e.to_string()))?;
        Python::attach(|py| {
            let dispatch = DISPATCH
                .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
                    Ok(py.import("authbridge._portal")?.getattr("_dispatch")?.unbind())
                })
                .map_err(|e| HookError::new(e.to_string()))?;
            let outcome = dispatch.bind(py).call1((self.hooks.bind(py), hook, payload));
            outcome.and_then(|value| value.is_truthy()).map_err(|error| failed(hook, &error))
        })
    }
}

/// Every hook of the host's object: plain ones on the blocking pool, `async def` ones on the
/// callback's event loop.
pub struct Hooks {
    python: Arc<PyHooks>,
    blocking: BlockingHooks<PyHooks>,
}

impl Hooks {
    /// The hooks, and the names of those written as `async def` (sorted).
    pub fn new(hooks: Py<PyAny>) -> PyResult<(Self, Vec<String>)> {
        let mut names: Vec<String> = Python::attach(|py| {
            py.import("authbridge._portal")?.getattr("_async_hooks")?.call1((hooks.bind(py),))?.extract()
        })?;
        names.sort();
        let python = Arc::new(PyHooks { hooks, asynchronous: names.iter().cloned().collect() });
        let blocking = BlockingHooks::from_arc(python.clone());
        Ok((Self { python, blocking }, names))
    }

    /// An `async def` hook's future. The callback's loop is read now, while core calls the
    /// hook from the task handling the callback.
    fn awaited<E: Serialize, T: Send + 'static>(
        &self,
        hook: &'static str,
        event: &E,
        decision: fn(bool) -> T,
    ) -> HookFuture<T> {
        let payload = serde_json::to_string(event);
        let event_loop = async_hooks::caller_loop();
        let python = self.python.clone();
        Box::pin(async move {
            let payload = payload.map_err(|e| HookError::new(e.to_string()))?;
            async_hooks::awaited(python, hook, payload, event_loop).await.map(decision)
        })
    }
}

/// `PortalHooks` for [`Hooks`]: each hook goes where its kind runs. `decision` turns the
/// Python answer into what core expects (notifications return nothing).
macro_rules! route_hooks {
    ($($hook:ident($event:ty) -> $out:ty = $decision:expr;)*) => {
        impl PortalHooks for Hooks {
            $(
                fn $hook(&self, event: $event) -> HookFuture<$out> {
                    if self.python.is_async(stringify!($hook)) {
                        self.awaited(stringify!($hook), &event, $decision)
                    } else {
                        PortalHooks::$hook(&self.blocking, event)
                    }
                }
            )*
        }

        impl BlockingPortalHooks for PyHooks {
            $(
                fn $hook(&self, event: $event) -> HookResult<$out> {
                    self.call(stringify!($hook), &event).map($decision)
                }
            )*
        }
    };
}

route_hooks! {
    confirm_pre_registration(PreRegistration) -> () = drop;
    confirm_registration(Registration) -> () = drop;
    update_picture(PictureUpdate) -> () = drop;
    validate_user_registration(UserRegistrationCheck) -> bool = identity;
    confirm_user_registration(UserRegistration) -> () = drop;
    authorized_user(AuthorizationResult) -> () = drop;
    update_user(UserUpdate) -> bool = identity;
    delete_user(UserDeletion) -> bool = identity;
    add_users(UsersAddition) -> bool = identity;
    close_session(SessionClosing) -> () = drop;
    disable_service(ServiceDisabling) -> () = drop;
}
