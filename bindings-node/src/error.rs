//! Core errors as JavaScript `AuthBridgeError`s.
//!
//! Every rejection and throw of the addon is an `AuthBridgeError` (a subclass of `Error`, name
//! `AuthBridgeError`) whose `.code` is core's stable code (`invalid_input`, `timeout`,
//! `unauthorized`, …; the TypeScript union `ErrorCode`), so callers branch on the code, never
//! on message text. Where they apply it also carries `.vendor`, `.status`
//! (HTTP status), `.vendorCode`, `.vendorMessage`, `.retryAfter` (seconds, as in the
//! `Retry-After` header), `.field`/`.rule` for refused input, and `.loginStatus` for a refused
//! nevisIDM login. Messages come from core and never contain a secret.
//!
//! The class itself is JavaScript (`lib/errors.cjs`), so that `instanceof` works across the
//! package's CommonJS and ESM entries; the package hands it to the addon when it loads
//! ([`register_class`]), once per Node environment. Loaded without the package, the
//! addon throws plain `Error`s with the same name and fields.

use std::any::Any;

use napi::bindgen_prelude::{Function, FunctionRef, JsObjectValue, Object, Unknown};
use napi::{Env, JsValue, Status};

use crate::error_code::PANIC;

/// The `AuthBridgeError` class of one Node environment, kept as the environment's instance
/// data.
struct ErrorClass(FunctionRef<String, ()>);

/// Makes `class` the `AuthBridgeError` class of this Node environment.
pub(crate) fn register_class(env: &Env, class: Function<String, ()>) -> napi::Result<()> {
    let class = ErrorClass(class.create_ref()?);
    match env.get_instance_data::<ErrorClass>()? {
        Some(registered) => *registered = class,
        None => env.set_instance_data(class, (), |_| {})?,
    }
    Ok(())
}

/// A new `AuthBridgeError` with `message`, or a plain `Error` when no class was registered.
fn new_error<'env>(env: &'env Env, message: &str) -> napi::Result<Object<'env>> {
    // A slot that cannot be read counts as empty: an error must be built whatever happens.
    match env.get_instance_data::<ErrorClass>().ok().flatten() {
        Some(ErrorClass(class)) => {
            let instance: Unknown = class.borrow_back(env)?.new_instance(message.to_string())?;
            instance.coerce_to_object()
        }
        None => {
            let mut error = env.create_error(napi::Error::new(Status::GenericFailure, message.to_string()))?;
            error.set_named_property("name", "AuthBridgeError")?;
            Ok(error)
        }
    }
}

/// How a piece of work on the runtime ended.
pub(crate) enum Outcome<T> {
    Done(T),
    Failed(authbridge::Error),
    Panicked(String),
}

/// The `Error` for a failed or panicked outcome, as a napi error that rejects or throws with
/// exactly that JavaScript object.
pub(crate) fn reject<T>(env: &Env, outcome: Outcome<T>) -> napi::Error {
    match outcome {
        Outcome::Failed(error) => to_napi(env, &error),
        Outcome::Panicked(message) => {
            let built = build(env, &format!("internal error (panic): {message}"), PANIC, |_| Ok(()));
            built.unwrap_or_else(|e| e)
        }
        Outcome::Done(_) => napi::Error::new(Status::GenericFailure, "settled twice"),
    }
}

/// A core error as a napi error that throws (or rejects with) the full JavaScript `Error`.
pub(crate) fn to_napi(env: &Env, error: &authbridge::Error) -> napi::Error {
    build(env, &error.to_string(), error.code(), |object| decorate(object, error)).unwrap_or_else(|e| e)
}

/// Shorthand for synchronous functions: maps a core result into a throwing napi result.
pub(crate) fn check<T>(env: &Env, result: authbridge::Result<T>) -> napi::Result<T> {
    result.map_err(|error| to_napi(env, &error))
}

fn build(
    env: &Env,
    message: &str,
    code: &str,
    extra: impl FnOnce(&mut Object) -> napi::Result<()>,
) -> Result<napi::Error, napi::Error> {
    let mut object = new_error(env, message)?;
    object.set_named_property("code", code)?;
    extra(&mut object)?;
    Ok(napi::Error::from(object.to_unknown()))
}

fn decorate(object: &mut Object, error: &authbridge::Error) -> napi::Result<()> {
    if let Some(vendor) = error.vendor() {
        object.set_named_property("vendor", vendor.as_str())?;
    }
    if let Some(status) = error.status() {
        object.set_named_property("status", u32::from(status))?;
    }
    if let Some(code) = error.vendor_code() {
        object.set_named_property("vendorCode", code)?;
    }
    if let Some(message) = error.vendor_message() {
        object.set_named_property("vendorMessage", message)?;
    }
    if let Some(after) = error.retry_after() {
        object.set_named_property("retryAfter", after.as_secs_f64())?;
    }
    if let authbridge::Error::InvalidInput { field, rule } = error {
        object.set_named_property("field", field.as_str())?;
        object.set_named_property("rule", rule.as_str())?;
    }
    #[cfg(feature = "nevis")]
    if let Some(status) = authbridge::nevis::LoginStatusCode::of(error) {
        object.set_named_property("loginStatus", status.as_str())?;
    }
    Ok(())
}

/// The text of a panic payload, for the `panic` error's message.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic".to_string()
    }
}
