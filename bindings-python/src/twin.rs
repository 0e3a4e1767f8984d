//! One operation, two surfaces: the blocking method and its asyncio twin are generated from a
//! single definition, so they cannot drift apart.
//!
//! An [`Op`] is a `Send` factory of the core future plus the conversion of its output to
//! Python. [`twin_clients!`] writes both `#[pymethods]` blocks: the blocking class runs the op
//! with [`crate::blocking::wait`] (GIL released), the asyncio class returns [`crate::aio::call`].

use std::future::Future;

use pyo3::prelude::*;

use crate::{aio, blocking};

pub struct Op<M, C> {
    name: &'static str,
    make: M,
    convert: C,
}

/// An operation named `name` (for the coroutine's repr): `make` builds the core future,
/// `convert` turns its output into a Python object (with the GIL held).
pub fn op<M, F, T, C>(name: &'static str, make: M, convert: C) -> Op<M, C>
where
    M: FnOnce() -> F + Send + 'static,
    F: Future<Output = authbridge::Result<T>> + Send + 'static,
    T: Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
{
    Op { name, make, convert }
}

impl<M, F, T, C> Op<M, C>
where
    M: FnOnce() -> F + Send + 'static,
    F: Future<Output = authbridge::Result<T>> + Send + 'static,
    T: Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
{
    pub fn blocking(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let value = blocking::wait(py, self.make)?;
        (self.convert)(py, value)
    }

    pub fn asyncio(self) -> aio::Call {
        aio::call(self.name, self.make, self.convert)
    }
}

/// `None` for operations that return nothing.
pub fn none(py: Python<'_>, (): ()) -> PyResult<Py<PyAny>> {
    Ok(py.None())
}

/// Any value with a plain Python conversion (str, int, bool, lists of them, …).
pub fn plain<T>(py: Python<'_>, value: T) -> PyResult<Py<PyAny>>
where
    T: for<'py> IntoPyObject<'py>,
{
    use pyo3::IntoPyObjectExt;
    value.into_py_any(py)
}

/// Writes the `#[pymethods]` of a blocking client class and of its asyncio twin, closable
/// ([`crate::closing`]). Both classes hold the core client as `inner: Closable<…>`; `common`
/// items (constructors) go into both. Each operation is `fn name(args) using client => op(...)`,
/// where `client` is the open core client (a closed one raises `ConfigError`).
macro_rules! twin_clients {
    (
        $sync:ident, $async:ident,
        common { $($common:tt)* }
        sync { $($sync_extra:tt)* }
        async { $($async_extra:tt)* }
        ops {
            $(
                $(#[$meta:meta])*
                fn $name:ident($($arg:ident : $ty:ty),* $(,)?) using $client:ident => $body:expr;
            )*
        }
    ) => {
        $crate::closing::closable_methods! { sync $sync {
            $($common)*
            $($sync_extra)*
            $(
                $(#[$meta])*
                #[allow(clippy::too_many_arguments)] // one per wire parameter of the vendor call
                fn $name(&self, py: Python<'_>, $($arg: $ty),*) -> PyResult<Py<PyAny>> {
                    let $client = self.inner.get()?;
                    $body.blocking(py)
                }
            )*
        }}

        $crate::closing::closable_methods! { async $async {
            $($common)*
            $($async_extra)*
            $(
                $(#[$meta])*
                #[allow(clippy::too_many_arguments)] // one per wire parameter of the vendor call
                fn $name(&self, $($arg: $ty),*) -> PyResult<crate::aio::Call> {
                    let $client = self.inner.get()?;
                    Ok($body.asyncio())
                }
            )*
        }}
    };
}

pub(crate) use twin_clients;
