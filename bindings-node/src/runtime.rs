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

use futures_util::FutureExt;
use napi::bindgen_prelude::{
    register_async_runtime, AsyncRuntime, AsyncRuntimeRejection, AsyncRuntimeTask, PromiseRaw, ToNapiValue,
};
use napi::{Env, Status};

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

/// Runs `work` on the shared runtime and returns a Promise of its result.
///
/// `settle` runs on the JavaScript thread once `work` is done and turns the value into its
/// JavaScript form; a core error becomes an `Error` with `.code` ([`crate::error`]), and a
/// panic in `work` rejects with code `panic` rather than leaving the Promise pending.
pub(crate) fn promise<'env, T, V, F, S>(env: &'env Env, work: F, settle: S) -> napi::Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue,
    F: Future<Output = authbridge::Result<T>> + Send + 'static,
    S: FnOnce(&Env, T) -> napi::Result<V> + 'static,
{
    promise_then(env, work, settle, |_| {})
}

/// [`promise`] with `cleanup`, which runs on the JavaScript thread when `work` has ended,
/// whatever the outcome, before the Promise settles.
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

/// [`promise`] for a wait: `options` are read on the JavaScript thread (its `signal` starts
/// being listened to), `work` gets core's wait options, and the signal's listener is removed
/// on the JavaScript thread once the wait ends, whatever its outcome.
#[cfg(any(feature = "descope", feature = "otpone", feature = "nopass"))]
pub(crate) fn wait_promise<'env, T, V, F, S>(
    env: &'env Env,
    options: Option<&napi::bindgen_prelude::Object>,
    work: impl FnOnce(authbridge::WaitOptions) -> F,
    settle: S,
) -> napi::Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue,
    F: Future<Output = authbridge::Result<T>> + Send + 'static,
    S: FnOnce(&Env, T) -> napi::Result<V> + 'static,
{
    let (wait_options, wait) = crate::cancel::Wait::read(env, options)?.split();
    let work = work(wait_options);
    promise_then(env, work, settle, move |env| wait.detach(env))
}

/// [`promise`] for work an `AbortSignal` may cut short: when the signal fires first, the work
/// is dropped and the Promise rejects with code `cancelled` (at once if it has already fired).
/// The signal's listener is removed on the JavaScript thread once the work ends.
#[cfg(feature = "sandbox")]
pub(crate) fn cancellable_promise<'env, T, V, F, S>(
    env: &'env Env,
    signal: Option<&napi::bindgen_prelude::Object>,
    work: F,
    settle: S,
) -> napi::Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue,
    F: Future<Output = authbridge::Result<T>> + Send + 'static,
    S: FnOnce(&Env, T) -> napi::Result<V> + 'static,
{
    let (token, wait) = crate::cancel::Wait::signal(env, signal)?;
    let work = async move { token.run_until_cancelled(work).await.unwrap_or(Err(authbridge::Error::Cancelled)) };
    promise_then(env, work, settle, move |env| wait.detach(env))
}
