//! How records are written in Redis: JSON with named fields, so a person reading the keys
//! with `redis-cli` understands them and a field added later reads as absent from an older
//! record. Versions live next to the JSON in hash fields, where the script compares them
//! without decoding anything; `otp` and `authId` digests appear as lowercase hex.

use data_encoding::HEXLOWER;
use serde::{Deserialize, Serialize};

use super::keys::hex;
use crate::nopass::state::{LoginSession, PendingRegistration, PortalPhase, PortalRecord, SessionOrigin, SessionState};
use crate::{Error, Result, Secret};

#[derive(Serialize, Deserialize)]
struct PortalJson {
    phase: String,
    portal_id: Option<String>,
    /// The bearer token for the NoPass server: Redis holds it as the SQLite file does, so the
    /// server is to be protected like one (ACL user, TLS, no public port).
    auth_token: Option<String>,
    settings: Option<String>,
    changed_at_ms: u64,
}

#[derive(Serialize, Deserialize)]
struct RegistrationJson {
    user_id: Option<String>,
    handle: Option<String>,
    created_at_ms: u64,
    expires_at_ms: u64,
}

#[derive(Serialize, Deserialize)]
struct SessionJson {
    handle: String,
    auth_digest: Option<String>,
    user_id: String,
    origin: String,
    state: String,
    reason: Option<String>,
    image: Option<String>,
    next_change_ms: Option<u64>,
    picture_expires_at_ms: Option<u64>,
    pictures: u32,
    created_at_ms: u64,
    expires_at_ms: u64,
    updated_at_ms: u64,
    version: u64,
}

pub(super) fn encode_portal(record: &PortalRecord) -> Result<String> {
    to_json(&PortalJson {
        phase: record.phase.as_str().to_string(),
        portal_id: record.portal_id.clone(),
        auth_token: record.auth_token.as_ref().map(|t| t.expose().to_string()),
        settings: record.settings.clone(),
        changed_at_ms: record.changed_at_ms,
    })
}

pub(super) fn decode_portal(version: u64, json: &str) -> Result<PortalRecord> {
    let stored: PortalJson = from_json(json, "portal record")?;
    Ok(PortalRecord {
        version,
        phase: parse(&stored.phase, &PHASES, PortalPhase::as_str, "phase")?,
        portal_id: stored.portal_id,
        auth_token: stored.auth_token.map(Secret::new),
        settings: stored.settings,
        changed_at_ms: stored.changed_at_ms,
    })
}

pub(super) fn encode_registration(registration: &PendingRegistration) -> Result<String> {
    to_json(&RegistrationJson {
        user_id: registration.user_id.clone(),
        handle: registration.handle.clone(),
        created_at_ms: registration.created_at_ms,
        expires_at_ms: registration.expires_at_ms,
    })
}

pub(super) fn decode_registration(digest: [u8; 32], json: &str) -> Result<PendingRegistration> {
    let stored: RegistrationJson = from_json(json, "registration")?;
    Ok(PendingRegistration {
        digest,
        user_id: stored.user_id,
        handle: stored.handle,
        created_at_ms: stored.created_at_ms,
        expires_at_ms: stored.expires_at_ms,
    })
}

pub(super) fn encode_session(s: &LoginSession) -> Result<String> {
    to_json(&SessionJson {
        handle: s.handle.clone(),
        auth_digest: s.auth_digest.as_ref().map(hex),
        user_id: s.user_id.clone(),
        origin: s.origin.as_str().to_string(),
        state: s.state.as_str().to_string(),
        reason: s.reason.clone(),
        image: s.image.clone(),
        next_change_ms: s.next_change_ms,
        picture_expires_at_ms: s.picture_expires_at_ms,
        pictures: s.pictures,
        created_at_ms: s.created_at_ms,
        expires_at_ms: s.expires_at_ms,
        updated_at_ms: s.updated_at_ms,
        version: s.version,
    })
}

