//! The OtpOne stand-in (contract: `docs/vendors/otpone.md`).
//!
//! Routes (path matched ignoring case, GET or POST as the seed allows, parameters in the query
//! string with names matched ignoring case as ASP.NET does, body empty):
//!
//! | route                      | path                   | parameters (all required)                                                    |
//! |----------------------------|------------------------|------------------------------------------------------------------------------|
//! | `otpone.getTransactionID`  | `/api/getTransactionID`| `SrvAPIKey`, `UserMail`, `requestype`, `Message`, `privateToken` (may be empty) |
//! | `otpone.GetHTML`           | `/api/GetHTML`         | `SrvAPIKey`, `transactionid`, `pageType`, `FormID`                           |
//! | `otpone.VerifyToken`       | `/api/VerifyToken`     | `SrvAPIKey`, `token`                                                          |
//! | `otpone.IsFinish`          | `/api/IsFinish`        | `JsAPIKey`, `transactionid`                                                   |
//! | `otpone.GetResult`         | `/api/GetResult`       | `JsAPIKey`, `transactionid`                                                   |
//! | `otpone.SendRequest`       | `/api/SendRequest`     | `SrvAPIKey`, `UserMail`, `requestype`, `Message`, `userIP`, `OSType`, `NavigatorOrAPPName` |
//!
//! A missing, repeated or unknown parameter, a body, or an enum value outside the seed's
//! tables is a strict 400 (`{"Message": why, "sandbox": "strict"}`, ASP.NET's error shape).
//! A key of the wrong kind (a `JS-` key on a server route, an `SRV-` key on a client route)
//! answers 403 and an unregistered key 401, both `{"Message"}`; a transaction of another key
//! pair answers 404.
//!
//! State: key pairs registered by [`OtpOneSim::register_keys`]; transactions per user that the
//! control API approves, denies or expires (or that expire after
//! [`OtpOneSim::set_transaction_ttl`]). Approval issues the token the page would receive,
//! single-use at VerifyToken. `privateToken` is delivered only for an approved transaction.
//! SendRequest holds its answer until the transaction is approved or denied, or until
//! [`OtpOneSim::set_server_only_timeout`] (two minutes, as in the seed) passes.

mod query;
mod routes;

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use routes::random_hex;

/// Where a transaction stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OtpOneStatus {
    /// Waiting for the person.
    Pending,
    /// The person approved.
    Approved,
    /// The person denied.
    Denied,
    /// Nobody answered in time (or the control API expired it).
    Expired,
}

impl OtpOneStatus {
    /// `pending`, `approved`, `denied` or `expired`.
    pub fn as_str(self) -> &'static str {
        match self {
            OtpOneStatus::Pending => "pending",
            OtpOneStatus::Approved => "approved",
            OtpOneStatus::Denied => "denied",
            OtpOneStatus::Expired => "expired",
        }
    }
}

/// A transaction as the control API shows it. The private token and the issued token are
/// deliberately left out, so printing one leaks nothing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OtpOneTransaction {
    /// The transaction id.
    pub id: String,
    /// `UserMail` as received.
    pub user_mail: String,
    /// `requestype` as a number.
    pub request_type: u8,
    /// `Message` as received.
    pub message: String,
    /// Where it stands.
    pub status: OtpOneStatus,
    /// Opened by SendRequest (server only) rather than getTransactionID.
    pub server_only: bool,
    /// Whether a non-empty `privateToken` was attached.
    pub has_private_token: bool,
    /// `userIP`, `OSType`, `NavigatorOrAPPName` of a SendRequest (a JSON object with those
    /// keys).
    #[serde(serialize_with = "requester_object")]
    pub requester: Option<(String, String, String)>,
}

fn requester_object<S: serde::Serializer>(
    requester: &Option<(String, String, String)>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::Serialize;
    let object = requester
        .as_ref()
        .map(|(ip, os, navigator)| serde_json::json!({ "userIP": ip, "OSType": os, "NavigatorOrAPPName": navigator }));
    object.serialize(serializer)
}

struct KeyPair {
    server: String,
    client: String,
}

struct Txn {
    pair: usize,
    seq: u64,
    created: Instant,
    view: OtpOneTransaction,
    private_token: String,
    /// `UserValided` to report instead of the transaction's user.
    reported_user: Option<String>,
}

struct State {
    pairs: Vec<KeyPair>,
    txns: HashMap<String, Txn>,
    /// Issued, unused tokens → transaction id.
    tokens: HashMap<String, String>,
    seq: u64,
    ttl: Duration,
    server_only_timeout: Duration,
    html_as_text: bool,
    last_query: Option<String>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            pairs: Vec::new(),
            txns: HashMap::new(),
            tokens: HashMap::new(),
            seq: 0,
            ttl: Duration::from_secs(300),
            server_only_timeout: Duration::from_secs(120),
            html_as_text: false,
            last_query: None,
        }
    }
}

