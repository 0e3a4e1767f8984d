//! The one tokio runtime that blocking entry points (C, synchronous Python) run on.
//!
//! It is built lazily and stamped with the process id. A forked child inherits the parent's
//! memory but none of its threads, so a runtime built before `fork()` would hang forever; the
//! child therefore builds a fresh one on first use and leaks the inherited one (dropping it
//! would try to join threads that do not exist in the child).
//!
//! [`shutdown`] stops it, for hosts that must not keep library threads between calls (a PAM
//! module returning to `sshd` or `login`); the next blocking call builds a new one.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::runtime::{Builder, Runtime};

use crate::{Error, Result};

struct Stamped {
    pid: u32,
    runtime: Arc<Runtime>,
}

static SHARED: Mutex<Option<Stamped>> = Mutex::new(None);

/// The shared multi-thread runtime, rebuilt after `fork()`.
pub fn shared() -> Result<Arc<Runtime>> {
    let pid = std::process::id();
    let mut slot = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(stamped) = slot.as_ref() {
        if stamped.pid == pid {
            return Ok(stamped.runtime.clone());
        }
    }
    let runtime = Arc::new(
        Builder::new_multi_thread()
            .worker_threads(worker_threads())
            .thread_name("authbridge")
            .enable_all()
            .build()
            .map_err(|e| Error::Config(format!("could not start the authbridge runtime: {e}")))?,
    );
    if let Some(inherited) = slot.replace(Stamped { pid, runtime: runtime.clone() }) {
        // Its threads live only in the parent process.
        std::mem::forget(inherited);
    }
    Ok(runtime)
}

/// Stops the shared runtime and waits until its threads have ended; the next blocking call
/// starts a new one.
///
/// Everything running on the runtime ends with it: embedded portal servers, sandboxes, the
/// pooled connections of clients (a client used afterwards opens new ones). A call still
/// blocked in another thread keeps the runtime alive until it returns, and its thread then
/// stops it. After `fork()` the inherited runtime is forgotten, as in [`shared`]. Refused from
/// inside an async runtime, where waiting for threads would deadlock.
pub fn shutdown() -> Result<()> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::Config("the authbridge runtime cannot be shut down from inside an async runtime".into()));
    }
    let taken = SHARED.lock().unwrap_or_else(PoisonError::into_inner).take();
    match taken {
        // Dropping the last reference joins every worker and blocking thread.
        Some(stamped) if stamped.pid == std::process::id() => drop(stamped.runtime),
        Some(inherited) => std::mem::forget(inherited),
        None => {}
    }
    Ok(())
}

fn worker_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8))
}

/// Runs `future` to completion on the shared runtime, blocking the calling thread.
///
/// Refuses to run from inside a tokio runtime: blocking a runtime worker on itself deadlocks,
/// and a clear error is better than a hang.
pub fn block_on<F>(future: F) -> Result<F::Output>
where
    F: Future,
{
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::Config(
            "a blocking authbridge call was made from inside an async runtime; use the async API".into(),
        ));
    }
    Ok(shared()?.block_on(future))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_futures_and_reuses_the_runtime() {
        assert_eq!(block_on(async { 40 + 2 }).unwrap(), 42);
        let a = shared().unwrap();
        let b = shared().unwrap();
        assert!(Arc::ptr_eq(&a, &b));
    }

    #[test]
    fn shutdown_stops_the_runtime_and_the_next_call_starts_another() {
        let first = shared().unwrap();
        shutdown().unwrap();
        shutdown().unwrap();
        let second = shared().unwrap();
        assert!(!Arc::ptr_eq(&first, &second), "a call after shutdown starts a new runtime");
        // The last reference to the stopped runtime joins its threads here.
        drop(first);
        assert_eq!(block_on(async { 7 }).unwrap(), 7);
    }

    #[test]
    fn refuses_to_shut_down_inside_a_runtime() {
        let rt = Builder::new_current_thread().build().unwrap();
        let err = rt.block_on(async { shutdown() }).unwrap_err();
        assert_eq!(err.code(), "config");
    }

    #[test]
    fn refuses_to_block_inside_a_runtime() {
        let rt = shared().unwrap();
        let err = rt.block_on(async { block_on(async {}) }).unwrap_err();
        assert_eq!(err.code(), "config");
    }
}
