//! The sandbox: a local stand-in for every vendor, with its control API.
//!
//! `await Sandbox.start()` serves each compiled-in vendor on 127.0.0.1 and a free port; tests
//! point clients at `sandbox.url('nevisidm')`, arm faults on routes, read per-route request
//! counters and drive each stand-in through its control object (`sandbox.nevis`, …).
//!
//! The servers run on core's runtime, not on the Node event loop, so a running sandbox does
//! not keep a process alive; it stops on `await sandbox.stop()` or when garbage-collected.

#[cfg(feature = "authx")]
mod authx;
#[cfg(feature = "descope")]
mod descope;
#[cfg(feature = "nevis")]
mod nevis;
#[cfg(feature = "nopass")]
mod nopass;
#[cfg(feature = "otpone")]
mod otpone;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use authbridge::sandbox;
use authbridge::Vendor;
use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;

use crate::error::check;
use crate::runtime::promise;

/// The running stand-ins, shared by the `Sandbox` object and its control objects. `None`
/// once stopped.
pub(crate) struct Shared(Mutex<Option<Arc<sandbox::Sandbox>>>);

impl Shared {
    /// The running sandbox, for control calls that wait (the NoPass server's callbacks).
    #[cfg(feature = "nopass")]
    pub(crate) fn get(&self, env: &Env) -> napi::Result<Arc<sandbox::Sandbox>> {
        self.with(env, |_| ())?;
        let slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        slot.clone().ok_or_else(|| napi::Error::from_reason("the sandbox has been stopped"))
    }

    /// Runs `action` on the running sandbox, or fails with `config` once it has stopped.
    pub(crate) fn with<T>(&self, env: &Env, action: impl FnOnce(&sandbox::Sandbox) -> T) -> napi::Result<T> {
        let slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.as_ref() {
            Some(sandbox) => Ok(action(sandbox)),
            None => check(env, Err(authbridge::Error::Config("the sandbox has been stopped".into()))),
        }
    }
}

/// Something that goes wrong on purpose when a route is called.
#[napi(discriminant = "type", discriminant_case = "camelCase")]
pub enum Fault {
    /// Wait this long (ms) before answering; the request is then handled normally.
    Delay { ms: u32 },
    /// Read the request, then close the connection without answering.
    Reset,
    /// Answer this status at once with an optional `Retry-After` value (seconds or an HTTP
    /// date) and an empty JSON body, without handling the request.
    Status { status: u16, retry_after: Option<String> },
    /// Handle the request, then send only half of the answer before closing the connection.
    TruncatedBody,
    /// Answer 200 with a JSON body of about this many bytes, without handling the request.
    LargeBody { bytes: u32 },
}

impl From<Fault> for sandbox::Fault {
    fn from(fault: Fault) -> Self {
        match fault {
            Fault::Delay { ms } => sandbox::Fault::Delay(Duration::from_millis(u64::from(ms))),
            Fault::Reset => sandbox::Fault::Reset,
            Fault::Status { status, retry_after } => sandbox::Fault::Status { status, retry_after },
            Fault::TruncatedBody => sandbox::Fault::TruncatedBody,
            Fault::LargeBody { bytes } => sandbox::Fault::LargeBody(bytes as usize),
        }
    }
}

/// The base URL of each compiled-in vendor's stand-in.
#[napi(object)]
pub struct SandboxUrls {
    pub nevisidm: Option<String>,
    pub authx: Option<String>,
    pub descope: Option<String>,
    pub otpone: Option<String>,
    pub nopass: Option<String>,
}

/// A local stand-in for every vendor, for demos and tests.
#[napi]
pub struct Sandbox {
    pub(crate) shared: Arc<Shared>,
}

#[napi]
impl Sandbox {
    /// Starts every compiled-in vendor's stand-in on 127.0.0.1, each on a free port.
    #[napi(catch_unwind, ts_return_type = "Promise<Sandbox>")]
    pub fn start(env: &Env) -> napi::Result<PromiseRaw<'_, Sandbox>> {
        promise(env, sandbox::Sandbox::start(), |_, started| {
            Ok(Sandbox { shared: Arc::new(Shared(Mutex::new(Some(Arc::new(started))))) })
        })
    }

    /// The base URL (`http://127.0.0.1:<port>`) of a vendor's stand-in: `nevisidm`, `authx`,
    /// `descope`, `otpone` or `nopass`. `null` when that vendor is not compiled in.
    #[napi(catch_unwind)]
    pub fn url(&self, env: Env, vendor: String) -> napi::Result<Option<String>> {
        let Some(vendor) = Vendor::ALL.into_iter().find(|v| v.as_str() == vendor) else {
            let names: Vec<&str> = Vendor::ALL.iter().map(|v| v.as_str()).collect();
            return check(
                &env,
                Err(authbridge::Error::invalid("vendor", format!("must be one of {}", names.join(", ")))),
            );
        };
        self.shared.with(&env, |sandbox| sandbox.url(vendor))
    }

    /// Every stand-in's base URL.
    #[napi(getter, catch_unwind)]
    pub fn urls(&self, env: Env) -> napi::Result<SandboxUrls> {
        self.shared.with(&env, |sandbox| SandboxUrls {
            nevisidm: sandbox.url(Vendor::Nevis),
            authx: sandbox.url(Vendor::AuthX),
            descope: sandbox.url(Vendor::Descope),
            otpone: sandbox.url(Vendor::OtpOne),
            nopass: sandbox.url(Vendor::NoPass),
        })
    }

    /// Arms `fault` on `route` (`nevisidm.password_login`, …) for the next `times` requests,
    /// or for every request until `clearFaults()` when `times` is left out.
    #[napi(catch_unwind)]
    pub fn arm(&self, env: Env, route: String, fault: Fault, times: Option<u32>) -> napi::Result<()> {
        self.shared.with(&env, |sandbox| match times {
            Some(times) => sandbox.arm_times(&route, fault.into(), times),
            None => sandbox.arm(&route, fault.into()),
        })
    }

    /// Disarms every fault.
    #[napi(catch_unwind)]
    pub fn clear_faults(&self, env: Env) -> napi::Result<()> {
        self.shared.with(&env, |sandbox| sandbox.clear_faults())
    }

    /// How many requests reached `route` (faulted ones included).
    #[napi(catch_unwind)]
    pub fn request_count(&self, env: Env, route: String) -> napi::Result<i64> {
        self.shared.with(&env, |sandbox| i64::try_from(sandbox.request_count(&route)).unwrap_or(i64::MAX))
    }

    /// Sets every request counter back to zero.
    #[napi(catch_unwind)]
    pub fn reset_counts(&self, env: Env) -> napi::Result<()> {
        self.shared.with(&env, |sandbox| sandbox.reset_counts())
    }

    /// Stops every stand-in and resolves once they have stopped. Later calls do nothing.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn stop<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        let taken = self.shared.0.lock().unwrap_or_else(PoisonError::into_inner).take();
        promise(
            env,
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
