//! Login sessions: UpdatePicture (callback 3), AuthorizedUser (callback 6) and CloseSession
//! (callback 10).
//! Each acts only on an `authId` this portal got from its own RequestAuthorization (or from a
//! ConfirmUserRegistration of a registration it started), and one at a time per `authId`.

use base64::Engine;

use super::{check_portal_id, update_session, Fields, Inner, Outcome, Refusal};
use crate::nopass::digest::digest;
use crate::nopass::events::{AuthorizationResult, PictureUpdate, SessionClosing};
use crate::nopass::png::check_png;
use crate::nopass::routes::Callback;
use crate::nopass::state::{now_ms, LoginSession, PortalRecord, SessionState};
use crate::nopass::store::SessionKey;
use crate::nopass::subjects::{Subject, SubjectGuard};

const ID: Option<usize> = Some(256);

/// `nextChange` is an `int` in the public sample: at most 2^31 - 1 milliseconds.
const MAX_NEXT_CHANGE: u64 = i32::MAX as u64;

/// Claims the login of `auth_id` for this callback (a copy of it waits, then finds the login
/// changed) and reads the session.
async fn claim_session<'a>(
    inner: &'a Inner,
    callback: Callback,
    auth_id: &str,
) -> Result<(SubjectGuard<'a>, LoginSession), Refusal> {
    let auth_digest = digest(auth_id);
    let guard = inner.claim(callback, Subject::of_digest("login", auth_digest)).await?;
    let session = inner.stored_session(SessionKey::AuthDigest(auth_digest)).await?.ok_or_else(|| {
        Refusal::new(404, "unknown_auth_id", "`authId` does not belong to a login this portal started")
    })?;
    Ok((guard, session))
}

/// The session must be a login still waiting for the person.
fn still_pending(session: &LoginSession, now: u64) -> Result<(), Refusal> {
    if session.state != SessionState::Pending {
        return Err(Refusal::wrong_state(
            "session_finished",
            format!("the session is {} already", session.state.as_str()),
        ));
    }
    if now >= session.expires_at_ms {
        return Err(Refusal::new(410, "session_expired", "the login of this `authId` expired"));
    }
    Ok(())
}

fn changed(session: &LoginSession, now: u64) -> LoginSession {
    LoginSession { updated_at_ms: now, version: session.version + 1, ..session.clone() }
}

/// Callback 3: the next picture/code of a pending login, valid for `nextChange` ms.
pub(super) async fn update_picture(inner: &Inner, record: PortalRecord, mut f: Fields) -> Result<Outcome, Refusal> {
    let auth_id = f.required_str("authId", ID)?;
    let image = f.required_str("image", None)?;
    let next_change_ms = f.required_uint("nextChange", MAX_NEXT_CHANGE, "must be at most 2147483647 milliseconds")?;
    let reported_user_id = f.optional_str("UserId", ID)?;
    let png = base64::engine::general_purpose::STANDARD
        .decode(image.as_bytes())
        .map_err(|_| Refusal::invalid("image", "must be a PNG file coded in base64"))?;
    check_png(&png).map_err(|rule| Refusal::invalid("image", rule))?;
    let (_claim, session) = claim_session(inner, Callback::UpdatePicture, &auth_id).await?;
    still_pending(&session, now_ms())?;
    let event = PictureUpdate {
        handle: session.handle.clone(),
        user_id: session.user_id.clone(),
        reported_user_id,
        image: image.clone(),
        next_change_ms,
    };
    let hooks = inner.hooks.clone();
    inner.hook(Callback::UpdatePicture, hooks.update_picture(event)).await?;
    update_session(inner, Callback::UpdatePicture, record, session, |session, now| {
        still_pending(session, now)?;
        Ok(LoginSession {
            image: Some(image.clone()),
            next_change_ms: Some(next_change_ms),
            picture_expires_at_ms: Some(now.saturating_add(next_change_ms)),
            pictures: session.pictures.saturating_add(1),
            ..changed(session, now)
        })
    })
    .await?;
    Ok(Outcome::Done)
}

/// Callback 6: the login is decided, once. An authorised login then waits to be redeemed by the
/// host, for [`crate::nopass::PortalConfig::redeem_ttl`] at most.
pub(super) async fn authorized_user(inner: &Inner, record: PortalRecord, mut f: Fields) -> Result<Outcome, Refusal> {
    let auth_id = f.required_str("authId", ID)?;
    let authorized = f.bool("isAuthorized", true)?.unwrap_or(false);
    let reason = f.optional_str("reason", Some(2084))?;
    let (_claim, session) = claim_session(inner, Callback::AuthorizedUser, &auth_id).await?;
    still_pending(&session, now_ms())?;
    let event = AuthorizationResult {
        handle: session.handle.clone(),
        user_id: session.user_id.clone(),
        authorized,
        reason: reason.clone(),
    };
    let hooks = inner.hooks.clone();
    inner.hook(Callback::AuthorizedUser, hooks.authorized_user(event)).await?;
    let redeem_ttl = inner.config.redeem_ttl.as_millis() as u64;
    update_session(inner, Callback::AuthorizedUser, record, session, |session, now| {
        still_pending(session, now)?;
        let (state, expires_at_ms) = if authorized {
            (SessionState::Authorized, now.saturating_add(redeem_ttl))
        } else {
            (SessionState::Denied, session.expires_at_ms)
        };
        Ok(LoginSession { state, reason: reason.clone(), expires_at_ms, ..changed(session, now) })
    })
    .await?;
    Ok(Outcome::Bool(true))
}

/// Callback 10: the user closed the session in NoPass. `userId` is at most 36 characters and may
/// be empty (social-network registrations).
pub(super) async fn close_session(inner: &Inner, record: PortalRecord, mut f: Fields) -> Result<Outcome, Refusal> {
    let reported_user_id = f.optional_str("userId", Some(36))?.filter(|id| !id.is_empty());
    let portal_id = f.required_str("portalId", ID)?;
    let auth_id = f.required_str("authId", ID)?;
    check_portal_id(&record, &portal_id)?;
    let (_claim, session) = claim_session(inner, Callback::CloseSession, &auth_id).await?;
    if session.state == SessionState::Closed {
        return Err(Refusal::wrong_state("session_finished", "the session is closed already"));
    }
    let event = SessionClosing { handle: session.handle.clone(), user_id: session.user_id.clone(), reported_user_id };
    let hooks = inner.hooks.clone();
    inner.hook(Callback::CloseSession, hooks.close_session(event)).await?;
    update_session(inner, Callback::CloseSession, record, session, |session, now| {
        if session.state == SessionState::Closed {
            return Err(Refusal::wrong_state("session_finished", "the session is closed already"));
        }
        Ok(LoginSession { state: SessionState::Closed, ..changed(session, now) })
    })
    .await?;
    Ok(Outcome::Bool(true))
}
