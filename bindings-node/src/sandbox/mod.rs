//! The sandbox's native half: its lifecycle and the one generic control entry point.
//!
//! `NativeSandbox.start()` serves each compiled-in vendor's stand-in on 127.0.0.1 and a free
//! port, plus core's control endpoint. Everything a test does to the stand-ins (faults,
//! counters, users, approvals, the NoPass driver) is a control request ([`control`]); the
//! typed helpers (`sandbox.nevis.addUser(…)`, …) are written once in TypeScript on top of it
//! (`lib/sandbox/`), and the package exports those as `Sandbox`.
//!
//! The servers run on core's runtime, not on the Node event loop, so a running sandbox does
//! not keep a process alive; it stops on `await sandbox.stop()` or when garbage-collected.

mod control;

use std::sync::{Arc, Mutex, PoisonError};

use authbridge::sandbox;
use authbridge::Vendor;
use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;

use crate::cancel::{signal_of, CallOptions};
use crate::error::check;
use crate::runtime::promise;

/// The running stand-ins, for the `Sandbox` class of `lib/sandbox/` (the package's API).
#[napi]
pub struct NativeSandbox {
    /// `None` once stopped.
    running: Mutex<Option<Arc<sandbox::Sandbox>>>,
}

impl NativeSandbox {
    /// The running sandbox, or a `config` error once it has stopped.
    fn running(&self, env: &Env) -> napi::Result<Arc<sandbox::Sandbox>> {
        let running = self.running.lock().unwrap_or_else(PoisonError::into_inner).clone();
        check(env, running.ok_or_else(|| authbridge::Error::Config("the sandbox has been stopped".into())))
    }
}

#[napi]
impl NativeSandbox {
    /// Starts every compiled-in vendor's stand-in on 127.0.0.1, each on a free port. The
    /// control endpoint requires `controlToken` (at least 16 characters), or a random one.
    #[napi(catch_unwind, ts_return_type = "Promise<NativeSandbox>")]
    pub fn start<'env>(
        env: &'env Env,
        control_token: Option<String>,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, NativeSandbox>> {
        let work = sandbox::Sandbox::start_with_control_token(control_token);
        promise(env, signal_of(&options), work, |_, started| {
            Ok(NativeSandbox { running: Mutex::new(Some(Arc::new(started))) })
        })
    }

    /// The base URL (`http://127.0.0.1:<port>`) of a vendor's stand-in: `nevisidm`, `authx`,
    /// `descope`, `otpone` or `nopass`. `null` when that vendor is not compiled in.
    #[napi(catch_unwind)]
    pub fn url(&self, env: Env, vendor: String) -> napi::Result<Option<String>> {
        let Some(vendor) = Vendor::ALL.into_iter().find(|v| v.as_str() == vendor) else {
            let names: Vec<&str> = Vendor::ALL.iter().map(|v| v.as_str()).collect();
            let rule = format!("must be one of {}", names.join(", "));
            return check(&env, Err(authbridge::Error::invalid("vendor", rule)));
        };
        Ok(self.running(&env)?.url(vendor))
    }

    /// Where other processes send control requests: `POST` with the token as bearer.
    #[napi(getter, catch_unwind)]
    pub fn control_url(&self, env: Env) -> napi::Result<String> {
        Ok(self.running(&env)?.control_url())
    }

    /// The bearer token the control endpoint requires.
    #[napi(getter, catch_unwind)]
    pub fn control_token(&self, env: Env) -> napi::Result<String> {
        Ok(self.running(&env)?.control_token().to_string())
    }

    /// Stops every stand-in and resolves once they have stopped. Later calls do nothing.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn stop<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        let taken = self.running.lock().unwrap_or_else(PoisonError::into_inner).take();
        promise(
            env,
            None,
            async move {
                // A control call still waiting holds the sandbox too; then its servers stop
                // when that call ends and drops it.
                if let Some(sandbox) = taken.and_then(Arc::into_inner) {
                    sandbox.stop().await;
                }
                Ok(())
            },
            |_, ()| Ok(()),
        )
    }
}
