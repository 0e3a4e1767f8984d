//! The sandbox's control operations as data: one request type, dispatched in one place.
//!
//! Every way of driving a running [`Sandbox`] ends here: Rust code through
//! [`Sandbox::control`], each binding through its one generic entry point (a JSON string in,
//! a JSON string out, [`Sandbox::control_json`]), and other processes over HTTP
//! ([`Sandbox::control_url`]).
//!
//! A request is one JSON object naming its operation as `"<group>.<operation>"`, with the
//! operation's arguments as named fields:
//!
//! ```json
//! {"op": "nevis.set_password", "client_ext_id": "1000", "user_ext_id": "alice", "password": "s3cret"}
//! ```
//!
//! The groups are `sandbox` (faults and counters, [`SandboxOp`]) and one per stand-in
//! ([`NevisOp`], [`AuthxOp`], [`DescopeOp`], [`OtpOneOp`], [`NoPassOp`]); the operations
//! are the stand-ins' control methods under the same names. Durations are whole milliseconds
//! in fields ending in `_ms`. The answer is the operation's result as JSON, `null` for an
//! operation that returns nothing.

// Every operation's answer goes through `answer`, those that return nothing as `answer(())`
// (JSON `null`), so each match arm reads as the one call it makes.
#![allow(clippy::unit_arg)]

mod endpoint;
mod general;

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

use futures_util::FutureExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Map, Value};

use super::Sandbox;
use crate::{Error, Result};

pub(crate) use endpoint::ControlEndpoint;
pub use general::{FaultSpec, SandboxOp};

#[cfg(feature = "authx")]
pub use authx::AuthxOp;
#[cfg(feature = "descope")]
pub use descope::DescopeOp;
#[cfg(feature = "nevis")]
pub use nevis::{CredentialSpec, NevisOp};
#[cfg(feature = "nopass")]
pub use nopass::NoPassOp;
#[cfg(feature = "otpone")]
pub use otpone::OtpOneOp;

/// One control operation on a running sandbox. Its JSON form is described in the
/// [module documentation](self).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ControlRequest {
    /// Faults, counters and URLs, shared by every stand-in.
    Sandbox(SandboxOp),
    /// The nevisIDM stand-in.
    #[cfg(feature = "nevis")]
    Nevis(NevisOp),
    /// The AuthX stand-in.
    #[cfg(feature = "authx")]
    Authx(AuthxOp),
    /// The Descope stand-in.
    #[cfg(feature = "descope")]
    Descope(DescopeOp),
    /// The OtpOne stand-in.
    #[cfg(feature = "otpone")]
    OtpOne(OtpOneOp),
    /// The NoPass server stand-in.
    #[cfg(feature = "nopass")]
    NoPass(NoPassOp),
}

impl ControlRequest {
    /// Reads a request from its JSON form, naming the field and the rule when it is not one.
    pub fn from_json(request: Value) -> Result<Self> {
        let Value::Object(mut arguments) = request else {
            return Err(Error::invalid("request", "must be a JSON object"));
        };
        let op = match arguments.remove("op") {
            Some(Value::String(op)) => op,
            _ => return Err(Error::invalid("op", "must be a string \"<group>.<operation>\"")),
        };
        let Some((group, operation)) = op.split_once('.') else {
            return Err(Error::invalid("op", format!("\"{op}\" is not \"<group>.<operation>\"")));
        };
        Ok(match group {
            "sandbox" => ControlRequest::Sandbox(parse(&op, operation, arguments)?),
            #[cfg(feature = "nevis")]
            "nevis" => ControlRequest::Nevis(parse(&op, operation, arguments)?),
            #[cfg(feature = "authx")]
            "authx" => ControlRequest::Authx(parse(&op, operation, arguments)?),
            #[cfg(feature = "descope")]
            "descope" => ControlRequest::Descope(parse(&op, operation, arguments)?),
            #[cfg(feature = "otpone")]
            "otpone" => ControlRequest::OtpOne(parse(&op, operation, arguments)?),
            #[cfg(feature = "nopass")]
            "nopass" => ControlRequest::NoPass(parse(&op, operation, arguments)?),
            other => return Err(Error::invalid("op", format!("no group \"{other}\" in this sandbox"))),
        })
    }

    /// Reads a request from its JSON text.
    pub fn from_slice(request: &[u8]) -> Result<Self> {
        let request: Value = serde_json::from_slice(request)
            .map_err(|e| Error::invalid("request", format!("must be one JSON object ({e})")))?;
        Self::from_json(request)
    }

    /// Whether the operation may wait rather than answer at once: the NoPass driver's calls to
    /// a portal, and `otpone.wait_pending`.
    pub fn waits(&self) -> bool {
        match self {
            #[cfg(feature = "otpone")]
            ControlRequest::OtpOne(op) => op.waits(),
            #[cfg(feature = "nopass")]
            ControlRequest::NoPass(op) => op.waits(),
            _ => false,
        }
    }

