//! `async def` hooks, awaited on the event loop that handles the callback.
//!
//! A callback reaches an async hook only through `AsyncPortal.handle` (what
//! `authbridge.asgi.PortalApp` calls): that call runs the portal with the awaiting loop in a
//! task-local, and the hook's coroutine is scheduled on that loop with
//! `asyncio.run_coroutine_threadsafe`. So the hook runs where the application's own
//! loop-bound resources live (database pools, HTTP sessions), not on a private loop. The
//! portal's `hook_timeout` still applies: at the deadline core drops the hook's future, which
//! cancels the coroutine's task on the loop.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use authbridge::nopass::{HookError, HookResult};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tokio::sync::oneshot;

use super::hooks::{failed, PyHooks};
use crate::aio::EventLoop;

tokio::task_local! {
    /// The loop of the `AsyncPortal.handle` call whose callback is being handled.
    static CALLER_LOOP: EventLoop;
}

/// Handles one callback with its async hooks awaited on `event_loop`.
pub async fn on_loop<F: Future>(event_loop: EventLoop, handling: F) -> F::Output {
    CALLER_LOOP.scope(event_loop, handling).await
}

/// The loop the callback being handled came from; None outside `AsyncPortal.handle`.
pub fn caller_loop() -> Option<EventLoop> {
    CALLER_LOOP.try_with(Clone::clone).ok()
}

static SCHEDULE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Awaits `hooks.<hook>(event)` on `event_loop` and returns its decision.
pub async fn awaited(
    hooks: Arc<PyHooks>,
    hook: &'static str,
    payload: String,
    event_loop: Option<EventLoop>,
) -> HookResult<bool> {
    let Some(event_loop) = event_loop else {
        // Unreachable through the adapters (the blocking ones refuse such a portal up front);
        // a host calling core's receiver some other way gets the callback refused, and why.
        let error = format!("{hook} is async def, and this callback was not handled on an event loop");
        tracing::warn!(target: "authbridge::nopass", hook, "{error}");
        return Err(HookError::new(error));
    };
    // At exit no runtime thread may take the GIL (see `crate::shutting_down`).
    if crate::shutting_down() {
        return Err(HookError::new(format!("{hook}: the interpreter is shutting down")));
    }
    let (sender, receiver) = oneshot::channel();
    let scheduled = Python::attach(|py| -> PyResult<Py<PyAny>> {
        let schedule = SCHEDULE.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            Ok(py.import("authbridge._portal")?.getattr("_schedule")?.unbind())
        })?;
        let future = schedule.bind(py).call1((hooks.object().bind(py), hook, payload, event_loop.0.bind(py)))?;
        let resolve = Resolve { hook, sender: Mutex::new(Some(sender)) };
        future.call_method1(pyo3::intern!(py, "add_done_callback"), (resolve,))?;
        Ok(future.unbind())
    })
    .map_err(|error| failed(hook, &error))?;
    let mut cancel_if_late = CancelOnDrop(Some(scheduled));
    let outcome =
        receiver.await.unwrap_or_else(|_| Err(HookError::new(format!("{hook}: the hook's task was dropped"))));
    // Finished: nothing to cancel, and no need to take the GIL for it.
    cancel_if_late.0 = None;
    outcome
}

/// Done-callback of the hook's `concurrent.futures.Future`: hands its outcome to the portal.
#[pyclass(frozen)]
struct Resolve {
    hook: &'static str,
    sender: Mutex<Option<oneshot::Sender<HookResult<bool>>>>,
}

#[pymethods]
impl Resolve {
    fn __call__(&self, future: &Bound<'_, PyAny>) {
        let Some(sender) = self.sender.lock().unwrap_or_else(PoisonError::into_inner).take() else { return };
        // Past the deadline nobody waits (the portal answered already and said so in the
        // log): the cancellation that follows is no hook failure.
        if sender.is_closed() {
            return;
        }
        let outcome = future
            .call_method0(pyo3::intern!(future.py(), "result"))
            .and_then(|value| value.is_truthy())
            .map_err(|error| failed(self.hook, &error));
        let _ = sender.send(outcome);
    }
}

/// Cancels the hook's task when the portal stops waiting for it (the hook deadline passed, or
/// the callback's handling was dropped); cancelling a finished one does nothing.
struct CancelOnDrop(Option<Py<PyAny>>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let Some(future) = self.0.take() else { return };
        if crate::shutting_down() {
            return;
        }
        Python::attach(|py| {
            let _ = future.bind(py).call_method0(pyo3::intern!(py, "cancel"));
        });
    }
}
