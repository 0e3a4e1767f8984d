//! What the portal hands back to JavaScript: its status, sessions, started registrations and
//! redeemed logins. None of them carries a capability: no `authId`, no `otp`, no `authToken`
//! (core keeps those, or only their digests), so logging one of these objects leaks nothing.

use authbridge::nopass::{self, LoginSession, PortalRecord, RedeemedLogin as CoreRedeemedLogin};
use napi_derive::napi;

/// The portal's registration with the NoPass server.
#[napi(object)]
pub struct PortalStatus {
    /// A pre-registration not confirmed within `preRegistrationTtlMs` reads as `unregistered`.
    #[napi(ts_type = "'unregistered' | 'pre_registered' | 'registered' | 'disabled'")]
    pub phase: String,
    pub portal_id: Option<String>,
    /// Whether the NoPass server gave an `authToken` (the token itself stays inside).
    pub has_auth_token: bool,
    /// The settings the NoPass server sent (a string, as in the seed).
    pub settings: Option<String>,
    pub version: f64,
    pub changed_at_ms: f64,
}

impl From<PortalRecord> for PortalStatus {
    fn from(record: PortalRecord) -> Self {
        Self {
            phase: record.phase.as_str().to_string(),
            portal_id: record.portal_id,
            has_auth_token: record.auth_token.is_some(),
            settings: record.settings,
            version: record.version as f64,
            changed_at_ms: record.changed_at_ms as f64,
        }
    }
}

/// A login (or portal-started registration) session, known by its browser handle.
#[napi(object)]
pub struct PortalSession {
    /// The opaque handle to give the browser: random, unrelated to the NoPass server's
    /// `authId` (which never leaves the portal).
    pub handle: String,
    /// The portal's user id the login was requested (or the registration started) for.
    pub user_id: String,
    /// `login` (requestAuthorization) or `registration` (preRegisterUser).
    #[napi(ts_type = "'login' | 'registration'")]
    pub origin: String,
    /// `authorized` waits for `redeemLogin`; `redeemed` once it was; an authorised login not
    /// redeemed within `redeemTtlMs` reads as `expired`.
    #[napi(ts_type = "'pending' | 'authorized' | 'redeemed' | 'denied' | 'closed' | 'expired'")]
    pub state: String,
    /// Why the login was denied.
    pub reason: Option<String>,
    /// The current picture/code, base64 PNG.
    pub image: Option<String>,
    /// The picture as a `data:` URL for an `<img src>`.
    pub image_data_url: Option<String>,
    /// How long the current picture is valid, in ms (`nextChange`).
    pub next_change_ms: Option<f64>,
    pub picture_expires_at_ms: Option<f64>,
    pub pictures: u32,
    pub created_at_ms: f64,
    /// When a pending login runs out, or an authorised one must be redeemed by.
    pub expires_at_ms: f64,
    pub updated_at_ms: f64,
    /// Increases with every change: pass it as `seenVersion` to wait for the next one.
    pub version: f64,
    /// Whether nothing more can happen to the session (an authorised one can still be redeemed).
    pub finished: bool,
}

impl From<LoginSession> for PortalSession {
    fn from(session: LoginSession) -> Self {
        Self {
            image_data_url: session.image_data_url(),
            finished: session.is_finished(),
            handle: session.handle,
            user_id: session.user_id,
            origin: session.origin.as_str().to_string(),
            state: session.state.as_str().to_string(),
            reason: session.reason,
            image: session.image,
            next_change_ms: session.next_change_ms.map(|v| v as f64),
            picture_expires_at_ms: session.picture_expires_at_ms.map(|v| v as f64),
            pictures: session.pictures,
            created_at_ms: session.created_at_ms as f64,
            expires_at_ms: session.expires_at_ms as f64,
            updated_at_ms: session.updated_at_ms as f64,
            version: session.version as f64,
        }
    }
}

/// A started user registration: send the person to `registerLink`, give the browser
/// `handle` to wait on. Once the NoPass server confirms the registration the session is
/// `authorized`; redeem it like a login. (The `otp` the NoPass server issued stays inside the
/// portal: only ConfirmUserRegistration needs it.)
#[napi(object)]
pub struct PreRegisteredUser {
    pub user_id: String,
    pub handle: String,
    pub register_link: String,
    /// When the registration stops being accepted (Unix ms).
    pub expires_at_ms: f64,
}

impl From<nopass::PreRegisteredUser> for PreRegisteredUser {
    fn from(started: nopass::PreRegisteredUser) -> Self {
        Self {
            user_id: started.user_id,
            handle: started.handle,
            register_link: started.register_link,
            expires_at_ms: started.expires_at_ms as f64,
        }
    }
}

/// An authorised login, handed out once by `redeemLogin`: sign this user in.
#[napi(object)]
pub struct RedeemedLogin {
    pub handle: String,
    /// The portal's own user id (what `requestAuthorization` or `preRegisterUser` was given),
    /// never a value the NoPass server supplied.
    pub user_id: String,
    #[napi(ts_type = "'login' | 'registration'")]
    pub origin: String,
    /// When the NoPass server authorised it (Unix ms).
    pub authorized_at_ms: f64,
}

impl From<CoreRedeemedLogin> for RedeemedLogin {
    fn from(login: CoreRedeemedLogin) -> Self {
        Self {
            handle: login.handle,
            user_id: login.user_id,
            origin: login.origin.as_str().to_string(),
            authorized_at_ms: login.authorized_at_ms as f64,
        }
    }
}
