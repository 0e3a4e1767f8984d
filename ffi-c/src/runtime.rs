//! Blocking on core's one shared runtime (DESIGN "One runtime").

use std::future::Future;

use crate::boundary::FfiResult;

/// Runs `future` on the shared runtime and blocks this thread until it is done. Called from a
/// hook that itself runs on the runtime, it fails with a `config` error instead of
/// deadlocking.
pub(crate) fn block_on<F: Future>(future: F) -> FfiResult<F::Output> {
    Ok(authbridge::runtime::block_on(future)?)
}
