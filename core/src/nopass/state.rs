//! The portal's state: where it is in its life (docs/vendors/nopass.md, "Portal phases"), the user
//! registrations it started, and the login sessions the NoPass server reports on.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::Secret;

/// Milliseconds since the Unix epoch: stored expiries must survive a restart.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// A fresh browser handle: 192 random bits, base64url. It is not derived from anything the
/// NoPass server knows, so holding one proves nothing to the NoPass side and an `authId`
/// cannot be guessed from it.
pub(crate) fn new_handle() -> String {
    let bytes: [u8; 24] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Where the portal is in its life.
///
/// `Unregistered` → (ConfirmPreRegistration) → `PreRegistered` → (ConfirmRegistration, once,
/// before [`super::PortalConfig::pre_registration_ttl`] runs out, or it reads as
/// `Unregistered` again) → `Registered` → (DisableService) → `Disabled`. Only the host can go
/// back ([`super::Portal::reset`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PortalPhase {
    /// Not registered: only ConfirmPreRegistration is accepted.
    #[default]
    Unregistered,
    /// The `adminId` challenge was answered; ConfirmRegistration is awaited.
    PreRegistered,
    /// Registered: every callback but the two that register the portal is accepted.
    Registered,
    /// DisableService was received: every callback is refused until the host resets the portal.
    Disabled,
}

impl PortalPhase {
    /// Stable snake_case name (`unregistered`, `pre_registered`, `registered`, `disabled`), for
    /// bindings and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            PortalPhase::Unregistered => "unregistered",
            PortalPhase::PreRegistered => "pre_registered",
            PortalPhase::Registered => "registered",
            PortalPhase::Disabled => "disabled",
        }
    }

    #[cfg(feature = "sqlite")] // only the SQLite store reads phases back from text
    pub(crate) fn parse(text: &str) -> Option<Self> {
        [PortalPhase::Unregistered, PortalPhase::PreRegistered, PortalPhase::Registered, PortalPhase::Disabled]
            .into_iter()
            .find(|phase| phase.as_str() == text)
    }
}

/// The portal's registration with the NoPass server.
///
/// Serializes (camelCase) with `authToken` as `"***"`, as every [`Secret`] does: a store that
/// encodes records with serde writes the token itself, from [`Secret::expose`], and reads the
/// whole record back with `Deserialize`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalRecord {
    /// Increases with every change; stores refuse a change made on an older version.
    pub version: u64,
    /// Where the portal is in its life.
    pub phase: PortalPhase,
    /// Assigned by the NoPass server in ConfirmRegistration (callback 2: at most 256 characters).
    pub portal_id: Option<String>,
    /// The bearer token for the portal's calls to the NoPass server (callback 2).
    pub auth_token: Option<Secret>,
    /// The portal's settings as the NoPass server sent them (callback 2: a string).
    pub settings: Option<String>,
    /// When the record last changed (Unix milliseconds).
    pub changed_at_ms: u64,
}

impl PortalRecord {
    /// The record as of `now`: a pre-registration that was not confirmed within `ttl` has
    /// lapsed, so the portal reads as unregistered again (a half-registered portal cannot be
    /// bound by whoever calls ConfirmRegistration later). Never stored: derived when read.
    pub(crate) fn at(mut self, now: u64, ttl: std::time::Duration) -> Self {
        let lapses_at = self.changed_at_ms.saturating_add(ttl.as_millis() as u64);
        if self.phase == PortalPhase::PreRegistered && now >= lapses_at {
            self.phase = PortalPhase::Unregistered;
        }
        self
    }
}

/// Who started a user registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationOrigin {
    /// This portal, with PreRegisterUser: the user is known on the portal's side.
    Portal,
    /// The NoPass server (callback 4): every detail of the user came from the caller, so nothing
    /// about it is proven to the portal.
    #[serde(rename = "nopass_server")]
    NoPassServer,
}

impl RegistrationOrigin {
    /// Stable snake_case name (`portal`, `nopass_server`), for bindings and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationOrigin::Portal => "portal",
            RegistrationOrigin::NoPassServer => "nopass_server",
        }
    }
}

/// A user registration this portal started (PreRegisterUser) or accepted
/// (ValidateUserRegistration), waiting for ConfirmUserRegistration with its `otp`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingRegistration {
    /// SHA-256 of the `otp`: the store never holds the code itself. Hex in serde.
    #[serde(with = "hex_digest")]
    pub digest: [u8; 32],
    /// The portal's user id given to PreRegisterUser, or the `login` of a registration the
    /// NoPass server started.
    pub user_id: Option<String>,
    /// The browser handle of the session a portal-started registration opens; `None` for a
    /// registration the NoPass server started, which never opens an authorised session.
    pub handle: Option<String>,
    /// When PreRegisterUser (or ValidateUserRegistration) created it (Unix milliseconds).
    pub created_at_ms: u64,
    /// When its `otp` stops being accepted (Unix milliseconds).
    pub expires_at_ms: u64,
}

