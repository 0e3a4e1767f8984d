//! `sandbox.*`: the faults, counters and URLs every stand-in shares.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{answer, millis};
use crate::sandbox::{Fault, Sandbox};
use crate::{Result, Vendor};

/// A fault in its JSON form, `{"kind": "delay", "ms": 200}` and so on (see [`Fault`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultSpec {
    /// [`Fault::Delay`].
    Delay {
        /// The pause before the request is handled.
        ms: u64,
    },
    /// [`Fault::Reset`].
    Reset,
    /// [`Fault::Status`].
    Status {
        /// The HTTP status answered.
        status: u16,
        /// The `Retry-After` value sent with it, if any.
        #[serde(default)]
        retry_after: Option<String>,
    },
    /// [`Fault::TruncatedBody`].
    TruncatedBody,
    /// [`Fault::LargeBody`].
    LargeBody {
        /// About how large the answer's body is.
        bytes: usize,
    },
}

impl TryFrom<FaultSpec> for Fault {
    type Error = crate::Error;

    /// Refuses a status that is not an HTTP status code (100-599).
    fn try_from(spec: FaultSpec) -> Result<Self> {
        Ok(match spec {
            FaultSpec::Delay { ms } => Fault::Delay(millis(ms)),
            FaultSpec::Reset => Fault::Reset,
            FaultSpec::Status { status, .. } if !(100..=599).contains(&status) => {
                return Err(crate::Error::invalid("fault.status", "must be an HTTP status code (100-599)"))
            }
            FaultSpec::Status { status, retry_after } => Fault::Status { status, retry_after },
            FaultSpec::TruncatedBody => Fault::TruncatedBody,
            FaultSpec::LargeBody { bytes } => Fault::LargeBody(bytes),
        })
    }
}

/// The operations of the `sandbox` group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SandboxOp {
    /// Every stand-in's base URL by vendor name (`{"nevisidm": "http://127.0.0.1:…", …}`).
    Urls,
    /// [`Sandbox::presets`] answers the credentials the stand-ins accept from the start, by name.
    Presets,
    /// [`Sandbox::arm`], or [`Sandbox::arm_times`] when `times` is given.
    Arm {
        /// The route, `<vendor>.<operation>`.
        route: String,
        /// What goes wrong.
        fault: FaultSpec,
        /// For how many requests; every request until cleared when absent.
        #[serde(default)]
        times: Option<u32>,
    },
    /// [`Sandbox::clear_faults`].
    ClearFaults,
    /// [`Sandbox::request_count`] answers a number.
    RequestCount {
        /// The route, `<vendor>.<operation>`.
        route: String,
    },
    /// [`Sandbox::reset_counts`].
    ResetCounts,
}

impl SandboxOp {
    pub(super) fn apply(self, sandbox: &Sandbox) -> Result<Value> {
        match self {
            SandboxOp::Urls => {
                let urls: BTreeMap<&str, String> =
                    Vendor::ALL.iter().filter_map(|vendor| Some((vendor.as_str(), sandbox.url(*vendor)?))).collect();
                answer(urls)
            }
            SandboxOp::Presets => answer(Sandbox::presets()),
            SandboxOp::Arm { route, fault, times: None } => answer(sandbox.arm(&route, fault.try_into()?)),
            SandboxOp::Arm { route, fault, times: Some(times) } => {
                answer(sandbox.arm_times(&route, fault.try_into()?, times))
            }
            SandboxOp::ClearFaults => answer(sandbox.clear_faults()),
            SandboxOp::RequestCount { route } => answer(sandbox.request_count(&route)),
            SandboxOp::ResetCounts => answer(sandbox.reset_counts()),
        }
    }
}
