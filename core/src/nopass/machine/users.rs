//! The portal's users: ValidateUserRegistration (callback 4), ConfirmUserRegistration
//! (callback 5), UpdateUser (callback 7), DeleteUser (callback 8) and AddUsers (callback 9).

use subtle::ConstantTimeEq;

use super::{check_portal_id, Fields, Inner, Outcome, Refusal};
use crate::nopass::digest::digest;
use crate::nopass::events::{
    FieldChange, NewUser, UserDeletion, UserRegistration, UserRegistrationCheck, UserUpdate, UsersAddition,
};
use crate::nopass::routes::Callback;
use crate::nopass::state::{now_ms, LoginSession, PendingRegistration, PortalRecord, RegistrationOrigin, SessionState};
use crate::nopass::store::{Change, SessionKey, StoreOp};
use crate::nopass::subjects::Subject;
use crate::Secret;

/// Seeds 4, 7, 9: names, phone, email, login and profile picture URL are at most 2084
/// characters.
const TEXT: Option<usize> = Some(2084);
/// `portalId`, `authId`, and the `userId` of UpdateUser/DeleteUser are at most 256.
const ID: Option<usize> = Some(256);

fn otp_refused() -> Refusal {
    Refusal::new(
        403,
        "otp_refused",
        "`otp` does not belong to a user registration this portal started, or it was used already, or it expired",
    )
}

/// The pending registration an `otp` belongs to, if it is still valid. `Err` when it exists
/// but expired (same answer as unknown: nothing tells a guesser which one it was).
async fn pending_for(inner: &Inner, digest: [u8; 32]) -> Result<Option<PendingRegistration>, Refusal> {
    // The store looks the digest up by key; the timing of that lookup depends only on a hash
    // of the guess. The final match is made in constant time.
    let pending = inner.registration(digest).await?.filter(|p| bool::from(p.digest.ct_eq(&digest)));
    match pending {
        Some(p) if p.expires_at_ms <= now_ms() => Err(otp_refused()),
        other => Ok(other),
    }
}

/// Callback 4: may the user be registered? The host decides; the default is no. When the NoPass
/// server started the registration (an `otp` this portal did not issue) and the host accepts
/// it, the `otp` becomes a pending registration that ConfirmUserRegistration can complete —
/// without opening a session: every detail of such a user came from the caller.
pub(super) async fn validate_user_registration(
    inner: &Inner,
    record: PortalRecord,
    mut f: Fields,
) -> Result<Outcome, Refusal> {
    let otp = Secret::new(f.required_str("otp", None)?);
    let given_name = f.optional_str("givenName", TEXT)?;
    let sur_name = f.optional_str("surName", TEXT)?;
    let phone_number = f.optional_str("phoneNumber", TEXT)?;
    let email = f.optional_str("email", TEXT)?;
    let login = f.optional_str("login", TEXT)?;
    let profile_image_url = f.optional_str("profileImageUrl", TEXT)?;
    let otp_digest = digest(otp.expose());
    // Validation of a portal-started registration changes nothing, so only a concurrent copy
    // can reach the hook twice: it is refused.
    let _claim = inner.claim_now(Subject::of_digest("registration", otp_digest))?;
    let pending = pending_for(inner, otp_digest).await?;
    if pending.as_ref().is_some_and(|p| p.origin() == RegistrationOrigin::NoPassServer) {
        // Accepted already (the NoPass server asks again): the same answer, not a second
        // decision.
        return Ok(Outcome::Bool(true));
    }
    let event = UserRegistrationCheck {
        origin: pending.as_ref().map_or(RegistrationOrigin::NoPassServer, PendingRegistration::origin),
        user_id: pending.as_ref().and_then(|p| p.user_id.clone()),
        given_name,
        sur_name,
        phone_number,
        email,
        login: login.clone(),
        profile_image_url,
    };
    let hooks = inner.hooks.clone();
    let accepted = inner.hook(Callback::ValidateUserRegistration, hooks.validate_user_registration(event)).await?;
    if accepted && pending.is_none() {
        let now = now_ms();
        let registration = PendingRegistration {
            digest: otp_digest,
            user_id: login,
            handle: None,
            created_at_ms: now,
            expires_at_ms: now.saturating_add(inner.config.registration_ttl.as_millis() as u64),
        };
        inner
            .commit(Change { portal_version: record.version, ops: vec![StoreOp::PutRegistration(registration)] })
            .await?;
    }
    Ok(Outcome::Bool(accepted))
}

