//! asyncio variants: a core future becomes an `asyncio.Future` of the running loop.
//!
//! The future runs on core's shared tokio runtime (the same one the blocking calls use, rebuilt
//! after `fork()`). Finished calls are not handed to Python one by one: each loop has a queue,
//! and only the completion that finds the queue empty takes the GIL to schedule one drain with
//! `call_soon_threadsafe`; the drain then sets every queued result on the loop's own thread.
//! Under load (many calls in flight) that is one GIL hand-off per batch instead of one — plus
//! a blocking-pool hop — per call, which is what keeps asyncio throughput ahead of pure-Python
//! clients. Cancelling the asyncio future cancels the task's token, and the task drops the
//! core future (an HTTP call in flight is abandoned, a wait stops polling).

use std::cell::RefCell;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use authbridge::CancellationToken;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use crate::errors::to_py;

type Outcome = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

/// A finished call waiting for its loop to pick it up.
struct Done {
    future: Py<PyAny>,
    outcome: Outcome,
}

/// The completions of one event loop in one process.
struct LoopQueue {
    event_loop: Py<PyAny>,
    pid: u32,
    pending: Mutex<Vec<Done>>,
    /// A drain is scheduled on the loop and has not started yet.
    scheduled: AtomicBool,
}

thread_local! {
    /// The queue of the loop running on this thread (a thread runs one loop at a time).
    static CURRENT: RefCell<Option<Arc<LoopQueue>>> = const { RefCell::new(None) };
}

static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn running_loop(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let get = GET_RUNNING_LOOP.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("asyncio")?.getattr("get_running_loop")?.unbind())
    })?;
    get.bind(py).call0()
}

fn queue_for(event_loop: &Bound<'_, PyAny>) -> Arc<LoopQueue> {
    let pid = std::process::id();
    CURRENT.with(|current| {
        let mut current = current.borrow_mut();
        match current.as_ref() {
            Some(queue) if queue.pid == pid && queue.event_loop.is(event_loop) => queue.clone(),
            _ => {
                let queue = Arc::new(LoopQueue {
                    event_loop: event_loop.clone().unbind(),
                    pid,
                    pending: Mutex::new(Vec::new()),
                    scheduled: AtomicBool::new(false),
                });
                *current = Some(queue.clone());
                queue
            }
        }
    })
}

impl LoopQueue {
    fn push(self: &Arc<Self>, done: Done) {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner).push(done);
        if self.scheduled.swap(true, Ordering::AcqRel) {
            return;
        }
        if crate::shutting_down() {
            return;
        }
        let queue = self.clone();
        Python::attach(|py| {
            let drain = Drain { queue };
            // A closed loop cannot run anything any more; its callers are gone too.
            let _ = self.event_loop.bind(py).call_method1(pyo3::intern!(py, "call_soon_threadsafe"), (drain,));
        });
    }
}

/// Sets every queued result; runs on the loop's thread.
#[pyclass(frozen)]
struct Drain {
    queue: Arc<LoopQueue>,
}

#[pymethods]
impl Drain {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        self.queue.scheduled.store(false, Ordering::Release);
        let batch = std::mem::take(&mut *self.queue.pending.lock().unwrap_or_else(PoisonError::into_inner));
        for done in batch {
            let future = done.future.bind(py);
            // Cancelled by the caller: nobody waits for the result.
            if future.call_method0(pyo3::intern!(py, "done"))?.is_truthy()? {
                continue;
            }
            match (done.outcome)(py) {
                Ok(value) => future.call_method1(pyo3::intern!(py, "set_result"), (value,))?,
                Err(error) => future.call_method1(pyo3::intern!(py, "set_exception"), (error.into_value(py),))?,
            };
        }
        Ok(())
    }
}

/// Done-callback of the asyncio future: cancelling a call that already finished does
/// nothing, so there is no need to ask whether the future was cancelled.
#[pyclass(frozen)]
struct CancelOnDone {
    token: CancellationToken,
}

#[pymethods]
impl CancelOnDone {
    fn __call__(&self, _future: &Bound<'_, PyAny>) {
        self.token.cancel();
    }
}

type Start = Box<dyn for<'py> FnOnce(Python<'py>) -> PyResult<Bound<'py, PyAny>> + Send>;

enum State {
    /// Not awaited yet: nothing has been sent.
    Created(Start),
    /// Started: the `asyncio.Future` the call resolves.
    Started(Py<PyAny>),
    Finished,
}

/// The coroutine an asyncio method returns (registered as a `collections.abc.Coroutine`, so
/// `asyncio.run`, `create_task` and `gather` take it). Like an `async def` call, it does
/// nothing until it is awaited; then it starts the call on the shared runtime and waits for
/// the `asyncio.Future` the call resolves. Cancelling the task cancels the call.
#[pyclass(module = "authbridge", frozen, name = "Call")]
pub struct Call {
    state: Mutex<State>,
    name: &'static str,
}

impl Call {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[pymethods]
impl Call {
    fn __await__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.send(py, py.None().into_bound(py))
    }

