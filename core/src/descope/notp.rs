//! nOTP (docs/vendors/descope.md, "nOTP: starting, and waiting for the person"): phase one starts a
//! sign-up, sign-in or sign-up-or-in and returns a QR `image`, a `redirectUrl` and a `pendingRef`;
//! phase two, once the person has sent the pre-filled WhatsApp message, retrieves the session with
//! that `pendingRef`.
//!
//! Paths (docs/vendors/descope.md, "Endpoints"):
//! `POST /v1/auth/notp/{provider}/signup|signin|signup-in`, provider `whatsapp` by default, and
//! `POST /v1/auth/notp/pending-session` with `{"pendingRef"}`, which answers `E066103` until the
//! person has acted.

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};

use serde::Deserialize;
use serde_json::{json, Value};

use super::client::{success, DescopeClient};
use super::error::{error_from, Call, ErrorBody, PENDING};
use super::options::{NotpOptions, UserDetails};
use super::session::Session;
use crate::transport::{Replay, Request};
use crate::validate::{no_control, required};
use crate::wait::{poll_until, Poll, WaitOptions};
use crate::{Error, Result, Secret};

/// A poll that failed in transit this many times in a row ends the wait with its error.
const MAX_TRANSIENT_FAILURES: u32 = 3;

/// What phase one returns: show `image` (a base64 PNG QR code) or send the person to
/// `redirect_url`, then wait with `pending_ref`.
#[derive(Clone)]
pub struct NotpStart {
    /// Whoever holds it can collect the session once the person has acted, so it is secret.
    pub pending_ref: Secret,
    /// The link that opens the messaging app (WhatsApp by default) with the message filled in:
    /// where to send a person who is already on their phone.
    pub redirect_url: String,
    /// The QR code as base64-encoded PNG.
    pub image: String,
}

impl fmt::Debug for NotpStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NotpStart")
            .field("pending_ref", &self.pending_ref)
            .field("redirect_url", &self.redirect_url)
            .field("image", &format_args!("<{} base64 chars>", self.image.len()))
            .finish()
    }
}

/// What one look at a pending nOTP login found.
#[derive(Debug, Clone)]
pub enum PendingSession {
    /// The person has not sent the message yet (`E066103`).
    Pending,
    /// The person has acted: here is the session.
    Ready(Box<Session>),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartBody {
    pending_ref: Secret,
    #[serde(default)]
    redirect_url: String,
    #[serde(default)]
    image: String,
}

#[derive(Clone, Copy)]
enum Start {
    Up,
    In,
    UpOrIn,
}

impl Start {
    fn segment(self) -> &'static str {
        match self {
            Start::Up => "signup",
            Start::In => "signin",
            Start::UpOrIn => "signup-in",
        }
    }

    fn operation(self) -> &'static str {
        match self {
            Start::Up => "notp_sign_up",
            Start::In => "notp_sign_in",
            Start::UpOrIn => "notp_sign_up_or_in",
        }
    }
}

impl DescopeClient {
    /// Starts signing up a new user. `login_id` may be empty: the person's WhatsApp number
    /// then becomes the login ID.
    pub async fn notp_sign_up(
        &self,
        login_id: &str,
        user: Option<&UserDetails>,
        options: &NotpOptions,
    ) -> Result<NotpStart> {
        if let Some(user) = user {
            user.check()?;
        }
        self.notp_start(Start::Up, login_id, user, options).await
    }

    /// Starts signing in an existing user (or, with `stepup`/`mfa` and the refresh JWT in
    /// `options`, adds this login to an existing session).
    pub async fn notp_sign_in(&self, login_id: &str, options: &NotpOptions) -> Result<NotpStart> {
        self.notp_start(Start::In, login_id, None, options).await
    }

    /// Starts signing in, signing the user up first when the login ID is new.
    pub async fn notp_sign_up_or_in(&self, login_id: &str, options: &NotpOptions) -> Result<NotpStart> {
        self.notp_start(Start::UpOrIn, login_id, None, options).await
    }