    /// The request's JSON form.
    pub fn to_json(&self) -> Value {
        let (group, operation) = match self {
            ControlRequest::Sandbox(op) => ("sandbox", serde_json::to_value(op)),
            #[cfg(feature = "nevis")]
            ControlRequest::Nevis(op) => ("nevis", serde_json::to_value(op)),
            #[cfg(feature = "authx")]
            ControlRequest::Authx(op) => ("authx", serde_json::to_value(op)),
            #[cfg(feature = "descope")]
            ControlRequest::Descope(op) => ("descope", serde_json::to_value(op)),
            #[cfg(feature = "otpone")]
            ControlRequest::OtpOne(op) => ("otpone", serde_json::to_value(op)),
            #[cfg(feature = "nopass")]
            ControlRequest::NoPass(op) => ("nopass", serde_json::to_value(op)),
        };
        // serde's form of an operation is `"name"` without arguments, `{"name": {arguments}}`
        // with; the request form puts the name in `op` beside the arguments.
        let (name, mut arguments) = match operation {
            Ok(Value::String(name)) => (name, Map::new()),
            Ok(Value::Object(tagged)) => match tagged.into_iter().next() {
                Some((name, Value::Object(arguments))) => (name, arguments),
                Some((name, _)) => (name, Map::new()),
                None => (String::new(), Map::new()),
            },
            // The operations are plain data: serialising one cannot fail.
            _ => (String::new(), Map::new()),
        };
        arguments.insert("op".into(), Value::String(format!("{group}.{name}")));
        Value::Object(arguments)
    }
}

impl Serialize for ControlRequest {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ControlRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        ControlRequest::from_json(Value::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

impl Sandbox {
    /// Runs one control operation and returns its answer as JSON (`null` when it has none).
    pub async fn control(&self, request: ControlRequest) -> Result<Value> {
        match request {
            ControlRequest::Sandbox(op) => op.apply(self),
            #[cfg(feature = "nevis")]
            ControlRequest::Nevis(op) => op.apply(self.nevis()),
            #[cfg(feature = "authx")]
            ControlRequest::Authx(op) => op.apply(self.authx()),
            #[cfg(feature = "descope")]
            ControlRequest::Descope(op) => op.apply(self.descope()),
            #[cfg(feature = "otpone")]
            ControlRequest::OtpOne(op) => op.apply(self.otpone()).await,
            #[cfg(feature = "nopass")]
            ControlRequest::NoPass(op) => op.apply(self.nopass()).await,
        }
    }

    /// [`Sandbox::control`] on a request's JSON text, answering JSON text: the one entry
    /// point each binding exposes.
    pub async fn control_json(&self, request: &str) -> Result<String> {
        let answer = self.control(ControlRequest::from_slice(request.as_bytes())?).await?;
        Ok(answer.to_string())
    }

    /// [`Sandbox::control_json`] run to its end on the caller's thread, for a binding whose
    /// thread must not block (a JavaScript event loop that may be serving the very portal a
    /// NoPass driver call would wait for): an operation that [waits](ControlRequest::waits) is
    /// refused before it starts.
    pub fn control_json_now(&self, request: &str) -> Result<String> {
        let request = ControlRequest::from_slice(request.as_bytes())?;
        if request.waits() {
            return Err(Error::invalid("op", "waits for an answer: run it asynchronously"));
        }
        // Every operation that does not wait answers on its first poll.
        let answer = self
            .control(request)
            .now_or_never()
            .unwrap_or_else(|| Err(Error::invalid("op", "did not answer at once: run it asynchronously")))?;
        Ok(answer.to_string())
    }
}

/// Reads one group's operation `name` with its `arguments`, naming the argument that is
/// missing, unknown or of the wrong type (`fault.ms`), or `op` for an unknown operation.
fn parse<T: DeserializeOwned>(op: &str, name: &str, arguments: Map<String, Value>) -> Result<T> {
    let read = |arguments: Value| serde_path_to_error::deserialize::<_, T>(json!({ name: arguments }));
    // An operation without arguments is serde's unit variant, read from `null`; when that is not
    // what `name` is, reading an empty object says which arguments are missing.
    let result = if arguments.is_empty() {
        read(Value::Null).or_else(|_| read(Value::Object(Map::new())))
    } else {
        read(Value::Object(arguments))
    };
    result.map_err(|error| {
        let rule = error.inner().to_string();
        // The path starts with the operation's own name.
        let path = error.path().to_string();
        let argument = path.split_once('.').map(|(_, argument)| argument).filter(|a| !a.is_empty());
        let field = match argument {
            Some(argument) => argument,
            None if rule.starts_with("unknown variant") => "op",
            None => backticked(&rule).unwrap_or("op"),
        };
        Error::invalid(field, format!("{op}: {rule}"))
    })
}

/// The first `quoted` name in a serde message (`missing field `user_id``).
fn backticked(message: &str) -> Option<&str> {
    message.split('`').nth(1)
}

/// An operation's answer as JSON.
fn answer<T: Serialize>(value: T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| Error::Config(format!("a sandbox answer is not JSON: {e}")))
}

/// A duration given in whole milliseconds.
fn millis(ms: u64) -> std::time::Duration {
    std::time::Duration::from_millis(ms)
}

/// Borrows a list of strings the way the stand-ins' control methods take them.
fn strs(values: &[String]) -> Vec<&str> {
    values.iter().map(String::as_str).collect()
}
