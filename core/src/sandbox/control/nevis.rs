//! `nevis.*`: the nevisIDM stand-in's control methods ([`NevisSim`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{answer, millis, strs};
use crate::sandbox::{CredentialRef, CredentialState, LockPolicy, NevisSim};
use crate::Result;

/// Which credential of a user an operation means: `{"kind": "password"}`,
/// `{"kind": "device_password", "credential_ext_id": …}` or
/// `{"kind": "context_password", "context": …}` (see [`CredentialRef`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CredentialSpec {
    /// The user's password.
    Password,
    /// A device password.
    DevicePassword {
        /// Its external id.
        credential_ext_id: String,
    },
    /// A context password.
    ContextPassword {
        /// Its context.
        context: String,
    },
}

impl From<CredentialSpec> for CredentialRef {
    fn from(spec: CredentialSpec) -> Self {
        match spec {
            CredentialSpec::Password => CredentialRef::Password,
            CredentialSpec::DevicePassword { credential_ext_id } => CredentialRef::DevicePassword(credential_ext_id),
            CredentialSpec::ContextPassword { context } => CredentialRef::ContextPassword(context),
        }
    }
}

/// The operations of the `nevis` group: [`NevisSim`]'s methods of the same names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[allow(missing_docs)] // the fields are the arguments of the method each variant names
pub enum NevisOp {
    /// [`NevisSim::add_client`].
    AddClient { client_ext_id: String, name: String },
    /// [`NevisSim::add_user`].
    AddUser { client_ext_id: String, user_ext_id: String },
    /// [`NevisSim::set_password`].
    SetPassword { client_ext_id: String, user_ext_id: String, password: String },
    /// [`NevisSim::add_device_password`].
    AddDevicePassword { client_ext_id: String, user_ext_id: String, credential_ext_id: String, password: String },
    /// [`NevisSim::add_context_password`].
    AddContextPassword { client_ext_id: String, user_ext_id: String, context: String, password: String },
    /// [`NevisSim::add_recovery_codes`].
    AddRecoveryCodes { client_ext_id: String, user_ext_id: String, codes: Vec<String> },
    /// [`NevisSim::set_state`].
    SetState { client_ext_id: String, user_ext_id: String, credential: CredentialSpec, state: CredentialState },
    /// [`NevisSim::credential_state`] answers `"active"`, `"disabled"`, `"locked"` or `null`.
    CredentialState { client_ext_id: String, user_ext_id: String, credential: CredentialSpec },
    /// [`NevisSim::set_lock_policy`]; no `temporary_lock_ms` means a permanent lock.
    SetLockPolicy {
        max_failures: u32,
        #[serde(default)]
        temporary_lock_ms: Option<u64>,
    },
    /// [`NevisSim::set_recovery_code_failure`].
    SetRecoveryCodeFailure { status: u16, code: String },
    /// [`NevisSim::require_header`].
    RequireHeader { name: String, value: String },
    /// [`NevisSim::last_raw_path`] answers a string or `null`.
    LastRawPath,
}

impl NevisOp {
    pub(super) fn apply(self, sim: &NevisSim) -> Result<Value> {
        match self {
            NevisOp::AddClient { client_ext_id, name } => answer(sim.add_client(&client_ext_id, &name)),
            NevisOp::AddUser { client_ext_id, user_ext_id } => answer(sim.add_user(&client_ext_id, &user_ext_id)),
            NevisOp::SetPassword { client_ext_id, user_ext_id, password } => {
                answer(sim.set_password(&client_ext_id, &user_ext_id, &password))
            }
            NevisOp::AddDevicePassword { client_ext_id, user_ext_id, credential_ext_id, password } => {
                answer(sim.add_device_password(&client_ext_id, &user_ext_id, &credential_ext_id, &password))
            }
            NevisOp::AddContextPassword { client_ext_id, user_ext_id, context, password } => {
                answer(sim.add_context_password(&client_ext_id, &user_ext_id, &context, &password))
            }
            NevisOp::AddRecoveryCodes { client_ext_id, user_ext_id, codes } => {
                answer(sim.add_recovery_codes(&client_ext_id, &user_ext_id, &strs(&codes)))
            }
            NevisOp::SetState { client_ext_id, user_ext_id, credential, state } => {
                answer(sim.set_state(&client_ext_id, &user_ext_id, &credential.into(), state))
            }
            NevisOp::CredentialState { client_ext_id, user_ext_id, credential } => {
                answer(sim.credential_state(&client_ext_id, &user_ext_id, &credential.into()))
            }
            NevisOp::SetLockPolicy { max_failures, temporary_lock_ms } => {
                answer(sim.set_lock_policy(LockPolicy { max_failures, temporary_lock: temporary_lock_ms.map(millis) }))
            }
            NevisOp::SetRecoveryCodeFailure { status, code } => answer(sim.set_recovery_code_failure(status, &code)),
            NevisOp::RequireHeader { name, value } => answer(sim.require_header(&name, &value)),
            NevisOp::LastRawPath => answer(sim.last_raw_path()),
        }
    }
}
