//! `authx.*`: the AuthX stand-in's control methods ([`AuthxSim`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{answer, millis};
use crate::sandbox::AuthxSim;
use crate::Result;

/// The operations of the `authx` group: [`AuthxSim`]'s methods of the same names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[allow(missing_docs)] // the fields are the arguments of the method each variant names
pub enum AuthxOp {
    /// [`AuthxSim::add_application`].
    AddApplication { application_id: String, application_key: String },
    /// [`AuthxSim::add_biometric_app`].
    AddBiometricApp { application_key: String, secret_key: String, host_name: String },
    /// [`AuthxSim::set_token_lifetime`].
    SetTokenLifetime { lifetime_ms: u64 },
    /// [`AuthxSim::expire_tokens`].
    ExpireTokens,
    /// [`AuthxSim::issued_tokens`] answers a list of strings.
    IssuedTokens,
    /// [`AuthxSim::user`] answers an [`AuthxUser`](crate::sandbox::AuthxUser) object or `null`.
    User { guid: String },
    /// [`AuthxSim::user_named`] answers an [`AuthxUser`](crate::sandbox::AuthxUser) object or `null`.
    UserNamed { user_name: String },
    /// [`AuthxSim::user_count`] answers a number.
    UserCount,
    /// [`AuthxSim::queue_biometric_outcome`].
    QueueBiometricOutcome { response_code: i64 },
    /// [`AuthxSim::last_request`] answers the JSON body or `null`.
    LastRequest { route: String },
    /// [`AuthxSim::last_upload`] answers an [`AuthxUpload`](crate::sandbox::AuthxUpload) object or `null`.
    LastUpload,
    /// [`AuthxSim::set_upload_rate`]; `null` reads at full speed again.
    SetUploadRate { bytes_per_second: Option<u64> },
    /// [`AuthxSim::aborted_uploads`] answers a number.
    AbortedUploads,
}

impl AuthxOp {
    pub(super) fn apply(self, sim: &AuthxSim) -> Result<Value> {
        match self {
            AuthxOp::AddApplication { application_id, application_key } => {
                answer(sim.add_application(&application_id, &application_key))
            }
            AuthxOp::AddBiometricApp { application_key, secret_key, host_name } => {
                answer(sim.add_biometric_app(&application_key, &secret_key, &host_name))
            }
            AuthxOp::SetTokenLifetime { lifetime_ms } => answer(sim.set_token_lifetime(millis(lifetime_ms))),
            AuthxOp::ExpireTokens => answer(sim.expire_tokens()),
            AuthxOp::IssuedTokens => answer(sim.issued_tokens()),
            AuthxOp::User { guid } => answer(sim.user(&guid)),
            AuthxOp::UserNamed { user_name } => answer(sim.user_named(&user_name)),
            AuthxOp::UserCount => answer(sim.user_count()),
            AuthxOp::QueueBiometricOutcome { response_code } => answer(sim.queue_biometric_outcome(response_code)),
            AuthxOp::LastRequest { route } => answer(sim.last_request(&route)),
            AuthxOp::LastUpload => answer(sim.last_upload()),
            AuthxOp::SetUploadRate { bytes_per_second } => answer(sim.set_upload_rate(bytes_per_second)),
            AuthxOp::AbortedUploads => answer(sim.aborted_uploads()),
        }
    }
}
