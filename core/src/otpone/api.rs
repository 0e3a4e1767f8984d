//! Sending one OtpOne operation: `POST <base><path>?<params>` (docs/vendors/otpone.md,
//! "Endpoints").
//!
//! OtpOne takes its keys and tokens as query parameters, so the request URL is itself a
//! secret. It is built here, handed to the transport (whose spans record only the host and
//! whose errors are stripped of URLs), and never stored in anything printable. Whatever the
//! server says back is scrubbed of the call's secrets before it can reach an error message,
//! in case the server echoes a parameter.

use std::time::Duration;

use http::header::ACCEPT;

use super::answer;
use super::config::OtpOneConfig;
use super::result::Outcome;
use crate::transport::{Replay, Request, Response, Transport};
use crate::{Error, Result, Secret, Vendor};

/// One query parameter value.
pub(super) enum Arg<'a> {
    Plain(&'a str),
    Secret(&'a Secret),
}

/// The operation a call performs: its path, its name in traces, and whether it may be sent
/// twice.
#[derive(Clone, Copy)]
pub(super) enum Op {
    GetTransactionId,
    GetHtml,
    VerifyToken,
    IsFinish,
    GetResult,
    SendRequest,
}

impl Op {
    fn path(self, config: &OtpOneConfig) -> &str {
        let paths = &config.paths;
        match self {
            Op::GetTransactionId => &paths.get_transaction_id,
            Op::GetHtml => &paths.get_html,
            Op::VerifyToken => &paths.verify_token,
            Op::IsFinish => &paths.is_finish,
            Op::GetResult => &paths.get_result,
            Op::SendRequest => &paths.send_request,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Op::GetTransactionId => "getTransactionID",
            Op::GetHtml => "GetHTML",
            Op::VerifyToken => "VerifyToken",
            Op::IsFinish => "IsFinish",
            Op::GetResult => "GetResult",
            Op::SendRequest => "SendRequest",
        }
    }

    /// Reads (GetHTML, IsFinish, GetResult) may be repeated. VerifyToken consumes a
    /// single-use token, getTransactionID opens a transaction and SendRequest notifies the
    /// person: repeating any of them after the server may have seen it would act twice.
    fn replay(self) -> Replay {
        match self {
            Op::GetHtml | Op::IsFinish | Op::GetResult => Replay::Safe,
            Op::GetTransactionId | Op::VerifyToken | Op::SendRequest => Replay::Never,
        }
    }
}

/// What both sides share: the configuration and the HTTP layer.
pub(super) struct Api {
    pub config: OtpOneConfig,
    transport: Transport,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api").field("base_url", &self.config.base_url.as_str()).finish_non_exhaustive()
    }
}

/// A 2xx answer together with the secrets its request carried, for scrubbing what it says.
pub(super) struct Answer<'a> {
    pub response: Response,
    secrets: Vec<&'a Secret>,
}

impl Answer<'_> {
    /// The result (VerifyToken, GetResult, SendRequest), its `Message` scrubbed.
    pub fn outcome(&self) -> Result<Outcome> {
        let mut outcome = answer::outcome(&self.response)?;
        outcome.message = outcome.message.map(|m| redact(m, &self.secrets));
        Ok(outcome)
    }

    /// `result` with the vendor message of its error scrubbed.
    pub fn scrub<T>(&self, result: Result<T>) -> Result<T> {
        result.map_err(|mut error| {
            if let Error::Vendor(detail) | Error::HttpStatus(detail) | Error::AuthenticationFailed(detail) = &mut error
            {
                detail.vendor_message = detail.vendor_message.take().map(|m| redact(m, &self.secrets));
            }
            error
        })
    }
}

impl Api {
    pub fn new(config: OtpOneConfig) -> Result<Self> {
        config.validate()?;
        let transport = Transport::new(Vendor::OtpOne, config.transport.clone())?;
        Ok(Self { config, transport })
    }

    /// Sends `op` with `args` (parameter name, value) in the query string. A non-2xx answer
    /// becomes the error its status means, with OtpOne's `Message` as the vendor message.
    pub async fn send<'a>(&self, op: Op, args: &[(&str, Arg<'a>)], timeout: Option<Duration>) -> Result<Answer<'a>> {
        let mut url = self.config.url(op.path(&self.config));
        let mut secrets = Vec::new();
        {
            let mut query = url.query_pairs_mut();
            for (name, value) in args {
                match value {
                    Arg::Plain(value) => query.append_pair(name, value),
                    Arg::Secret(secret) => {
                        secrets.push(*secret);
                        query.append_pair(name, secret.expose())
                    }
                };
            }
        }
        let mut request = Request::post(url, op.name(), op.replay()).header(ACCEPT, "application/json")?;
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        let response = self.transport.send(request).await?;
        if !response.is_success() {
            let mut detail = response.detail();
            detail.vendor_message = answer::message(&response).map(|m| redact(m, &secrets));
            return Err(Error::from_status(detail));
        }
        Ok(Answer { response, secrets })
    }
}

fn redact(mut text: String, secrets: &[&Secret]) -> String {
    for secret in secrets {
        let plain = secret.expose();
        // A one-character value would blank out ordinary text; keys and tokens are longer.
        if plain.chars().count() >= 4 && text.contains(plain) {
            text = text.replace(plain, "***");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_removes_every_secret_of_the_call() {
        let key = Secret::new("SRV-abcd-1234");
        let token = Secret::new("tok-9876");
        let text = redact("bad key SRV-abcd-1234 for tok-9876".into(), &[&key, &token]);
        assert_eq!(text, "bad key *** for ***");
    }
}
