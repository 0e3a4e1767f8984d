//! The server side of OtpOne: the operations that need the server key (docs/vendors/otpone.md,
//! "Keys": every step of the standard and server-only flows, and the distributed flow's first).

use super::api::{Api, Arg, Op};
use super::config::OtpOneConfig;
use super::input;
use super::keys::ServerKey;
use super::result::{Transaction, Validation};
use super::{answer, PageType, RequestType};
use crate::{Result, Secret};

/// The server-side OtpOne client. It can only be built from a [`ServerKey`], so a client key
/// can never be used for a server operation:
///
/// ```
/// # use authbridge::otpone::{OtpOneConfig, OtpOneServer, ServerKey};
/// let key = ServerKey::new("SRV-00000000-0000-0000-0000-000000000000")?;
/// let server = OtpOneServer::new(OtpOneConfig::default(), key)?;
/// # Ok::<(), authbridge::Error>(())
/// ```
///
/// ```compile_fail
/// # use authbridge::otpone::{ClientKey, OtpOneConfig, OtpOneServer};
/// let key = ClientKey::new("JS-00000000-0000-0000-0000-000000000000")?;
/// let server = OtpOneServer::new(OtpOneConfig::default(), key)?; // expected `ServerKey`
/// # Ok::<(), authbridge::Error>(())
/// ```
///
/// It is `Send + Sync`; share one per API key (it pools connections).
#[derive(Debug)]
pub struct OtpOneServer {
    api: Api,
    key: ServerKey,
}

impl OtpOneServer {
    /// A client for the operations the server key serves. Fails when `config` cannot be used;
    /// nothing is sent yet. Keep it on the server: the key must never reach a browser.
    pub fn new(config: OtpOneConfig, key: ServerKey) -> Result<Self> {
        Ok(Self { api: Api::new(config)?, key })
    }

    /// getTransactionID (the first step of the standard and distributed flows): opens a transaction
    /// for `user_mail`.
    ///
    /// `private_token` is what a distributed client receives through GetResult once the person
    /// approves ("a key, a password, a unique information"); the guide marks the parameter
    /// Required but "not used" in a standard request, so `None` sends it empty.
    ///
    /// Never repeated once it may have reached the server: a second call would open a second
    /// transaction.
    pub async fn get_transaction_id(
        &self,
        user_mail: &str,
        request_type: RequestType,
        message: &str,
        private_token: Option<&Secret>,
    ) -> Result<Transaction> {
        input::user_mail("UserMail", user_mail)?;
        input::message("Message", message)?;
        let empty = Secret::default();
        let p = &self.api.config.params;
        let value = request_type.value().to_string();
        let args = [
            (p.srv_api_key.as_str(), Arg::Secret(self.key.secret())),
            (p.user_mail.as_str(), Arg::Plain(user_mail)),
            (p.request_type.as_str(), Arg::Plain(&value)),
            (p.message.as_str(), Arg::Plain(message)),
            (p.private_token.as_str(), Arg::Secret(private_token.unwrap_or(&empty))),
        ];
        let answer = self.api.send(Op::GetTransactionId, &args, None).await?;
        let id = answer.scrub(answer::transaction_id(&answer.response))?;
        Ok(Transaction { id, user_mail: user_mail.to_string(), request_type })
    }

    /// GetHTML (the standard flow's second step): the HTML, JavaScript and CSS the web page writes
    /// out so the person can validate `transaction_id` the `page_type` way; after validation the
    /// page submits the form `form_id` with the token.
    ///
    /// Returned as one string. An answer that is a JSON string (what ASP.NET sends for an
    /// action returning a string) is unwrapped; any other non-JSON body is the HTML itself.
    pub async fn get_html(&self, transaction_id: &str, page_type: PageType, form_id: &str) -> Result<String> {
        input::id("transactionid", transaction_id)?;
        input::id("FormID", form_id)?;
        let p = &self.api.config.params;
        let value = page_type.value().to_string();
        let args = [
            (p.srv_api_key.as_str(), Arg::Secret(self.key.secret())),
            (p.transaction_id.as_str(), Arg::Plain(transaction_id)),
            (p.page_type.as_str(), Arg::Plain(&value)),
            (p.form_id.as_str(), Arg::Plain(form_id)),
        ];
        let answer = self.api.send(Op::GetHtml, &args, None).await?;
        answer.scrub(answer::html(&answer.response))
    }

    /// VerifyToken (the standard flow's last step): checks the token the page received after the
    /// person validated. Succeeds only when `isValid` is true **and** `UserValided` is
    /// `expected_user`, the user the transaction was opened for ([`Transaction::user_mail`]), as
    /// the guide requires; otherwise `authentication_failed` with vendor code `isValid` or
    /// `UserValided`.
    ///
    /// The token is single-use, so the call is never repeated once it may have been seen.
    pub async fn verify_token(&self, token: &Secret, expected_user: &str) -> Result<Validation> {
        input::id("token", token.expose())?;
        input::user_mail("expected_user", expected_user)?;
        let p = &self.api.config.params;
        let args = [(p.srv_api_key.as_str(), Arg::Secret(self.key.secret())), (p.token.as_str(), Arg::Secret(token))];
        let answer = self.api.send(Op::VerifyToken, &args, None).await?;
        answer.outcome()?.accept(Some(expected_user), answer.response.detail())
    }

    /// SendRequest (the server-only flow): asks `user_mail` to validate directly from the server
    /// and answers once the person has (or OtpOne gives up, after about two minutes). The call is
    /// allowed [`OtpOneConfig::send_request_timeout`] (150 s by default), is never repeated, and
    /// succeeds only when `isValid` is true and `UserValided` is `user_mail`.
    ///
    /// `user_ip` is the requester's address (the guide suggests `HTTP_X_FORWARDED_FOR` or
    /// `REMOTE_ADDR`), `os_type` its platform, `app_name` the `NavigatorOrAPPName` shown to the
    /// person. Dropping the future abandons the wait (OtpOne may still show the request).
    pub async fn send_request(
        &self,
        user_mail: &str,
        request_type: RequestType,
        message: &str,
        user_ip: &str,
        os_type: &str,
        app_name: &str,
    ) -> Result<Validation> {
        input::user_mail("UserMail", user_mail)?;
        input::message("Message", message)?;
        input::line("userIP", user_ip)?;
        input::line("OSType", os_type)?;
        input::line("NavigatorOrAPPName", app_name)?;
        let p = &self.api.config.params;
        let value = request_type.value().to_string();
        let args = [
            (p.srv_api_key.as_str(), Arg::Secret(self.key.secret())),
            (p.user_mail.as_str(), Arg::Plain(user_mail)),
            (p.request_type.as_str(), Arg::Plain(&value)),
            (p.message.as_str(), Arg::Plain(message)),
            (p.user_ip.as_str(), Arg::Plain(user_ip)),
            (p.os_type.as_str(), Arg::Plain(os_type)),
            (p.app_name.as_str(), Arg::Plain(app_name)),
        ];
        let timeout = self.api.config.send_request_timeout;
        let answer = self.api.send(Op::SendRequest, &args, Some(timeout)).await?;
        answer.outcome()?.accept(Some(user_mail), answer.response.detail())
    }
}
