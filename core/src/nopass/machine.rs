//! The portal's state machine (docs/vendors/nopass.md, "Portal phases"): which callback is
//! accepted in which phase, then one handler per callback.
//!
//! Every handler follows the same order: read and check every field (400), claim the subject
//! it acts on so that no copy of the callback runs beside it (`subjects.rs`), check the portal
//! and the `otp`/`authId` it refers to (403/404/409/410), ask the host's hook (an error is a
//! 500, a missed deadline a 503, and nothing changes), commit the change to the store (a
//! failure is a 503 and nothing changes), and only then answer 200.

mod login;
mod registration;
mod users;

use std::net::IpAddr;
use std::panic::AssertUnwindSafe;
use std::time::Instant;

use futures_util::FutureExt;
use tracing::Instrument;

use super::digest::same_secret;
use super::fields::Fields;
use super::record::callback_answered;
use super::response::{Outcome, PortalResponse, Refusal};
use super::routes::Callback;
use super::shared::Inner;
use super::state::{now_ms, LoginSession, PortalPhase, PortalRecord};
use super::store::{Change, SessionKey, StoreOp};
use super::subjects::{Subject, SubjectGuard};
use crate::Error;

/// How often a session's change is decided again when concurrent changes keep getting in
/// first.
const COMMIT_ATTEMPTS: usize = 8;

/// Handles an admitted callback's body and answers it: a refusal or a panic becomes the
/// answer too, the callback's span records the status, and the callback's record (counted from
/// `started`, when its request arrived) is made.
pub(crate) async fn process(
    inner: &Inner,
    callback: Callback,
    client: Option<IpAddr>,
    body: &[u8],
    started: Instant,
) -> PortalResponse {
    let span =
        tracing::info_span!("authbridge.nopass.callback", callback = callback.name(), status = tracing::field::Empty);
    let handled =
        AssertUnwindSafe(dispatch(inner, callback, client, body)).catch_unwind().instrument(span.clone()).await;
    let (response, code) = match handled {
        Ok(Ok(outcome)) => (outcome.into_response(inner.config.response_mode), None),
        Ok(Err(refusal)) => {
            let code = refusal.code();
            (refusal.into_response(), Some(code))
        }
        Err(_) => {
            span.in_scope(|| tracing::error!("callback handling panicked"));
            (
                Refusal::new(500, "internal", "the portal failed while handling the callback").into_response(),
                Some("internal"),
            )
        }
    };
    span.record("status", response.status);
    span.in_scope(|| callback_answered(callback, started, response.status, code));
    response
}

async fn dispatch(inner: &Inner, callback: Callback, client: Option<IpAddr>, body: &[u8]) -> Result<Outcome, Refusal> {
    let outcome = handle(inner, callback, client, body).await;
    if callback == Callback::DisableService {
        // Callback 11 answers "true/false": a refused DisableService says `false`.
        return outcome.map_err(|refusal| refusal.with_result(serde_json::Value::Bool(false)));
    }
    outcome
}

async fn handle(inner: &Inner, callback: Callback, client: Option<IpAddr>, body: &[u8]) -> Result<Outcome, Refusal> {
    if callback == Callback::ConfirmPreRegistration {
        // A source that guessed wrong too often is refused before its guess is even read.
        inner.admin_throttle.check(client).map_err(Refusal::throttled)?;
    }
    let record = inner.load_portal().await?;
    gate(callback, record.phase)?;
    let fields = Fields::parse(body)?;
    match callback {
        Callback::ConfirmPreRegistration => registration::confirm_pre_registration(inner, client, fields).await,
        Callback::ConfirmRegistration => registration::confirm_registration(inner, fields).await,
        Callback::DisableService => registration::disable_service(inner, fields).await,
        Callback::ValidateUserRegistration => users::validate_user_registration(inner, record, fields).await,
        Callback::ConfirmUserRegistration => users::confirm_user_registration(inner, record, fields).await,
        Callback::UpdateUser => users::update_user(inner, record, fields).await,
        Callback::DeleteUser => users::delete_user(inner, record, fields).await,
        Callback::AddUsers => users::add_users(inner, record, fields, body).await,
        Callback::UpdatePicture => login::update_picture(inner, record, fields).await,
        Callback::AuthorizedUser => login::authorized_user(inner, record, fields).await,
        Callback::CloseSession => login::close_session(inner, record, fields).await,
    }
}

