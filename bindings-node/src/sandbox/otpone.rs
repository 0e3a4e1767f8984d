//! Control API of the OtpOne stand-in: key pairs, and the person approving, denying or
//! ignoring a transaction.

use std::sync::Arc;
use std::time::Duration;

use napi::Env;
use napi_derive::napi;

use super::{Sandbox, Shared};

/// A transaction as the stand-in shows it (no tokens).
#[napi(object)]
pub struct OtpOneSandboxTransaction {
    pub id: String,
    pub user_mail: String,
    /// `requestype` as a number.
    pub request_type: u32,
    pub message: String,
    /// `pending`, `approved`, `denied` or `expired`.
    pub status: String,
    /// Opened by SendRequest rather than getTransactionID.
    pub server_only: bool,
    pub has_private_token: bool,
    /// `[userIP, OSType, NavigatorOrAPPName]` of a SendRequest.
    pub requester: Option<Vec<String>>,
}

/// The OtpOne stand-in's control API (`sandbox.otpone`).
#[napi]
pub struct OtpOneSandbox {
    shared: Arc<Shared>,
}

impl OtpOneSandbox {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

fn ms(value: u32) -> Duration {
    Duration::from_millis(u64::from(value))
}

#[napi]
impl OtpOneSandbox {
    /// Registers an API key pair: the server key (`SRV-…`) and its client key (`JS-…`).
    #[napi(catch_unwind)]
    pub fn register_keys(&self, env: Env, server_key: String, client_key: String) -> napi::Result<()> {
        self.shared.with(&env, |s| s.otpone().register_keys(&server_key, &client_key))
    }

    /// The person approves; returns the token the page would receive, or `null` when the
    /// transaction is unknown or no longer pending.
    #[napi(catch_unwind)]
    pub fn approve(&self, env: Env, transaction_id: String) -> napi::Result<Option<String>> {
        self.shared.with(&env, |s| s.otpone().approve(&transaction_id))
    }

    /// The person denies. False when the transaction is unknown or no longer pending.
    #[napi(catch_unwind)]
    pub fn deny(&self, env: Env, transaction_id: String) -> napi::Result<bool> {
        self.shared.with(&env, |s| s.otpone().deny(&transaction_id))
    }

    /// The transaction expires now, as if nobody answered.
    #[napi(catch_unwind)]
    pub fn expire(&self, env: Env, transaction_id: String) -> napi::Result<bool> {
        self.shared.with(&env, |s| s.otpone().expire(&transaction_id))
    }

    /// Results of the transaction report `user` as `UserValided` (to test the mismatch rule).
    #[napi(catch_unwind)]
    pub fn set_reported_user(&self, env: Env, transaction_id: String, user: String) -> napi::Result<bool> {
        self.shared.with(&env, |s| s.otpone().set_reported_user(&transaction_id, &user))
    }

    /// How long (ms) a getTransactionID transaction waits for the person.
    #[napi(catch_unwind)]
    pub fn set_transaction_ttl(&self, env: Env, ttl_ms: u32) -> napi::Result<()> {
        self.shared.with(&env, |s| s.otpone().set_transaction_ttl(ms(ttl_ms)))
    }

    /// How long (ms) SendRequest waits for the person before answering "timed out".
    #[napi(catch_unwind)]
    pub fn set_server_only_timeout(&self, env: Env, timeout_ms: u32) -> napi::Result<()> {
        self.shared.with(&env, |s| s.otpone().set_server_only_timeout(ms(timeout_ms)))
    }

    /// GetHTML answers `text/html` instead of a JSON string.
    #[napi(catch_unwind)]
    pub fn set_html_as_text(&self, env: Env, as_text: bool) -> napi::Result<()> {
        self.shared.with(&env, |s| s.otpone().set_html_as_text(as_text))
    }

    /// A transaction, or `null`.
    #[napi(catch_unwind)]
    pub fn transaction(&self, env: Env, transaction_id: String) -> napi::Result<Option<OtpOneSandboxTransaction>> {
        let found = self.shared.with(&env, |s| s.otpone().transaction(&transaction_id))?;
        Ok(found.map(|t| OtpOneSandboxTransaction {
            id: t.id,
            user_mail: t.user_mail,
            request_type: u32::from(t.request_type),
            message: t.message,
            status: t.status.as_str().to_string(),
            server_only: t.server_only,
            has_private_token: t.has_private_token,
            requester: t.requester.map(|(ip, os, app)| vec![ip, os, app]),
        }))
    }

    /// The newest pending transaction of `userMail`, or `null`.
    #[napi(catch_unwind)]
    pub fn pending_for(&self, env: Env, user_mail: String) -> napi::Result<Option<String>> {
        self.shared.with(&env, |s| s.otpone().pending_for(&user_mail))
    }

    /// The raw query string of the last request (it holds keys: for wire-format tests only).
    #[napi(catch_unwind)]
    pub fn last_query(&self, env: Env) -> napi::Result<Option<String>> {
        self.shared.with(&env, |s| s.otpone().last_query())
    }
}

// One `impl` block per vendor, so that each vendor's accessor exists only when its feature
// (and module) is compiled in.
#[napi]
impl Sandbox {
    /// The OtpOne stand-in's control API.
    #[napi(getter, catch_unwind)]
    pub fn otpone(&self) -> OtpOneSandbox {
        OtpOneSandbox::new(self.shared.clone())
    }
}