impl State {
    /// The transaction, with a pending one past its lifetime turned into an expired one.
    fn txn(&mut self, id: &str) -> Option<&mut Txn> {
        let ttl = self.ttl;
        let txn = self.txns.get_mut(id)?;
        if txn.view.status == OtpOneStatus::Pending && !txn.view.server_only && txn.created.elapsed() >= ttl {
            txn.view.status = OtpOneStatus::Expired;
        }
        Some(txn)
    }
}

/// The OtpOne stand-in's state and control API.
#[derive(Default)]
pub struct OtpOneSim {
    state: Mutex<State>,
    /// Woken on every change of a transaction (SendRequest and `wait_pending` wait on it).
    changed: Notify,
}

impl std::fmt::Debug for OtpOneSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state();
        f.debug_struct("OtpOneSim")
            .field("key_pairs", &state.pairs.len())
            .field("transactions", &state.txns.len())
            .finish_non_exhaustive()
    }
}

impl OtpOneSim {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers an API key pair: the server key (`SRV-…`) and its client key (`JS-…`).
    pub fn register_keys(&self, server_key: &str, client_key: &str) {
        self.state().pairs.push(KeyPair { server: server_key.into(), client: client_key.into() });
    }

    /// The person approves: the transaction becomes approved and the token the page would
    /// receive is returned. `None` when the transaction is unknown or no longer pending.
    pub fn approve(&self, transaction_id: &str) -> Option<String> {
        let token = {
            let mut state = self.state();
            let txn = state.txn(transaction_id)?;
            if txn.view.status != OtpOneStatus::Pending {
                return None;
            }
            txn.view.status = OtpOneStatus::Approved;
            let token = random_hex(32);
            state.tokens.insert(token.clone(), transaction_id.to_string());
            token
        };
        self.changed.notify_waiters();
        Some(token)
    }

    /// The person denies. False when the transaction is unknown or no longer pending.
    pub fn deny(&self, transaction_id: &str) -> bool {
        self.finish(transaction_id, OtpOneStatus::Denied)
    }

    /// The transaction expires now, as if nobody answered.
    pub fn expire(&self, transaction_id: &str) -> bool {
        self.finish(transaction_id, OtpOneStatus::Expired)
    }

    fn finish(&self, transaction_id: &str, status: OtpOneStatus) -> bool {
        let done = match self.state().txn(transaction_id) {
            Some(txn) if txn.view.status == OtpOneStatus::Pending => {
                txn.view.status = status;
                true
            }
            _ => false,
        };
        if done {
            self.changed.notify_waiters();
        }
        done
    }

    /// Makes results of the transaction report `user` as `UserValided` (to test that a
    /// mismatch is refused). False when the transaction is unknown.
    pub fn set_reported_user(&self, transaction_id: &str, user: &str) -> bool {
        match self.state().txn(transaction_id) {
            Some(txn) => {
                txn.reported_user = Some(user.into());
                true
            }
            None => false,
        }
    }

    /// How long a getTransactionID transaction waits for the person (5 minutes by default).
    pub fn set_transaction_ttl(&self, ttl: Duration) {
        self.state().ttl = ttl;
    }

    /// How long SendRequest waits for the person before answering "timed out" (the seed's
    /// 2 minutes by default).
    pub fn set_server_only_timeout(&self, timeout: Duration) {
        self.state().server_only_timeout = timeout;
    }

    /// Makes GetHTML answer `text/html` instead of a JSON string.
    pub fn set_html_as_text(&self, as_text: bool) {
        self.state().html_as_text = as_text;
    }

    /// A transaction, as the control API shows it.
    pub fn transaction(&self, transaction_id: &str) -> Option<OtpOneTransaction> {
        self.state().txn(transaction_id).map(|txn| txn.view.clone())
    }

    /// The newest pending transaction of `user_mail`.
    pub fn pending_for(&self, user_mail: &str) -> Option<String> {
        let mut state = self.state();
        let ids: Vec<String> = state.txns.keys().cloned().collect();
        ids.into_iter()
            .filter_map(|id| {
                let txn = state.txn(&id)?;
                let pending = txn.view.status == OtpOneStatus::Pending && txn.view.user_mail == user_mail;
                pending.then_some((txn.seq, id))
            })
            .max()
            .map(|(_, id)| id)
    }

    /// Waits up to `timeout` for a pending transaction of `user_mail` (a SendRequest in
    /// flight, say) and returns its id.
    pub async fn wait_pending(&self, user_mail: &str, timeout: Duration) -> Option<String> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(id) = self.pending_for(user_mail) {
                return Some(id);
            }
            tokio::time::timeout_at(deadline, notified).await.ok()?;
        }
    }

    /// The raw query string of the last request (it holds keys: for wire-format tests only).
    pub fn last_query(&self) -> Option<String> {
        self.state().last_query.clone()
    }
}