/// Callback 5: completes a registration whose `otp` this portal holds — once, before it expires.
/// Only a registration this portal started (PreRegisterUser) authorises its session, under
/// the handle the host got then; `session.authId` becomes the `authId` CloseSession may end it
/// with. A registration the NoPass server started reaches the hook marked as such and opens
/// nothing.
pub(super) async fn confirm_user_registration(
    inner: &Inner,
    record: PortalRecord,
    mut f: Fields,
) -> Result<Outcome, Refusal> {
    let otp = Secret::new(f.required_str("otp", None)?);
    let portal_id = f.required_str("portalId", ID)?;
    let (auth_id, login) = match f.object("session")? {
        Some(mut session) => (session.optional_str("authId", ID)?, session.optional_str("login", TEXT)?),
        None => (None, None),
    };
    let auth_digest = auth_id.filter(|id| !id.is_empty()).map(|id| digest(&id));
    check_portal_id(&record, &portal_id)?;
    let otp_digest = digest(otp.expose());
    let _claim = inner.claim(Callback::ConfirmUserRegistration, Subject::of_digest("registration", otp_digest)).await?;
    let pending = pending_for(inner, otp_digest).await?.ok_or_else(otp_refused)?;
    let session = match &pending.handle {
        Some(handle) => inner.stored_session(SessionKey::Handle(handle.clone())).await?,
        None => None,
    };
    let event = UserRegistration {
        user_id: pending.user_id.clone(),
        origin: pending.origin(),
        handle: session.as_ref().map(|s| s.handle.clone()),
        login,
    };
    let hooks = inner.hooks.clone();
    inner.hook(Callback::ConfirmUserRegistration, hooks.confirm_user_registration(event)).await?;
    let mut ops = vec![StoreOp::TakeRegistration(pending.digest)];
    if let Some(session) = session.filter(|s| s.state == SessionState::Pending) {
        let now = now_ms();
        ops.push(StoreOp::UpdateSession {
            session: LoginSession {
                auth_digest,
                state: SessionState::Authorized,
                expires_at_ms: now.saturating_add(inner.config.redeem_ttl.as_millis() as u64),
                updated_at_ms: now,
                version: session.version + 1,
                ..session.clone()
            },
            expected_version: session.version,
        });
    }
    inner.commit(Change { portal_version: record.version, ops }).await?;
    Ok(Outcome::Done)
}

/// Callback 7: `updates` holds one `{newValue, forbiddenStore}` per field that changes.
const UPDATABLE: [(&str, Option<usize>); 7] = [
    ("givenName", TEXT),
    ("surName", TEXT),
    ("phoneNumber", TEXT),
    ("email", TEXT),
    ("profileImageUrl", TEXT),
    // The vendor gives `locale` no length.
    ("locale", None),
    ("login", TEXT),
];

/// Callback 7: may the user's information change? The host decides; the default is no (403).
pub(super) async fn update_user(inner: &Inner, record: PortalRecord, mut f: Fields) -> Result<Outcome, Refusal> {
    let user_id = f.required_str("userId", ID)?;
    let portal_id = f.required_str("portalId", ID)?;
    let mut changes = Vec::new();
    if let Some(mut updates) = f.object("updates")? {
        for (field, max) in UPDATABLE {
            if let Some(mut change) = updates.object(field)? {
                let new_value = change.optional_str("newValue", max)?;
                let forbidden_store = change.bool("forbiddenStore", false)?;
                changes.push(FieldChange { field: field.to_string(), new_value, forbidden_store });
            }
        }
    }
    check_portal_id(&record, &portal_id)?;
    let _claim = inner.claim_now(Subject::new("update_user", &user_id))?;
    let hooks = inner.hooks.clone();
    if inner.hook(Callback::UpdateUser, hooks.update_user(UserUpdate { user_id, changes })).await? {
        Ok(Outcome::Done)
    } else {
        Err(Refusal::refused("the portal does not accept this update of the user"))
    }
}

/// Callback 8: the user's NoPass account is gone. The host decides whether it acts; the default
/// is no (403).
pub(super) async fn delete_user(inner: &Inner, record: PortalRecord, mut f: Fields) -> Result<Outcome, Refusal> {
    let user_id = f.required_str("userId", ID)?;
    let portal_id = f.required_str("portalId", ID)?;
    check_portal_id(&record, &portal_id)?;
    let _claim = inner.claim_now(Subject::new("delete_user", &user_id))?;
    let hooks = inner.hooks.clone();
    if inner.hook(Callback::DeleteUser, hooks.delete_user(UserDeletion { user_id })).await? {
        Ok(Outcome::Done)
    } else {
        Err(Refusal::refused("the portal does not accept the deletion of this user"))
    }
}

/// Callback 9: `{"users":[{givenName, surName, phoneNumber, email, login, isUseEmailAsLogin}],
/// "portalId"}` (the vendor's `model:`/`user:` labels are notation). The host decides; the
/// answer is its decision (default `false`).
pub(super) async fn add_users(
    inner: &Inner,
    record: PortalRecord,
    mut f: Fields,
    body: &[u8],
) -> Result<Outcome, Refusal> {
    let items = f.objects("users")?.ok_or_else(|| Refusal::invalid("users", "is required"))?;
    let mut users = Vec::with_capacity(items.len());
    for mut user in items {
        users.push(NewUser {
            given_name: user.optional_str("givenName", TEXT)?,
            sur_name: user.optional_str("surName", TEXT)?,
            phone_number: user.optional_str("phoneNumber", TEXT)?,
            email: user.optional_str("email", TEXT)?,
            login: user.optional_str("login", TEXT)?,
            is_use_email_as_login: user.bool("isUseEmailAsLogin", false)?,
        });
    }
    let portal_id = f.required_str("portalId", ID)?;
    check_portal_id(&record, &portal_id)?;
    let _claim = inner.claim_now(Subject::of_digest("add_users", digest(body)))?;
    let hooks = inner.hooks.clone();
    let accepted = inner.hook(Callback::AddUsers, hooks.add_users(UsersAddition { users })).await?;
    Ok(Outcome::Bool(accepted))
}
