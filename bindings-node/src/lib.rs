//! The Node addon of authbridge (`require('authbridge')`).
//!
//! Conversion only: every operation calls the core crate and converts its types and errors.
//! Three rules hold for everything exported here (DESIGN "The surfaces", Node):
//!
//! - every network call and wait returns a Promise whose work runs on core's shared runtime
//!   ([`runtime`]), never on the JavaScript thread, and takes `{ signal }` last, an
//!   `AbortSignal` that cancels it with code `cancelled` ([`cancel`]);
//! - every failure is an `AuthBridgeError` with a stable `.code` and, where they apply,
//!   `.vendor`, `.status`, `.vendorCode`, `.vendorMessage` and `.retryAfter` ([`error`]); a
//!   panic rejects the Promise with code `panic` instead of leaving it pending;
//! - nothing keeps the Node event loop alive once the caller's work is done.

mod cancel;
mod error;
mod error_code;
// Free functions and the objects only they use reach JavaScript through napi's registration,
// which the test build leaves out.
#[cfg_attr(test, allow(dead_code))]
mod logs;
#[cfg_attr(test, allow(dead_code))]
mod metrics;
mod runtime;
mod totp;
mod transport;
#[cfg(any(feature = "descope", feature = "otpone", feature = "nopass"))]
mod wait;

#[cfg(feature = "nevis")]
mod nevis;

#[cfg(feature = "authx")]
mod authx;
#[cfg(feature = "authx")]
mod biometric;
#[cfg(feature = "authx")]
mod upload;

#[cfg(feature = "descope")]
mod descope;

#[cfg(feature = "otpone")]
mod otpone;

#[cfg(feature = "nopass")]
mod nopass;

#[cfg(feature = "sandbox")]
mod sandbox;

/// The version of authbridge this addon was built from.
#[napi_derive::napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Every error code an authbridge `Error` can carry in `.code` (besides `panic`).
#[napi_derive::napi]
pub fn error_codes() -> Vec<String> {
    authbridge::Error::CODES.iter().map(|code| code.to_string()).collect()
}

/// Hands the addon the `AuthBridgeError` class it throws (`lib/errors.cjs`). The package
/// calls it once as it loads. Not part of the typed API.
#[napi_derive::napi(skip_typescript, js_name = "__registerErrorClass")]
pub fn register_error_class(env: napi::Env, class: napi::bindgen_prelude::Function<String, ()>) -> napi::Result<()> {
    error::register_class(&env, class)
}

/// Panics on the runtime, so the tests can prove that a panic rejects its Promise (code
/// `panic`) instead of leaving it pending. Not part of the typed API.
#[napi_derive::napi(skip_typescript, js_name = "__panicForTests")]
pub fn panic_for_tests(env: &napi::Env) -> napi::Result<napi::bindgen_prelude::PromiseRaw<'_, ()>> {
    runtime::promise(
        env,
        None,
        async {
            #[allow(clippy::panic)]
            if std::hint::black_box(true) {
                panic!("deliberate panic for the tests");
            }
            Ok(())
        },
        |_, ()| Ok(()),
    )
}
