//! `close()` and the context managers of every class that holds a core object: the vendor
//! clients and their asyncio twins, the portal, the sandbox, the embedded receiver.
//!
//! The core object lives in a [`Closable`], which a blocking class shares with its asyncio
//! twin (they are one client: closing either closes both). Closing drops that hold: a call in
//! flight keeps its own reference and finishes, and the connection pool goes with the last
//! one; a call made afterwards raises `ConfigError` (code `config`) naming what was closed.
//! Objects that run servers are stopped as well, once no call uses them any more.
//! [`closable_methods!`] writes the Python side once for every class.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

use pyo3::prelude::*;

use crate::errors::to_py;
use crate::{aio, blocking};

/// How an object that runs servers is stopped.
pub type Stop<T> = fn(T) -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// A core object until `close()`.
pub struct Closable<T> {
    slot: Arc<Mutex<Option<Arc<T>>>>,
    /// What a call on the closed object is told was closed ("the nevisIDM client").
    what: &'static str,
    stop: Option<Stop<T>>,
}

impl<T: Send + Sync + 'static> Closable<T> {
    pub fn new(what: &'static str, value: impl Into<Arc<T>>) -> Self {
        Self { slot: Arc::new(Mutex::new(Some(value.into()))), what, stop: None }
    }

    /// An object that `stop` stops when it is closed.
    pub fn stopping(what: &'static str, value: T, stop: Stop<T>) -> Self {
        Self { stop: Some(stop), ..Self::new(what, value) }
    }

    /// The same object for the asyncio twin: closing either closes both.
    pub fn twin(&self) -> Self {
        Self { slot: self.slot.clone(), what: self.what, stop: self.stop }
    }

    /// The object, for one call; `ConfigError` once closed.
    pub fn get(&self) -> PyResult<Arc<T>> {
        self.lock().clone().ok_or_else(|| to_py(authbridge::Error::Config(format!("{} is closed", self.what))))
    }

    pub fn is_closed(&self) -> bool {
        self.lock().is_none()
    }

    /// Closes now, waiting (GIL released) for servers to stop. Closing twice does nothing.
    pub fn close(&self, py: Python<'_>) -> PyResult<()> {
        let closing = self.closing();
        blocking::wait(py, move || closing)
    }

    /// Closes now; the coroutine waits for servers to stop.
    pub fn aclose(&self) -> aio::Call {
        let closing = self.closing();
        aio::call("close", move || closing, aio::none)
    }

    /// Takes the object out; the future stops it if it runs servers and no call still uses it
    /// (else it stops when that call drops it).
    fn closing(&self) -> impl Future<Output = authbridge::Result<()>> + Send + 'static {
        let taken = self.lock().take();
        let stop = self.stop;
        async move {
            if let (Some(stop), Some(value)) = (stop, taken.and_then(|value| Arc::try_unwrap(value).ok())) {
                stop(value).await;
            }
            Ok(())
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Arc<T>>> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A coroutine resolving to `value` (what `__aenter__` returns).
pub fn ready(value: Py<PyAny>) -> aio::Call {
    aio::call("enter", || async { Ok(()) }, move |_py, ()| Ok(value))
}

/// Writes the `#[pymethods]` block of a class that holds a [`Closable`] as `inner`: the
/// given items plus `closed`, `close()` and `with` support (`sync`), or `closed`, `close()`,
/// `aclose()` and `async with` support (`async`).
macro_rules! closable_methods {
    (sync $class:ident { $($items:tt)* }) => {
        $crate::closing::closable_methods! { @with_close $class
            "Releases the connections (and stops the servers) this object holds" {
            $($items)*

            fn __enter__(slf: pyo3::Py<Self>) -> pyo3::Py<Self> {
                slf
            }

            #[pyo3(signature = (*_exc))]
            fn __exit__(
                &self,
                py: pyo3::Python<'_>,
                _exc: &pyo3::Bound<'_, pyo3::types::PyTuple>,
            ) -> pyo3::PyResult<bool> {
                self.inner.close(py)?;
                Ok(false)
            }
        } }
    };
    (async $class:ident { $($items:tt)* }) => {
        $crate::closing::closable_methods! { @with_close $class "Releases the connections this object holds" {
            $($items)*

            /// `close()` as a coroutine.
            fn aclose(&self) -> $crate::aio::Call {
                self.inner.aclose()
            }

            fn __aenter__(slf: pyo3::Py<Self>) -> $crate::aio::Call {
                $crate::closing::ready(slf.into_any())
            }

            #[pyo3(signature = (*_exc))]
            fn __aexit__(&self, _exc: &pyo3::Bound<'_, pyo3::types::PyTuple>) -> $crate::aio::Call {
                self.inner.aclose()
            }
        } }
    };
    // What both kinds have: the items given, `closed` and `close()`.
    (@with_close $class:ident $releases:literal { $($items:tt)* }) => {
        #[pyo3::pymethods]
        impl $class {
            $($items)*

            /// Whether `close()` was called (here or on the twin).
            #[getter]
            fn closed(&self) -> bool {
                self.inner.is_closed()
            }

            #[doc = concat!($releases, "; calls made afterwards raise `ConfigError`. Closing twice does nothing.")]
            fn close(&self, py: pyo3::Python<'_>) -> pyo3::PyResult<()> {
                self.inner.close(py)
            }
        }
    };
}

pub(crate) use closable_methods;
