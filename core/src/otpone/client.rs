//! The client side of OtpOne: the operations a web page or client application performs with
//! the client key (the distributed flow of docs/vendors/otpone.md: IsFinish, then GetResult).

use super::answer;
use super::api::{Api, Arg, Op};
use super::config::OtpOneConfig;
use super::input;
use super::keys::ClientKey;
use super::result::Validation;
use crate::wait::{poll_until, Poll, WaitOptions};
use crate::Result;

/// The client-side OtpOne client, built from a [`ClientKey`]. It offers only what the client
/// key may do: IsFinish and GetResult, and [`OtpOneClient::wait_for_result`] on top of them.
/// It is `Send + Sync`.
#[derive(Debug)]
pub struct OtpOneClient {
    api: Api,
    key: ClientKey,
}

impl OtpOneClient {
    /// A client for the operations the client key serves. Fails when `config` cannot be used;
    /// nothing is sent yet.
    pub fn new(config: OtpOneConfig, key: ClientKey) -> Result<Self> {
        Ok(Self { api: Api::new(config)?, key })
    }

    /// IsFinish: whether the person has finished with `transaction_id` (approved, denied, or
    /// the transaction ended otherwise). A read: repeated after transient failures.
    pub async fn is_finish(&self, transaction_id: &str) -> Result<bool> {
        input::id("transactionid", transaction_id)?;
        let answer = self.api.send(Op::IsFinish, &self.args(transaction_id), None).await?;
        answer.scrub(answer::finished(&answer.response))
    }

    /// GetResult: the outcome of a finished transaction, with the `privateToken` the server
    /// attached to it (delivered only when the person approved).
    ///
    /// `isValid` must be true, else `authentication_failed` (vendor code `isValid`). When the
    /// client knows whom the transaction was opened for, pass it as `expected_user`: then
    /// `UserValided` must name that user too (vendor code `UserValided`), as the guide requires.
    /// With `None` the caller must compare [`Validation::user_valided`] itself.
    pub async fn get_result(&self, transaction_id: &str, expected_user: Option<&str>) -> Result<Validation> {
        input::id("transactionid", transaction_id)?;
        if let Some(user) = expected_user {
            input::user_mail("expected_user", user)?;
        }
        let answer = self.api.send(Op::GetResult, &self.args(transaction_id), None).await?;
        answer.outcome()?.accept(expected_user, answer.response.detail())
    }

    /// Polls IsFinish every `options.interval` (at least once a second) until it is true, then
    /// returns [`OtpOneClient::get_result`]. Ends with `timeout` at the deadline, `cancelled`
    /// when the token is cancelled, `authentication_failed` when the person denied; a 429
    /// answer stretches the next pause to its `Retry-After`.
    pub async fn wait_for_result(
        &self,
        transaction_id: &str,
        expected_user: Option<&str>,
        options: &WaitOptions,
    ) -> Result<Validation> {
        input::id("transactionid", transaction_id)?;
        if let Some(user) = expected_user {
            input::user_mail("expected_user", user)?;
        }
        poll_until("otpone transaction", options, || async {
            if self.is_finish(transaction_id).await? {
                self.get_result(transaction_id, expected_user).await.map(Poll::Ready)
            } else {
                Ok(Poll::Pending)
            }
        })
        .await
    }

    fn args<'a>(&'a self, transaction_id: &'a str) -> [(&'a str, Arg<'a>); 2] {
        let p = &self.api.config.params;
        [
            (p.js_api_key.as_str(), Arg::Secret(self.key.secret())),
            (p.transaction_id.as_str(), Arg::Plain(transaction_id)),
        ]
    }
}