impl PendingRegistration {
    /// Who started the registration: the portal when it opens a session, else the NoPass server.
    pub fn origin(&self) -> RegistrationOrigin {
        if self.handle.is_some() {
            RegistrationOrigin::Portal
        } else {
            RegistrationOrigin::NoPassServer
        }
    }
}

/// Where a login session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    /// Waiting for the person; pictures may change (or, for a registration, waiting for
    /// ConfirmUserRegistration).
    Pending,
    /// AuthorizedUser said yes (or ConfirmUserRegistration completed a registration this
    /// portal started); the host may redeem it once before it expires.
    Authorized,
    /// The host redeemed the authorised login ([`super::Portal::redeem_login`]).
    Redeemed,
    /// AuthorizedUser said no; `reason` says why.
    Denied,
    /// CloseSession ended it.
    Closed,
    /// Still pending when the login time ran out, or authorised and not redeemed in time.
    /// Never stored: derived when read.
    Expired,
}

impl SessionState {
    /// Stable snake_case name (`pending`, `authorized`, …), for bindings and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::Pending => "pending",
            SessionState::Authorized => "authorized",
            SessionState::Redeemed => "redeemed",
            SessionState::Denied => "denied",
            SessionState::Closed => "closed",
            SessionState::Expired => "expired",
        }
    }

    #[cfg(feature = "sqlite")]
    pub(crate) fn parse(text: &str) -> Option<Self> {
        [
            SessionState::Pending,
            SessionState::Authorized,
            SessionState::Redeemed,
            SessionState::Denied,
            SessionState::Closed,
            SessionState::Expired,
        ]
        .into_iter()
        .find(|state| state.as_str() == text)
    }
}

/// How a session began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionOrigin {
    /// The portal's RequestAuthorization.
    Login,
    /// The portal's PreRegisterUser, completed by ConfirmUserRegistration.
    Registration,
}

impl SessionOrigin {
    /// Stable snake_case name (`login`, `registration`), for bindings and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionOrigin::Login => "login",
            SessionOrigin::Registration => "registration",
        }
    }

    #[cfg(feature = "sqlite")]
    pub(crate) fn parse(text: &str) -> Option<Self> {
        [SessionOrigin::Login, SessionOrigin::Registration].into_iter().find(|origin| origin.as_str() == text)
    }
}

/// A login session: what a login page shows and waits on.
///
/// The browser knows it by [`LoginSession::handle`] only. The NoPass server's `authId` is a
/// capability (whoever holds it can answer for the login), so the session keeps only its
/// digest and no API hands it out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginSession {
    /// The opaque handle the host gives the browser: random, not derived from the `authId`.
    pub handle: String,
    /// SHA-256 of the `authId` the NoPass server refers to the session by; `None` while a
    /// registration has not been confirmed. Hex in serde (a digest of a random id: it
    /// reveals nothing).
    #[serde(with = "hex_digest::optional", default)]
    pub auth_digest: Option<[u8; 32]>,
    /// The portal's user id the login was requested (or the registration started) for.
    pub user_id: String,
    /// How the session began.
    pub origin: SessionOrigin,
    /// Where the session is (a session read through the portal shows `Expired` once its time ran
    /// out).
    pub state: SessionState,
    /// Why the login was denied (AuthorizedUser `reason`).
    pub reason: Option<String>,
    /// The current picture/code, base64 PNG as the NoPass server sent it.
    pub image: Option<String>,
    /// How long the current picture is valid, in milliseconds (`nextChange`).
    pub next_change_ms: Option<u64>,
    /// When the current picture expires (Unix milliseconds).
    pub picture_expires_at_ms: Option<u64>,
    /// How many pictures the session has had.
    pub pictures: u32,
    /// When the session was opened (Unix milliseconds).
    pub created_at_ms: u64,
    /// When a pending login runs out, or an authorised one must have been redeemed by (Unix
    /// milliseconds).
    pub expires_at_ms: u64,
    /// When the session last changed (Unix milliseconds).
    pub updated_at_ms: u64,
    /// Increases with every change: a long-poll waits for a version above the one it saw.
    pub version: u64,
}

impl LoginSession {
    /// The picture as a `data:` URL for an `<img src>` (docs/vendors/nopass.md, "Pictures").
    pub fn image_data_url(&self) -> Option<String> {
        self.image.as_ref().map(|image| format!("data:image/png;base64,{image}"))
    }

