//! The portal's state machine (DESIGN "NoPass receiver"): which callback is accepted in which
//! phase, then one handler per callback.
//!
//! Every handler follows the same order: read and check every field (400), check the portal
//! and the `otp`/`authId` it refers to (403/404/409/410), ask the host's hook (an error is a
//! 500 and nothing changes), commit the change to the store (a failure is a 503 and nothing
//! changes), and only then answer 200.

mod login;
mod registration;
mod users;

use super::fields::Fields;
use super::portal::Inner;
use super::response::{Outcome, Refusal};
use super::routes::Callback;
use super::state::{PortalPhase, PortalRecord};

pub(crate) async fn dispatch(inner: &Inner, callback: Callback, body: &[u8]) -> Result<Outcome, Refusal> {
    let outcome = handle(inner, callback, body).await;
    if callback == Callback::DisableService {
        // Seed 11 answers "true/false": a refused DisableService says `false`.
        return outcome.map_err(|refusal| refusal.with_result(serde_json::Value::Bool(false)));
    }
    outcome
}

async fn handle(inner: &Inner, callback: Callback, body: &[u8]) -> Result<Outcome, Refusal> {
    let record = inner.load_portal().await?;
    gate(callback, record.phase)?;
    let fields = Fields::parse(body)?;
    match callback {
        Callback::ConfirmPreRegistration => registration::confirm_pre_registration(inner, record, fields).await,
        Callback::ConfirmRegistration => registration::confirm_registration(inner, record, fields).await,
        Callback::DisableService => registration::disable_service(inner, record, fields).await,
        Callback::ValidateUserRegistration => users::validate_user_registration(inner, record, fields).await,
        Callback::ConfirmUserRegistration => users::confirm_user_registration(inner, record, fields).await,
        Callback::UpdateUser => users::update_user(inner, record, fields).await,
        Callback::DeleteUser => users::delete_user(inner, record, fields).await,
        Callback::AddUsers => users::add_users(inner, record, fields).await,
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

/// Every callback that carries `portalId` must carry the one ConfirmRegistration stored.
fn check_portal_id(record: &PortalRecord, given: &str) -> Result<(), Refusal> {
    if record.portal_id.as_deref() == Some(given) {
        Ok(())
    } else {
        Err(Refusal::new(403, "portal_id_mismatch", "`portalId` is not the id this portal was registered with"))
    }
}
