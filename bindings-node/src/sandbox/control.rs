//! The one generic control entry point: a request's JSON text in, its answer's JSON text out.
//!
//! A request is `{"op": "<group>.<operation>", …arguments}` and the answer is the operation's
//! result, as core defines them (`authbridge::sandbox::control`); a refused request throws (or
//! rejects with) the addon's usual `Error`, code `invalid_input` naming the field.

use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;

use super::NativeSandbox;
use crate::cancel::{signal_of, CallOptions};
use crate::error::check;
use crate::runtime::promise;

#[napi]
impl NativeSandbox {
    /// Runs one control request and resolves with its answer. The work runs on core's
    /// runtime, never on the JavaScript thread, so an operation that calls a portal served
    /// by this same process (the NoPass driver) or waits (`otpone.wait_pending`) leaves the
    /// event loop free. `options.signal` cancels it: the Promise then rejects with code
    /// `cancelled`.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn control<'env>(
        &self,
        env: &'env Env,
        request_json: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let sandbox = self.running(env)?;
        let work = async move { sandbox.control_json(&request_json).await };
        promise(env, signal_of(&options), work, |_, answer| Ok(answer))
    }

    /// Runs one control request that answers at once and returns its answer. An operation
    /// that would wait (the NoPass driver's calls to a portal, a `wait_pending` with nothing
    /// pending yet) is refused with code `invalid_input` instead of blocking the JavaScript
    /// thread, which may be the one serving that portal; use `control()` for those.
    #[napi(catch_unwind)]
    pub fn control_sync(&self, env: Env, request_json: String) -> napi::Result<String> {
        let sandbox = self.running(&env)?;
        check(&env, sandbox.control_json_now(&request_json))
    }
}
