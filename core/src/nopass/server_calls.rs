//! The portal's calls to the NoPass server (docs/vendors/nopass.md, "Calls the portal makes"):
//! PreRegisterUser starts a user's
//! registration and keeps its `otp`, RequestAuthorization starts a login and opens its
//! session; both with the stored `authToken` as bearer.

use super::digest::digest;
use super::portal::Portal;
use super::server_client::{PreRegisterUserBody, PreRegisterUserData, ServerClient};
use super::shared::detail;
use super::state::{
    new_handle, now_ms, LoginSession, PendingRegistration, PortalPhase, PortalRecord, SessionOrigin, SessionState,
};
use super::store::{Change, StoreOp};
use crate::validate::{no_control, required_max};
use crate::{Error, Result, Secret};

/// A user registration to start with PreRegisterUser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserPreRegistration {
    /// The portal's id of the user (at most 256 characters, like the callbacks' `UserId`).
    pub user_id: String,
    /// The user's IP address, as the portal saw it.
    pub client_ip: Option<String>,
    /// Where the NoPass site sends the user after registering.
    pub redirect_url: Option<String>,
    /// `null` unless the registration goes through a social network.
    pub social_network: Option<String>,
    /// `data.givenName`.
    pub given_name: Option<String>,
    /// `data.surName`.
    pub sur_name: Option<String>,
    /// `data.phoneNumber`.
    pub phone_number: Option<String>,
    /// `data.email`.
    pub email: Option<String>,
}

impl UserPreRegistration {
    /// A registration of the portal's user `user_id` with nothing else filled in.
    pub fn new(user_id: impl Into<String>) -> Self {
        Self { user_id: user_id.into(), ..Self::default() }
    }

    fn validate(&self) -> Result<()> {
        required_max("userId", &self.user_id, 256)?;
        no_control("userId", &self.user_id)?;
        if let Some(ip) = &self.client_ip {
            ip.parse::<std::net::IpAddr>().map_err(|_| Error::invalid("clientIP", "must be an IP address"))?;
        }
        if let Some(url) = &self.redirect_url {
            crate::validate::max_chars("redirectUrl", url, 2084)?;
            let parsed = url::Url::parse(url).map_err(|_| Error::invalid("redirectUrl", "must be an absolute URL"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(Error::invalid("redirectUrl", "must be an http or https URL"));
            }
        }
        if let Some(network) = &self.social_network {
            required_max("socialNetwork", network, 256)?;
        }
        for (field, value) in [
            ("givenName", &self.given_name),
            ("surName", &self.sur_name),
            ("phoneNumber", &self.phone_number),
            ("email", &self.email),
        ] {
            if let Some(value) = value {
                crate::validate::max_chars(field, value, 2084)?;
            }
        }
        Ok(())
    }
}

/// A started user registration: send the user to `register_link`, and give the browser
/// `handle` to wait on; once the NoPass server confirms the registration, the session under
/// that handle is authorised and can be redeemed once ([`Portal::redeem_login`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreRegisteredUser {
    /// The portal's user id the registration was started for.
    pub user_id: String,
    /// The opaque browser handle of the registration's session.
    pub handle: String,
    /// The code ConfirmUserRegistration must carry. The portal keeps only its digest.
    pub otp: Secret,
    /// The NoPass page that registers the user: where to send them.
    pub register_link: String,
    /// When the `otp` stops being accepted (Unix milliseconds).
    pub expires_at_ms: u64,
}

