//! The AuthX client: the access token, and how every other call carries it.

use http::header::ACCEPT;
use http::HeaderName;

use super::config::AuthxConfig;
use super::envelope::status_error;
use super::token::{AccessToken, Lease, TokenCache};
use crate::transport::{Replay, Request, Response, Transport};
use crate::{Error, Result, Secret, Vendor};

/// An AuthX Public API client. Cheap to share: put it in an `Arc` and call it from many tasks at
/// once; they all use one cached access token and one connection pool.
pub struct AuthxClient {
    pub(super) config: AuthxConfig,
    transport: Transport,
    tokens: TokenCache,
}

impl std::fmt::Debug for AuthxClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthxClient").field("base_url", &self.config.base_url.as_str()).finish_non_exhaustive()
    }
}

/// The operations that carry the bearer token, and what happens when AuthX answers 401.
///
/// A 401 comes from the bearer-token check, which AuthX (an ASP.NET Web API behind OWIN)
/// runs before the operation: the call was refused unprocessed, so no user was added, no PIN
/// stored, no PIN attempt counted and no biometric sample compared. authbridge therefore
/// renews the token once and repeats every operation once, PIN calls included; a wrong PIN is
/// an HTTP 200 envelope, never a 401, so a repeat cannot submit a PIN twice to the PIN check.
/// The only exception is a biometric upload read from a one-shot reader: its bytes are gone,
/// so the token is renewed and the call fails with `unauthorized` for the caller to repeat.
/// At the transport level every one of them is [`Replay::Never`]: once AuthX may have seen
/// it, it is never sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Operation {
    AddUser,
    UpdateUser,
    DeleteUser,
    GeneratePin,
    VerifyPin,
    ProcessBiometric,
}

impl Operation {
    /// The route, as the vendor spells it.
    pub(super) fn path(self) -> &'static str {
        match self {
            Operation::AddUser => "AddUser",
            Operation::UpdateUser => "UpdateUser",
            Operation::DeleteUser => "DeleteUser",
            Operation::GeneratePin => "GeneratePin",
            Operation::VerifyPin => "VerifyPin",
            Operation::ProcessBiometric => "ProcessBiometric",
        }
    }

    /// The name in traces.
    pub(super) fn name(self) -> &'static str {
        match self {
            Operation::AddUser => "add_user",
            Operation::UpdateUser => "update_user",
            Operation::DeleteUser => "delete_user",
            Operation::GeneratePin => "generate_pin",
            Operation::VerifyPin => "verify_pin",
            Operation::ProcessBiometric => "process_biometric",
        }
    }
}

impl AuthxClient {
    /// A client for `config`. Nothing is sent yet: the first call fetches the access token.
    pub fn new(config: AuthxConfig) -> Result<Self> {
        let transport = Transport::new(Vendor::AuthX, config.transport.clone())?;
        let tokens = TokenCache::new(config.token_refresh_margin);
        Ok(Self { config, transport, tokens })
    }

    /// The access token calls are made with: the cached one, or a new one when there is none
    /// or it is due for renewal. Calls fetch it themselves; this is for callers that want to
    /// see it (or warm the cache).
    pub async fn access_token(&self) -> Result<AccessToken> {
        Ok(self.tokens.get(|| self.fetch_token()).await?.token)
    }

    /// AccessToken: the Manage API `ApplicationId`/`ApplicationKey` headers, no body. The vendor
    /// gives no method; authbridge POSTs, as OWIN token endpoints expect. Asking for a token
    /// changes nothing on the server, so the transport may repeat it after any transient failure.
    async fn fetch_token(&self) -> Result<AccessToken> {
        let request = Request::post(self.config.url("AccessToken")?, "access_token", Replay::Safe)
            .header(ACCEPT, "application/json")?
            .secret_header(HeaderName::from_static("applicationid"), &self.config.application_id)?
            .secret_header(HeaderName::from_static("applicationkey"), &self.config.application_key)?;
        let response = self.transport.send(request).await?;
        if !response.is_success() {
            return Err(status_error(&response));
        }
        AccessToken::from_response(&response)
    }

    /// Sends `operation` with the current token, renewing it once after a 401 (see
    /// [`Operation`]). `build` makes the request for a token; it returns `None` when the body
    /// cannot be produced again, and then a 401 is not repeated.
    pub(super) async fn authorized<B>(&self, operation: Operation, mut build: B) -> Result<Response>
    where
        B: FnMut(Request) -> Result<Option<Request>>,
    {
        let lease = self.tokens.get(|| self.fetch_token()).await?;
        let request = build(self.request(operation, &lease)?)?.ok_or_else(|| Error::Transport {
            vendor: Vendor::AuthX,
            message: "the request body cannot be read".into(),
        })?;
        let response = self.transport.send(request).await?;
        if response.status != http::StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        tracing::debug!(operation = operation.name(), "authx refused the access token; renewing it");
        let renewed = self.tokens.renew(lease.generation, || self.fetch_token()).await?;
        match build(self.request(operation, &renewed)?)? {
            Some(request) => self.transport.send(request).await,
            None => {
                let mut detail = response.detail();
                detail.vendor_message = Some(
                    "the access token was refused and has been renewed; the upload was read from a one-shot \
                     source and was not repeated: call again"
                        .into(),
                );
                Err(Error::Unauthorized(Box::new(detail)))
            }
        }
    }

    fn request(&self, operation: Operation, lease: &Lease) -> Result<Request> {
        let token: &Secret = &lease.token.access_token;
        Request::post(self.config.url(operation.path())?, operation.name(), Replay::Never)
            .header(ACCEPT, "application/json")?
            .bearer(token)
    }
}