pub(super) fn decode_session(json: &str) -> Result<LoginSession> {
    let stored: SessionJson = from_json(json, "session")?;
    let auth_digest = stored.auth_digest.as_deref().map(unhex).transpose()?;
    Ok(LoginSession {
        handle: stored.handle,
        auth_digest,
        user_id: stored.user_id,
        origin: parse(&stored.origin, &ORIGINS, SessionOrigin::as_str, "session origin")?,
        state: parse(&stored.state, &STATES, SessionState::as_str, "session state")?,
        reason: stored.reason,
        image: stored.image,
        next_change_ms: stored.next_change_ms,
        picture_expires_at_ms: stored.picture_expires_at_ms,
        pictures: stored.pictures,
        created_at_ms: stored.created_at_ms,
        expires_at_ms: stored.expires_at_ms,
        updated_at_ms: stored.updated_at_ms,
        version: stored.version,
    })
}

const PHASES: [PortalPhase; 4] =
    [PortalPhase::Unregistered, PortalPhase::PreRegistered, PortalPhase::Registered, PortalPhase::Disabled];
const ORIGINS: [SessionOrigin; 2] = [SessionOrigin::Login, SessionOrigin::Registration];
const STATES: [SessionState; 6] = [
    SessionState::Pending,
    SessionState::Authorized,
    SessionState::Redeemed,
    SessionState::Denied,
    SessionState::Closed,
    SessionState::Expired,
];

/// The variant of `all` spelled `text`.
fn parse<T: Copy>(text: &str, all: &[T], name: fn(T) -> &'static str, what: &str) -> Result<T> {
    all.iter().copied().find(|v| name(*v) == text).ok_or_else(|| corrupt(format!("unknown {what} {text:?}")))
}

fn unhex(text: &str) -> Result<[u8; 32]> {
    let bytes = HEXLOWER.decode(text.as_bytes()).map_err(|_| corrupt("a digest is not hex".into()))?;
    bytes.try_into().map_err(|_| corrupt("a digest is not 32 bytes".into()))
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Store(format!("redis: could not encode a record: {e}")))
}

fn from_json<'a, T: Deserialize<'a>>(json: &'a str, what: &str) -> Result<T> {
    // serde_json's message names the position, never the content (which may hold a token).
    serde_json::from_str(json).map_err(|e| corrupt(format!("a stored {what} could not be read: {e}")))
}

fn corrupt(message: String) -> Error {
    Error::Store(format!("redis: {message}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn registered() -> PortalRecord {
        PortalRecord {
            version: 0,
            phase: PortalPhase::Registered,
            portal_id: Some("p1".into()),
            auth_token: Some(Secret::new("tok")),
            settings: Some("{}".into()),
            changed_at_ms: 5,
        }
    }

    fn registration(byte: u8, expires_at_ms: u64) -> PendingRegistration {
        PendingRegistration {
            digest: [byte; 32],
            user_id: Some("u".into()),
            handle: None,
            created_at_ms: 1,
            expires_at_ms,
        }
    }

    fn session(handle: &str, version: u64, updated_at_ms: u64) -> LoginSession {
        LoginSession {
            handle: handle.into(),
            auth_digest: Some([7; 32]),
            user_id: "u".into(),
            origin: SessionOrigin::Registration,
            state: SessionState::Pending,
            reason: Some("r".into()),
            image: None,
            next_change_ms: Some(30_000),
            picture_expires_at_ms: None,
            pictures: 2,
            created_at_ms: 1_000,
            expires_at_ms: 361_000,
            updated_at_ms,
            version,
        }
    }

    #[test]
    fn records_survive_the_round_trip() {
        let record = PortalRecord { version: 7, ..registered() };
        assert_eq!(decode_portal(7, &encode_portal(&record).unwrap()).unwrap(), record);
        assert!(encode_portal(&record).unwrap().contains("\"tok\""), "the real token, not the mask");
        let r = registration(3, 99);
        assert_eq!(decode_registration(r.digest, &encode_registration(&r).unwrap()).unwrap(), r);
        let mut s = session("h", 4, 40);
        s.state = SessionState::Redeemed;
        assert_eq!(decode_session(&encode_session(&s).unwrap()).unwrap(), s);
        s.auth_digest = None;
        assert_eq!(decode_session(&encode_session(&s).unwrap()).unwrap(), s);
    }

    #[test]
    fn damage_is_a_store_error() {
        assert_eq!(decode_session("{").unwrap_err().code(), "store");
        let bad = encode_session(&session("h", 1, 1)).unwrap().replace("pending", "lost");
        assert!(decode_session(&bad).unwrap_err().to_string().contains("unknown session state"));
    }
}
