//! The thread that polls the asyncio calls' futures.
//!
//! core's client futures are not `Send` (they hold a `&Request` across an await, and a
//! streamed request body is not `Sync`), so they cannot be handed to the runtime's workers
//! with `spawn`. Each call instead sends a `Send` factory to this one thread, which builds the
//! future there and polls it in a `LocalSet` inside the shared runtime: the connection tasks,
//! timers and I/O still run on the runtime's workers, only the (cheap) polling of the call's
//! own future stays here. The thread is stamped with the process id like the runtime itself,
//! so a forked child starts its own.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};

use authbridge::{Error, Result};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

/// Builds a call's future on the driver thread.
pub type Job = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()>>> + Send>;

struct Driver {
    pid: u32,
    jobs: UnboundedSender<Job>,
}

static DRIVER: Mutex<Option<Driver>> = Mutex::new(None);

/// Runs `job` on the driver thread, starting it (again, after `fork()`) when needed.
pub fn submit(job: Job) -> Result<()> {
    let pid = std::process::id();
    let mut slot = DRIVER.lock().unwrap_or_else(PoisonError::into_inner);
    let job = match slot.as_ref() {
        Some(driver) if driver.pid == pid => match driver.jobs.send(job) {
            Ok(()) => return Ok(()),
            // The thread is gone (it cannot normally end): start a new one below.
            Err(returned) => returned.0,
        },
        _ => job,
    };
    let runtime = authbridge::runtime::shared()?;
    let (jobs, mut incoming) = unbounded_channel::<Job>();
    std::thread::Builder::new()
        .name("authbridge-asyncio".into())
        .spawn(move || {
            let local = tokio::task::LocalSet::new();
            runtime.block_on(local.run_until(async move {
                while let Some(job) = incoming.recv().await {
                    tokio::task::spawn_local(job());
                }
            }));
        })
        .map_err(|e| Error::Config(format!("could not start the authbridge asyncio thread: {e}")))?;
    jobs.send(job).map_err(|_| Error::Config("the authbridge asyncio thread stopped".into()))?;
    if let Some(inherited) = slot.replace(Driver { pid, jobs }) {
        // Its thread lived only in the parent process.
        std::mem::forget(inherited);
    }
    Ok(())
}
