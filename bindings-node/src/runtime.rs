//! One runtime: napi's Promises run on authbridge's shared tokio runtime.
//!
//! napi-rs normally starts a tokio runtime of its own for `async` work. The addon registers
//! core's fork-aware shared runtime ([`authbridge::runtime::shared`]) as napi's only async
//! backend instead (napi's `async-runtime` service interface, without its `tokio_rt`
//! feature), so there is exactly one runtime in the process: the connection pools, timers and
//! sandbox servers all live on it, and no second set of worker threads competes for the CPU.
//!
//! The runtime's threads are not part of the Node event loop, so they never keep a process
//! alive. What keeps it alive is exactly what should: a Promise still pending (napi holds a
//! threadsafe function per pending Promise until it settles).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;

use authbridge::CancellationToken;
use futures_util::FutureExt;
use napi::bindgen_prelude::{
    register_async_runtime, AsyncRuntime, AsyncRuntimeRejection, AsyncRuntimeTask, Object, PromiseRaw, ToNapiValue,
};
use napi::{Env, Status};

use crate::cancel::Cancel;
use crate::error::{reject, Outcome};

/// napi's async backend: core's shared runtime.
struct SharedRuntime;

// SAFETY: napi asks that no backend thread runs addon code after `shutdown` returns, because
// Node may unload an addon image once its last environment is gone. The shared runtime is
// process-wide and outlives any one environment, so the image is kept loaded instead: napi
// pins it (never unloaded) when this backend is registered, before any task can reach it.
unsafe impl AsyncRuntime for SharedRuntime {
    fn spawn(&self, task: AsyncRuntimeTask) -> Result<(), AsyncRuntimeRejection<AsyncRuntimeTask>> {
        match authbridge::runtime::shared() {
            Ok(runtime) => {
                // Detached: the task settles its own Promise, and napi rejects it if the task
                // is ever dropped unfinished.
                drop(runtime.spawn(task));
                Ok(())
            }
            Err(error) => {
                Err(AsyncRuntimeRejection::new(task, napi::Error::new(Status::GenericFailure, error.to_string())))
            }
        }
    }

    fn block_on(&self, future: Pin<&mut dyn Future<Output = ()>>) -> napi::Result<()> {
        authbridge::runtime::block_on(future).map_err(|e| napi::Error::new(Status::GenericFailure, e.to_string()))
    }

    fn shutdown(&self) -> napi::Result<()> {
        // The runtime belongs to the process, not to one Node environment (see above); work
        // still running settles its Promises through napi, which drops settlements aimed at
        // an environment that is gone.
        Ok(())
    }

    fn spawn_blocking(
        &self,
        work: Box<dyn FnOnce() + Send + 'static>,
    ) -> Result<(), AsyncRuntimeRejection<Box<dyn FnOnce() + Send + 'static>>> {
        match authbridge::runtime::shared() {
            Ok(runtime) => {
                drop(runtime.spawn_blocking(work));
                Ok(())
            }
            Err(error) => {
                Err(AsyncRuntimeRejection::new(work, napi::Error::new(Status::GenericFailure, error.to_string())))
            }
        }
    }
}

#[napi_derive::module_init]
fn init() {
    register_async_runtime(SharedRuntime);
}

/// Runs `work` on the shared runtime and returns a Promise of its result: the one way every
/// async method of the addon answers.
///
/// `signal` is the caller's `AbortSignal` ([`crate::cancel`]): when it fires first, `work` is
/// dropped (closing any request in flight) and the Promise rejects with code `cancelled`, at
/// once and without starting `work` if it has already fired. `settle` runs on the JavaScript
/// thread once `work` is done and turns the value into its JavaScript form; a core error
/// becomes an `AuthBridgeError` ([`crate::error`]), and a panic in `work` rejects with code
/// `panic` rather than leaving the Promise pending.
pub(crate) fn promise<'env, T, V, F, S>(
    env: &'env Env,
    signal: Option<&Object>,
    work: F,
    settle: S,
) -> napi::Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue,
    F: Future<Output = authbridge::Result<T>> + Send + 'static,
    S: FnOnce(&Env, T) -> napi::Result<V> + 'static,
{
    let cancel = Cancel::listen(env, signal)?;
    let work = cancellable(cancel.token.clone(), work);
    promise_then(env, work, settle, move |env| cancel.detach(env))
}

/// [`promise`] for a wait: `options` (`{ timeoutMs, intervalMs, signal }`) are read on the
/// JavaScript thread, and `work` gets core's wait options, whose token fires with the signal
/// (core ends the wait with `cancelled`; the work is also dropped, like any call's).
#[cfg(any(feature = "descope", feature = "otpone", feature = "nopass"))]
pub(crate) fn wait_promise<'env, T, V, F, S>(
    env: &'env Env,
    options: Option<&Object>,
    work: impl FnOnce(authbridge::WaitOptions) -> F,
    settle: S,
) -> napi::Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue,
    F: Future<Output = authbridge::Result<T>> + Send + 'static,
    S: FnOnce(&Env, T) -> napi::Result<V> + 'static,
{
    let wait = crate::wait::Wait::read(env, options)?;
    let work = cancellable(wait.cancel.token.clone(), work(wait.options));
    let cancel = wait.cancel;
    promise_then(env, work, settle, move |env| cancel.detach(env))
}

/// `work`, or `cancelled` as soon as `token` fires (at once, without starting `work`, if it
/// already has); dropping `work` closes any request it has in flight.
async fn cancellable<T>(
    token: CancellationToken,
    work: impl Future<Output = authbridge::Result<T>>,
) -> authbridge::Result<T> {
    token.run_until_cancelled(work).await.unwrap_or(Err(authbridge::Error::Cancelled))
}

/// Runs `work` and settles its Promise; `cleanup` runs on the JavaScript thread when `work`
/// has ended, whatever the outcome, before the Promise settles.
fn promise_then<'env, T, V, F, S, C>(
    env: &'env Env,
    work: F,
    settle: S,
    cleanup: C,
) -> napi::Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue,
    F: Future<Output = authbridge::Result<T>> + Send + 'static,
    S: FnOnce(&Env, T) -> napi::Result<V> + 'static,
    C: FnOnce(&Env) + 'static,
{
    let guarded = async move {
        let outcome = match AssertUnwindSafe(work).catch_unwind().await {
            Ok(Ok(value)) => Outcome::Done(value),
            Ok(Err(error)) => Outcome::Failed(error),
            Err(panic) => Outcome::Panicked(crate::error::panic_message(panic.as_ref())),
        };
        Ok(outcome)
    };
    env.spawn_future_with_callback(guarded, move |env, outcome| {
        cleanup(env);
        match outcome {
            Outcome::Done(value) => settle(env, value),
            other => Err(reject(env, other)),
        }
    })
}
