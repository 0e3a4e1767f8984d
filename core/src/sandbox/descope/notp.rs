//! nOTP routes of the stand-in (seed "nOTP APIs"): start calls open a pending login that the
//! control API approves, denies or lets expire; pending-session answers `E066103` until then.
//!
//! Start body (`docs/vendors/descope.md`): `{"loginId"?, "user"? (sign-up only), "loginOptions"?,
//! "providerId"?}`. Answer: `{"pendingRef","redirectUrl","image"}`.

use http::StatusCode;
use rand::Rng;
use serde_json::{json, Map, Value};

use super::super::sim::{only_fields, string_field, SimResponse};
use super::state::{Outcome, Pending, Start, State, PENDING_TTL};
use super::wire::{
    error, login_options, optional_object, optional_string, user_details, Bearer, DENIED, EXPIRED, MISSING_ARGUMENTS,
    PENDING, USER_EXISTS, USER_NOT_FOUND,
};
use super::{refresh_subject, QR_PNG};

/// The WhatsApp number the stand-in's redirect URL points at (a reserved fictional number).
const SANDBOX_NUMBER: &str = "15555550100";
/// The phone an approval comes from when neither the start call nor the control call named one.
pub(super) const DEFAULT_USER_PHONE: &str = "+15555550123";

pub(super) fn start(
    state: &mut State,
    route: &str,
    bearer: &Bearer,
    object: &Map<String, Value>,
) -> Result<SimResponse, SimResponse> {
    let start = match route {
        "descope.notp_signup" => Start::Up,
        "descope.notp_signin" => Start::In,
        _ => Start::UpOrIn,
    };
    if start == Start::Up {
        only_fields(object, &["loginId", "user", "loginOptions", "providerId"])?;
    } else {
        only_fields(object, &["loginId", "loginOptions", "providerId"])?;
    }
    let login_id = optional_string(object, "loginId")?.unwrap_or_default().to_string();
    optional_string(object, "providerId")?;
    let details = match optional_object(object, "user")? {
        Some(user) => {
            user_details(user)?;
            user.clone()
        }
        None => Map::new(),
    };
    let options = match optional_object(object, "loginOptions")? {
        Some(options) => login_options(options)?,
        None => Default::default(),
    };
    let project_id = bearer.project_id.clone();
    if options.stepup_or_mfa {
        if start != Start::In {
            return Ok(error(StatusCode::BAD_REQUEST, MISSING_ARGUMENTS, "Bad request", "stepup/mfa need sign-in"));
        }
        if let Err(answer) = refresh_subject(state, &project_id, bearer) {
            return Ok(answer);
        }
    }
    let key = (project_id.clone(), login_id.clone());
    if !login_id.is_empty() {
        let registered = state.users.get(&key).is_some_and(|u| u.registered);
        if start == Start::Up && registered {
            return Ok(error(StatusCode::BAD_REQUEST, USER_EXISTS, "User already exists", &login_id));
        }
        if start == Start::In && !registered {
            return Ok(error(StatusCode::BAD_REQUEST, USER_NOT_FOUND, "User not found", &login_id));
        }
    }
    let pending_ref = hex(16);
    let token = hex(6);
    state.pending.insert(
        pending_ref.clone(),
        Pending {
            project_id,
            start,
            login_id,
            details,
            custom_claims: options.custom_claims,
            created: std::time::Instant::now(),
            outcome: Outcome::Waiting,
        },
    );
    let text: String = url::form_urlencoded::byte_serialize(format!("Login code {token}").as_bytes()).collect();
    Ok(SimResponse::json(
        StatusCode::OK,
        &json!({
            "pendingRef": pending_ref,
            "redirectUrl": format!("https://wa.me/{SANDBOX_NUMBER}?text={text}"),
            "image": QR_PNG,
        }),
    ))
}

pub(super) fn pending_session(
    state: &mut State,
    bearer: &Bearer,
    object: &Map<String, Value>,
) -> Result<SimResponse, SimResponse> {
    only_fields(object, &["pendingRef"])?;
    let pending_ref = string_field(object, "pendingRef")?;
    if pending_ref.is_empty() {
        return Err(SimResponse::strict("field `pendingRef` must not be empty"));
    }
    let ttl = state.pending_ttl.unwrap_or(PENDING_TTL);
    let unauthorized =
        |code: &str, description: &str| error(StatusCode::UNAUTHORIZED, code, "Unauthorized", description);
    let Some(pending) = state.pending.get_mut(pending_ref).filter(|p| p.project_id == bearer.project_id) else {
        return Ok(unauthorized(EXPIRED, "Unknown or expired pending reference"));
    };
    if pending.outcome == Outcome::Waiting && pending.created.elapsed() >= ttl {
        pending.outcome = Outcome::Expired;
    }
    let phone = match &pending.outcome {
        Outcome::Waiting => return Ok(unauthorized(PENDING, "nOTP session is not ready yet")),
        Outcome::Denied => return Ok(unauthorized(DENIED, "The nOTP login was denied")),
        Outcome::Expired | Outcome::Collected => {
            return Ok(unauthorized(EXPIRED, "Unknown or expired pending reference"))
        }
        Outcome::Approved { phone } => phone.clone(),
    };
    pending.outcome = Outcome::Collected;
    let pending = pending.clone();
    let login_id = if pending.login_id.is_empty() { phone.clone() } else { pending.login_id.clone() };
    let key = (pending.project_id.clone(), login_id.clone());
    let existing = state.users.get(&key).is_some_and(|u| u.registered);
    let first_seen = match (pending.start, existing) {
        (Start::Up, true) => {
            return Ok(error(StatusCode::BAD_REQUEST, USER_EXISTS, "User already exists", &login_id));
        }
        (Start::In, false) => {
            return Ok(error(StatusCode::BAD_REQUEST, USER_NOT_FOUND, "User not found", &login_id));
        }
        (_, true) => false,
        (_, false) => {
            let mut details = pending.details.clone();
            details.entry("phone").or_insert_with(|| Value::String(phone.clone()));
            state.new_user(&pending.project_id, &login_id, details);
            true
        }
    };
    if let Some(user) = state.users.get_mut(&key) {
        user.registered = true;
        user.verified_phone = true;
    }
    Ok(state.session_answer(&pending.project_id, &key, "notp", first_seen, &pending.custom_claims))
}

/// Decides a waiting login; `false` when `pending_ref` is unknown or no longer waiting.
pub(super) fn decide(state: &mut State, pending_ref: &str, outcome: impl FnOnce(&Pending) -> Outcome) -> bool {
    let ttl = state.pending_ttl.unwrap_or(PENDING_TTL);
    match state.pending.get_mut(pending_ref) {
        Some(pending) if pending.outcome == Outcome::Waiting && pending.created.elapsed() < ttl => {
            pending.outcome = outcome(pending);
            true
        }
        _ => false,
    }
}

/// The login ID a phone approval signs in: the one the start call named, else the phone.
pub(super) fn default_phone(pending: &Pending) -> String {
    if pending.login_id.is_empty() {
        DEFAULT_USER_PHONE.to_string()
    } else {
        pending.login_id.clone()
    }
}

fn hex(bytes: usize) -> String {
    let mut rng = rand::rng();
    (0..bytes).map(|_| format!("{:02x}", rng.random::<u8>())).collect()
}
