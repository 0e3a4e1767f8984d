//! `otpone.*`: the OtpOne stand-in's control methods ([`OtpOneSim`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{answer, millis};
use crate::sandbox::OtpOneSim;
use crate::Result;

/// The operations of the `otpone` group: [`OtpOneSim`]'s methods of the same names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[allow(missing_docs)] // the fields are the arguments of the method each variant names
pub enum OtpOneOp {
    /// [`OtpOneSim::register_keys`].
    RegisterKeys { server_key: String, client_key: String },
    /// [`OtpOneSim::approve`] answers the token the page would receive, or `null`.
    Approve { transaction_id: String },
    /// [`OtpOneSim::deny`] answers whether the transaction was pending.
    Deny { transaction_id: String },
    /// [`OtpOneSim::expire`] answers whether the transaction was pending.
    Expire { transaction_id: String },
    /// [`OtpOneSim::set_reported_user`] answers whether the transaction exists.
    SetReportedUser { transaction_id: String, user: String },
    /// [`OtpOneSim::set_transaction_ttl`].
    SetTransactionTtl { ttl_ms: u64 },
    /// [`OtpOneSim::set_server_only_timeout`].
    SetServerOnlyTimeout { timeout_ms: u64 },
    /// [`OtpOneSim::set_html_as_text`].
    SetHtmlAsText { as_text: bool },
    /// [`OtpOneSim::transaction`] answers an [`OtpOneTransaction`](crate::sandbox::OtpOneTransaction)
    /// object or `null`.
    Transaction { transaction_id: String },
    /// [`OtpOneSim::pending_for`] answers a transaction id or `null`.
    PendingFor { user_mail: String },
    /// [`OtpOneSim::wait_pending`] answers a transaction id, or `null` after `timeout_ms`.
    WaitPending { user_mail: String, timeout_ms: u64 },
    /// [`OtpOneSim::last_query`] answers a string or `null`.
    LastQuery,
}

impl OtpOneOp {
    pub(super) fn waits(&self) -> bool {
        matches!(self, OtpOneOp::WaitPending { .. })
    }

    pub(super) async fn apply(self, sim: &OtpOneSim) -> Result<Value> {
        match self {
            OtpOneOp::RegisterKeys { server_key, client_key } => answer(sim.register_keys(&server_key, &client_key)),
            OtpOneOp::Approve { transaction_id } => answer(sim.approve(&transaction_id)),
            OtpOneOp::Deny { transaction_id } => answer(sim.deny(&transaction_id)),
            OtpOneOp::Expire { transaction_id } => answer(sim.expire(&transaction_id)),
            OtpOneOp::SetReportedUser { transaction_id, user } => answer(sim.set_reported_user(&transaction_id, &user)),
            OtpOneOp::SetTransactionTtl { ttl_ms } => answer(sim.set_transaction_ttl(millis(ttl_ms))),
            OtpOneOp::SetServerOnlyTimeout { timeout_ms } => answer(sim.set_server_only_timeout(millis(timeout_ms))),
            OtpOneOp::SetHtmlAsText { as_text } => answer(sim.set_html_as_text(as_text)),
            OtpOneOp::Transaction { transaction_id } => answer(sim.transaction(&transaction_id)),
            OtpOneOp::PendingFor { user_mail } => answer(sim.pending_for(&user_mail)),
            OtpOneOp::WaitPending { user_mail, timeout_ms } => {
                answer(sim.wait_pending(&user_mail, millis(timeout_ms)).await)
            }
            OtpOneOp::LastQuery => answer(sim.last_query()),
        }
    }
}