    async fn notp_start(
        &self,
        start: Start,
        login_id: &str,
        user: Option<&UserDetails>,
        options: &NotpOptions,
    ) -> Result<NotpStart> {
        no_control("loginId", login_id)?;
        options.check(matches!(start, Start::In))?;
        let mut body = json!({ "loginId": login_id, "loginOptions": options.login_options });
        if let Some(user) = user {
            body["user"] = serde_json::to_value(user).map_err(|e| Error::Config(format!("user: {e}")))?;
        }
        if let Some(provider_id) = &options.provider_id {
            body["providerId"] = Value::String(provider_id.clone());
        }
        let refresh = if matches!(start, Start::In) { options.refresh_jwt.as_ref() } else { None };
        let path = ["v1", "auth", "notp", options.provider.as_str(), start.segment()];
        // Each call opens a new pending login: never sent twice once it may have arrived.
        let response = self.post(&path, start.operation(), Replay::Never, refresh, &body).await?;
        let body: StartBody = response.json()?;
        Ok(NotpStart { pending_ref: body.pending_ref, redirect_url: body.redirect_url, image: body.image })
    }

    /// Looks once at a pending login (`POST /v1/auth/notp/pending-session`).
    pub async fn notp_pending_session(&self, pending_ref: &Secret) -> Result<PendingSession> {
        self.poll_pending(pending_ref, Pacing::Transport).await
    }

    /// Waits until the person has acted on the login `pending_ref` started, polling at
    /// `options.interval` (never more than once a second), honouring a 429's `Retry-After`,
    /// until `options.timeout` passes (`timeout`) or `options.cancel` fires (`cancelled`).
    /// A refused or expired login ends the wait with `authentication_failed`. Descope's SDKs
    /// cap a wait at 10 minutes; so should callers.
    pub async fn wait_for_session(&self, pending_ref: &Secret, options: &WaitOptions) -> Result<Session> {
        check_pending_ref(pending_ref)?;
        let transient = AtomicU32::new(0);
        poll_until("descope nOTP pending session", options, || async {
            match self.poll_pending(pending_ref, Pacing::Caller).await {
                Ok(PendingSession::Ready(session)) => Ok(Poll::Ready(*session)),
                Ok(PendingSession::Pending) => {
                    transient.store(0, Ordering::Relaxed);
                    tracing::debug!("descope nOTP login still pending");
                    Ok(Poll::Pending)
                }
                Err(error) if is_transient(&error) => {
                    if transient.fetch_add(1, Ordering::Relaxed) + 1 >= MAX_TRANSIENT_FAILURES {
                        return Err(error);
                    }
                    tracing::debug!(code = error.code(), "descope nOTP poll failed in transit; polling again");
                    Ok(Poll::Pending)
                }
                Err(error) => Err(error),
            }
        })
        .await
    }

    async fn poll_pending(&self, pending_ref: &Secret, pacing: Pacing) -> Result<PendingSession> {
        check_pending_ref(pending_ref)?;
        let url = self.url(&["v1", "auth", "notp", "pending-session"])?;
        // A read: asking twice changes nothing on the server.
        let mut request = Request::post(url, "notp_pending_session", Replay::Safe)
            .header(http::header::ACCEPT, "application/json")?
            .json(&json!({ "pendingRef": pending_ref.expose() }))?;
        if pacing == Pacing::Caller {
            request = request.single_attempt();
        }
        let response = self.send(request, None).await?;
        if !response.is_success() && response.status.as_u16() != 429 {
            if ErrorBody::of(&response).error_code.as_deref() == Some(PENDING) {
                return Ok(PendingSession::Pending);
            }
            return Err(error_from(&response, Call::PendingSession));
        }
        let response = success(response, Call::PendingSession)?;
        Ok(PendingSession::Ready(Box::new(Session::from_response(&response)?)))
    }
}

/// Who decides when a pending-session read is repeated.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pacing {
    /// A single look: the transport's retry policy applies.
    Transport,
    /// A wait's poll: sent once, since the wait paces every request itself so nothing is sent
    /// faster than once a second.
    Caller,
}

fn check_pending_ref(pending_ref: &Secret) -> Result<()> {
    required("pendingRef", pending_ref.expose())?;
    no_control("pendingRef", pending_ref.expose())
}

/// A poll that failed on the way, not an answer about the login.
fn is_transient(error: &Error) -> bool {
    match error.code() {
        "connect" | "transport" | "timeout" => true,
        "http_status" => matches!(error.status(), Some(502..=504)),
        _ => false,
    }
}