/// Which callbacks each phase accepts.
fn gate(callback: Callback, phase: PortalPhase) -> Result<(), Refusal> {
    use PortalPhase::*;
    match (callback, phase) {
        // The vendor: once registered, answer pre-registration with an empty 404 — accepting it
        // again would let anyone who learns the adminId take the portal over.
        (Callback::ConfirmPreRegistration, Registered | Disabled) => Err(Refusal::empty_not_found()),
        (Callback::ConfirmPreRegistration, Unregistered | PreRegistered) => Ok(()),
        (_, Disabled) => Err(Refusal::new(
            403,
            "portal_disabled",
            "the NoPass service of this portal was disabled (DisableService); every callback is refused",
        )),
        (Callback::ConfirmRegistration, PreRegistered) => Ok(()),
        (Callback::ConfirmRegistration, Unregistered) => Err(Refusal::wrong_state(
            "not_pre_registered",
            "ConfirmRegistration is accepted only after a successful ConfirmPreRegistration",
        )),
        (Callback::ConfirmRegistration, Registered) => Err(Refusal::wrong_state(
            "already_registered",
            "the portal is registered already; a second ConfirmRegistration cannot bind it again",
        )),
        (_, Registered) => Ok(()),
        (callback, _) => Err(Refusal::wrong_state(
            "not_registered",
            format!("{callback} is accepted only once the portal is registered (ConfirmRegistration)"),
        )),
    }
}

/// Claims the portal itself for a callback that changes its phase, then reads the record
/// again: a copy of the callback that ran meanwhile has changed it.
async fn claim_portal(inner: &Inner, callback: Callback) -> Result<(SubjectGuard<'_>, PortalRecord), Refusal> {
    let guard = inner.claim(callback, Subject::new("portal", "")).await?;
    let record = inner.load_portal().await?;
    gate(callback, record.phase)?;
    Ok((guard, record))
}

/// Commits a session's next state as `decide` makes it from the session read. When a
/// concurrent change got in first (another replica's callback on the same login, the portal's
/// own lifecycle), the portal and the session are read again and the change decided again, a
/// few times: the NoPass server gets a 409 only when the state really forbids the change. The
/// hook's answer stands; only the transition is decided again.
async fn update_session(
    inner: &Inner,
    callback: Callback,
    mut record: PortalRecord,
    mut session: LoginSession,
    decide: impl Fn(&LoginSession, u64) -> Result<LoginSession, Refusal>,
) -> Result<(), Refusal> {
    for _ in 0..COMMIT_ATTEMPTS {
        let next = decide(&session, now_ms())?;
        let op = StoreOp::UpdateSession { session: next, expected_version: session.version };
        match inner.apply(Change { portal_version: record.version, ops: vec![op] }).await {
            Ok(()) => return Ok(()),
            Err(Error::Conflict(_)) => {
                record = inner.load_portal().await?;
                gate(callback, record.phase)?;
                let key = SessionKey::Handle(session.handle.clone());
                session = inner.stored_session(key).await?.ok_or_else(Refusal::conflict)?;
            }
            Err(error) => {
                tracing::warn!(%error, "portal store failed");
                return Err(Refusal::store_failed());
            }
        }
    }
    Err(Refusal::conflict())
}

/// Every callback that carries `portalId` must carry the one ConfirmRegistration stored
/// (compared in constant time: the `portalId` is all that proves a lifecycle callback).
fn check_portal_id(record: &PortalRecord, given: &str) -> Result<(), Refusal> {
    if record.portal_id.as_deref().is_some_and(|stored| same_secret(stored, given)) {
        Ok(())
    } else {
        Err(Refusal::new(403, "portal_id_mismatch", "`portalId` is not the id this portal was registered with"))
    }
}