    /// The picture's PNG bytes.
    pub fn image_png(&self) -> Option<Vec<u8>> {
        base64::engine::general_purpose::STANDARD.decode(self.image.as_ref()?).ok()
    }

    /// Whether nothing more can happen to the session.
    pub fn is_finished(&self) -> bool {
        !matches!(self.state, SessionState::Pending | SessionState::Authorized)
    }

    /// The state as of `now`: a pending login, or an authorised one nobody redeemed, past its
    /// time reads as expired.
    pub(crate) fn at(mut self, now: u64) -> Self {
        let running = matches!(self.state, SessionState::Pending | SessionState::Authorized);
        if running && now >= self.expires_at_ms {
            self.state = SessionState::Expired;
        }
        self
    }
}

impl fmt::Debug for LoginSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginSession")
            .field("handle", &self.handle)
            .field("auth_id", &self.auth_digest.map(|_| "***"))
            .field("user_id", &self.user_id)
            .field("origin", &self.origin)
            .field("state", &self.state)
            .field("reason", &self.reason)
            .field("image", &self.image.as_ref().map(|i| format!("<{} base64 chars>", i.len())))
            .field("next_change_ms", &self.next_change_ms)
            .field("pictures", &self.pictures)
            .field("expires_at_ms", &self.expires_at_ms)
            .field("version", &self.version)
            .finish()
    }
}

/// An authorised login, handed to the host exactly once by [`super::Portal::redeem_login`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedeemedLogin {
    /// The browser handle the login was known by; it no longer names a session that can be
    /// redeemed.
    pub handle: String,
    /// The portal's user id the login was requested (or the registration started) for: the
    /// portal's own data, never a value the NoPass server supplied.
    pub user_id: String,
    /// How the session began.
    pub origin: SessionOrigin,
    /// When the NoPass server authorised it (Unix milliseconds).
    pub authorized_at_ms: u64,
}

/// SHA-256 digests as lowercase hex in serde.
mod hex_digest {
    use data_encoding::HEXLOWER;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(digest: &[u8; 32], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&HEXLOWER.encode(digest))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(deserializer)?;
        let bytes = HEXLOWER.decode(text.as_bytes()).map_err(D::Error::custom)?;
        bytes.try_into().map_err(|_| D::Error::custom("a digest is 32 bytes"))
    }

    pub mod optional {
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(digest: &Option<[u8; 32]>, serializer: S) -> Result<S::Ok, S::Error> {
            match digest {
                Some(digest) => super::serialize(digest, serializer),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<[u8; 32]>, D::Error> {
            #[derive(Deserialize)]
            struct Digest(#[serde(with = "super")] [u8; 32]);
            Ok(Option::<Digest>::deserialize(deserializer)?.map(|Digest(bytes)| bytes))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn state_reads_back_what_it_writes() {
        let session = LoginSession {
            handle: new_handle(),
            auth_digest: Some([7; 32]),
            user_id: "alice".into(),
            origin: SessionOrigin::Registration,
            state: SessionState::Redeemed,
            reason: Some("r".into()),
            image: None,
            next_change_ms: Some(30_000),
            picture_expires_at_ms: None,
            pictures: 2,
            created_at_ms: 1,
            expires_at_ms: 2,
            updated_at_ms: 3,
            version: 4,
        };
        let json = serde_json::to_value(&session).unwrap();
        assert_eq!(json["authDigest"], "07".repeat(32));
        assert_eq!(serde_json::from_value::<LoginSession>(json).unwrap(), session);
        let unconfirmed = LoginSession { auth_digest: None, ..session };
        let back: LoginSession = serde_json::from_str(&serde_json::to_string(&unconfirmed).unwrap()).unwrap();
        assert_eq!(back, unconfirmed);

        let registration = PendingRegistration {
            digest: [1; 32],
            user_id: Some("u".into()),
            handle: None,
            created_at_ms: 1,
            expires_at_ms: 2,
        };
        let back: PendingRegistration = serde_json::from_str(&serde_json::to_string(&registration).unwrap()).unwrap();
        assert_eq!(back, registration);

        let record: PortalRecord = serde_json::from_value(serde_json::json!({
            "version": 3, "phase": "registered", "portalId": "p", "authToken": "tok", "settings": null, "changedAtMs": 9
        }))
        .unwrap();
        assert_eq!(
            (record.phase, record.auth_token.as_ref().map(Secret::expose)),
            (PortalPhase::Registered, Some("tok"))
        );
        assert_eq!(serde_json::to_value(&record).unwrap()["authToken"], "***", "a token never serializes");
    }
}
