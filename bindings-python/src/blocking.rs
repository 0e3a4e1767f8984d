//! Synchronous calls: run a core future on the shared runtime without holding the GIL.
//!
//! Every blocking method goes through [`wait`]. The GIL is released while the future runs
//! (DESIGN "The surfaces": no other Python thread stops, and a hook that needs the GIL cannot
//! deadlock against us). Long waits briefly retake the GIL every [`SIGNAL_CHECK`] to let
//! Python run its signal handlers, so Ctrl-C interrupts a wait for a person; the exception
//! then drops the future, which cancels the call.
//!
//! The future is built inside the GIL-free section from a `Send` factory, so the future itself
//! need not be `Send`.

use std::future::Future;
use std::time::Duration;

use pyo3::prelude::*;

use crate::errors::to_py;

/// How often a blocked call looks for a pending signal (`KeyboardInterrupt`).
const SIGNAL_CHECK: Duration = Duration::from_millis(200);

/// Runs the future `make` builds to completion with the GIL released, raising core errors as
/// the matching exceptions.
pub fn wait<M, F, T>(py: Python<'_>, make: M) -> PyResult<T>
where
    M: FnOnce() -> F + Send,
    F: Future<Output = authbridge::Result<T>>,
    T: Send,
{
    crate::logging::refresh(py);
    let outcome: Result<authbridge::Result<T>, PyErr> = py.detach(move || {
        let run = async move {
            let future = make();
            let mut future = std::pin::pin!(future);
            loop {
                match tokio::time::timeout(SIGNAL_CHECK, future.as_mut()).await {
                    Ok(outcome) => return Ok(outcome),
                    Err(_elapsed) => Python::attach(|py| py.check_signals())?,
                }
            }
        };
        match authbridge::runtime::block_on(run) {
            Ok(outcome) => outcome,
            Err(error) => Ok(Err(error)),
        }
    });
    outcome?.map_err(to_py)
}