    /// Starts the call on first use; then yields its future until it is done.
    #[pyo3(signature = (value, /))]
    fn send<'py>(&self, py: Python<'py>, value: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        // Tasks only ever send None into a coroutine waiting on a future.
        drop(value);
        let future = {
            let mut state = self.state();
            match std::mem::replace(&mut *state, State::Finished) {
                State::Created(start) => {
                    let future = start(py)?;
                    *state = State::Started(future.clone().unbind());
                    future
                }
                State::Started(future) => {
                    let bound = future.bind(py).clone();
                    *state = State::Started(future);
                    bound
                }
                State::Finished => {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err("cannot reuse already awaited coroutine"))
                }
            }
        };
        if future.call_method0(pyo3::intern!(py, "done"))?.is_truthy()? {
            *self.state() = State::Finished;
            let result = future.call_method0(pyo3::intern!(py, "result"))?;
            return Err(pyo3::exceptions::PyStopIteration::new_err((result.unbind(),)));
        }
        // What `asyncio.Future.__await__` does: tell the task to wait for this future.
        future.setattr(pyo3::intern!(py, "_asyncio_future_blocking"), true)?;
        Ok(future)
    }

    /// The task was cancelled (or another exception is thrown in): cancel the call, raise it.
    #[pyo3(signature = (kind, value = None, traceback = None, /))]
    fn throw(
        &self,
        py: Python<'_>,
        kind: Bound<'_, PyAny>,
        value: Option<Bound<'_, PyAny>>,
        traceback: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        // The traceback is already on the exception (Python >= 3.12 passes only that).
        drop(traceback);
        self.close(py)?;
        let error = match value {
            Some(value) if !value.is_none() => value,
            _ if kind.is_instance_of::<pyo3::exceptions::PyBaseException>() => kind,
            _ => kind.call0()?,
        };
        Err(PyErr::from_value(error))
    }

    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let previous = std::mem::replace(&mut *self.state(), State::Finished);
        if let State::Started(future) = previous {
            future.bind(py).call_method0(pyo3::intern!(py, "cancel"))?;
        }
        Ok(())
    }

    fn __repr__(&self) -> String {
        format!("<authbridge call {}>", self.name)
    }
}

/// A coroutine that, once awaited, runs the future `make` builds on the shared runtime and
/// returns `convert(output)` or raises the matching authbridge exception.
pub fn call<M, F, T, C>(name: &'static str, make: M, convert: C) -> Call
where
    M: FnOnce() -> F + Send + 'static,
    F: Future<Output = authbridge::Result<T>> + Send + 'static,
    T: Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
{
    let start: Start = Box::new(move |py| spawn(py, make, convert));
    Call { state: Mutex::new(State::Created(start)), name }
}

/// [`call`] for a future that needs the event loop awaiting it (the portal's `handle`, whose
/// `async def` hooks run on that loop): `make` is given the loop.
pub fn call_on_loop<M, F, T, C>(name: &'static str, make: M, convert: C) -> Call
where
    M: FnOnce(EventLoop) -> F + Send + 'static,
    F: Future<Output = authbridge::Result<T>> + Send + 'static,
    T: Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
{
    let start: Start = Box::new(move |py| {
        let event_loop = EventLoop(Arc::new(running_loop(py)?.unbind()));
        spawn(py, move || make(event_loop), convert)
    });
    Call { state: Mutex::new(State::Created(start)), name }
}

/// A running asyncio event loop, shareable without the GIL.
#[derive(Clone)]
pub struct EventLoop(pub Arc<Py<PyAny>>);

/// Starts the future `make` builds and returns an `asyncio.Future` of the running loop.
fn spawn<'py, M, F, T, C>(py: Python<'py>, make: M, convert: C) -> PyResult<Bound<'py, PyAny>>
where
    M: FnOnce() -> F + Send + 'static,
    F: Future<Output = authbridge::Result<T>> + Send + 'static,
    T: Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
{
    crate::logging::refresh(py);
    let event_loop = running_loop(py)?;
    let py_future = event_loop.call_method0(pyo3::intern!(py, "create_future"))?;
    let queue = queue_for(&event_loop);
    let token = CancellationToken::new();
    let cancelled = token.clone();
    let target = py_future.clone().unbind();
    let runtime = authbridge::runtime::shared().map_err(to_py)?;
    drop(runtime.spawn(async move {
        let output = tokio::select! {
            biased;
            _ = cancelled.cancelled() => return,
            output = make() => output,
        };
        let outcome: Outcome = Box::new(move |py| match output {
            Ok(value) => convert(py, value),
            Err(error) => Err(to_py(error)),
        });
        queue.push(Done { future: target, outcome });
    }));
    py_future.call_method1(pyo3::intern!(py, "add_done_callback"), (CancelOnDone { token },))?;
    Ok(py_future)
}

/// For calls that return nothing.
pub fn none(py: Python<'_>, (): ()) -> PyResult<Py<PyAny>> {
    Ok(py.None())
}