impl Portal {
    /// Starts a user's registration with the NoPass server (PreRegisterUser). The `otp` it
    /// yields is kept (as a digest) until ConfirmUserRegistration uses it or it expires; a
    /// pending session under a fresh handle waits for that confirmation.
    pub async fn pre_register_user(&self, user: UserPreRegistration) -> Result<PreRegisteredUser> {
        user.validate()?;
        let server = self.server()?;
        let record = self.status().await?;
        let (portal_id, token) = registered(&record)?;
        let body = PreRegisterUserBody {
            portal_id: &portal_id,
            user_id: &user.user_id,
            client_ip: user.client_ip.as_deref(),
            redirect_url: user.redirect_url.as_deref(),
            social_network: user.social_network.as_deref(),
            data: PreRegisterUserData {
                given_name: user.given_name.as_deref(),
                sur_name: user.sur_name.as_deref(),
                phone_number: user.phone_number.as_deref(),
                email: user.email.as_deref(),
            },
        };
        let answer = server.pre_register_user(&token, &body).await?;
        let now = now_ms();
        let expires_at_ms = now.saturating_add(self.inner.config.registration_ttl.as_millis() as u64);
        let handle = new_handle();
        let pending = PendingRegistration {
            digest: digest(answer.otp.expose()),
            user_id: Some(user.user_id.clone()),
            handle: Some(handle.clone()),
            created_at_ms: now,
            expires_at_ms,
        };
        let session = new_session(handle.clone(), None, &user.user_id, SessionOrigin::Registration, now, expires_at_ms);
        let ops = vec![StoreOp::PutRegistration(pending), StoreOp::InsertSession(session)];
        self.inner.apply(Change { portal_version: record.version, ops }).await?;
        Ok(PreRegisteredUser {
            user_id: user.user_id,
            handle,
            otp: answer.otp,
            register_link: answer.register_link,
            expires_at_ms,
        })
    }

    /// Starts a login for `user_id` with the NoPass server (RequestAuthorization). The session
    /// it returns carries the first picture and the opaque [`LoginSession::handle`] to give
    /// the browser; the NoPass server's `authId`, which UpdatePicture, AuthorizedUser and
    /// CloseSession then refer to, is kept only as a digest.
    pub async fn request_authorization(&self, user_id: &str) -> Result<LoginSession> {
        required_max("userId", user_id, 256)?;
        no_control("userId", user_id)?;
        let server = self.server()?;
        let record = self.status().await?;
        let (portal_id, token) = registered(&record)?;
        let answer = server.request_authorization(&token, &portal_id, user_id).await?;
        let now = now_ms();
        let expires_at_ms = now.saturating_add(self.inner.config.login_ttl.as_millis() as u64);
        let auth_digest = Some(digest(answer.auth_id.expose()));
        let session = LoginSession {
            image: Some(answer.image),
            next_change_ms: Some(answer.next_change_ms),
            picture_expires_at_ms: Some(now.saturating_add(answer.next_change_ms)),
            pictures: 1,
            ..new_session(new_handle(), auth_digest, user_id, SessionOrigin::Login, now, expires_at_ms)
        };
        self.inner
            .apply(Change { portal_version: record.version, ops: vec![StoreOp::InsertSession(session.clone())] })
            .await?;
        Ok(session)
    }

    fn server(&self) -> Result<&ServerClient> {
        self.inner
            .server
            .as_ref()
            .ok_or_else(|| Error::Config("the portal has no NoPass server configured (PortalConfig::server)".into()))
    }
}

/// A pending session, version 1, with no picture yet.
fn new_session(
    handle: String,
    auth_digest: Option<[u8; 32]>,
    user_id: &str,
    origin: SessionOrigin,
    now: u64,
    expires_at_ms: u64,
) -> LoginSession {
    LoginSession {
        handle,
        auth_digest,
        user_id: user_id.to_string(),
        origin,
        state: SessionState::Pending,
        reason: None,
        image: None,
        next_change_ms: None,
        picture_expires_at_ms: None,
        pictures: 0,
        created_at_ms: now,
        expires_at_ms,
        updated_at_ms: now,
        version: 1,
    }
}

/// The `portalId` and `authToken` of a registered portal.
fn registered(record: &PortalRecord) -> Result<(String, Secret)> {
    match (record.phase, &record.portal_id, &record.auth_token) {
        (PortalPhase::Registered, Some(portal_id), Some(token)) => Ok((portal_id.clone(), token.clone())),
        (phase, ..) => Err(Error::Conflict(Box::new(detail(&format!(
            "the portal is {}: the NoPass server has not registered it (or disabled it)",
            phase.as_str()
        ))))),
    }
}
