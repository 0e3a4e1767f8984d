//! TOTP routes of the stand-in (seed "Add / Update Key", "Sign-Up"), with real RFC 6238 codes.
//!
//! Sign-up `{"loginId","user"?}` and update `{"loginId"}` (bearer with the refresh JWT) make a
//! new 160-bit key, answered as `{"provisioningURL","image","key"}`; the key becomes active
//! with its first verified code. Verify `{"loginId","code","loginOptions"?}` (with or without
//! `loginOptions`, as the SDKs differ) accepts the code of the current 30 s step or one step
//! either side, and never the same step twice (a code cannot be replayed). Wrong codes, and
//! codes for unknown login IDs (so they cannot be probed), answer 401 `E061102`.

use http::StatusCode;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use rand::Rng;
use serde_json::{json, Map, Value};

use super::super::sim::{only_fields, string_field, SimResponse};
use super::state::{unix_now, State};
use super::wire::{
    error, login_options, optional_object, user_details, Bearer, MISSING_ARGUMENTS, USER_EXISTS, USER_NOT_FOUND,
    WRONG_CODE,
};
use super::{refresh_subject, QR_PNG};
use crate::totp::Totp;

/// The issuer authenticator apps show for the stand-in's keys.
const ISSUER: &str = "Descope Sandbox";

pub(super) fn sign_up(
    state: &mut State,
    bearer: &Bearer,
    object: &Map<String, Value>,
) -> Result<SimResponse, SimResponse> {
    only_fields(object, &["loginId", "user"])?;
    let login_id = required_login_id(object)?;
    let details = match optional_object(object, "user")? {
        Some(user) => {
            user_details(user)?;
            user.clone()
        }
        None => Map::new(),
    };
    let key = (bearer.project_id.clone(), login_id.to_string());
    if state.users.get(&key).is_some_and(|u| u.registered) {
        return Ok(error(StatusCode::BAD_REQUEST, USER_EXISTS, "User already exists", login_id));
    }
    let secret = new_key();
    let user = match state.users.get_mut(&key) {
        Some(user) => user,
        None => state.new_user(&bearer.project_id, login_id, details.clone()),
    };
    user.details = details;
    user.totp.pending = Some(secret.clone());
    Ok(enrollment(login_id, &secret))
}

pub(super) fn verify(
    state: &mut State,
    bearer: &Bearer,
    object: &Map<String, Value>,
) -> Result<SimResponse, SimResponse> {
    only_fields(object, &["loginId", "code", "loginOptions"])?;
    let login_id = required_login_id(object)?;
    let code = string_field(object, "code")?;
    if code.is_empty() {
        return Err(SimResponse::strict("field `code` must not be empty"));
    }
    let options = match optional_object(object, "loginOptions")? {
        Some(options) => login_options(options)?,
        None => Default::default(),
    };
    let key = (bearer.project_id.clone(), login_id.to_string());
    if options.stepup_or_mfa {
        match refresh_subject(state, &bearer.project_id, bearer) {
            Ok(subject) if state.users.get(&key).is_some_and(|u| u.user_id == subject) => {}
            Ok(_) => {
                return Ok(error(
                    StatusCode::UNAUTHORIZED,
                    MISSING_ARGUMENTS,
                    "Unauthorized",
                    "refresh JWT of another user",
                ))
            }
            Err(answer) => return Ok(answer),
        }
    }
    let wrong = || error(StatusCode::UNAUTHORIZED, WRONG_CODE, "Failed to verify code", "Invalid or expired code");
    let Some(user) = state.users.get_mut(&key) else { return Ok(wrong()) };
    let now = unix_now();
    let last = user.totp.last_step;
    // The last accepted step belongs to the active key; a pending key has accepted none.
    let check = |secret: &Option<Vec<u8>>, last: Option<u64>| -> Option<u64> {
        let totp = Totp::new(secret.clone()?).ok()?;
        totp.verify_at(code, now, 1).filter(|step| last.is_none_or(|last| *step > last))
    };
    let (step, from_pending) = match (check(&user.totp.pending, None), check(&user.totp.active, last)) {
        (Some(step), _) => (step, true),
        (None, Some(step)) => (step, false),
        (None, None) => return Ok(wrong()),
    };
    if from_pending {
        user.totp.active = user.totp.pending.take();
    }
    user.totp.last_step = Some(step);
    let first_seen = !user.registered;
    user.registered = true;
    Ok(state.session_answer(&bearer.project_id, &key, "totp", first_seen, &options.custom_claims))
}

pub(super) fn update(
    state: &mut State,
    bearer: &Bearer,
    object: &Map<String, Value>,
) -> Result<SimResponse, SimResponse> {
    only_fields(object, &["loginId"])?;
    let login_id = required_login_id(object)?;
    let subject = match refresh_subject(state, &bearer.project_id, bearer) {
        Ok(subject) => subject,
        Err(answer) => return Ok(answer),
    };
    let key = (bearer.project_id.clone(), login_id.to_string());
    let Some(user) = state.users.get_mut(&key).filter(|u| u.registered) else {
        return Ok(error(StatusCode::BAD_REQUEST, USER_NOT_FOUND, "User not found", login_id));
    };
    if user.user_id != subject {
        return Ok(error(StatusCode::UNAUTHORIZED, MISSING_ARGUMENTS, "Unauthorized", "refresh JWT of another user"));
    }
    let secret = new_key();
    user.totp.pending = Some(secret.clone());
    Ok(enrollment(login_id, &secret))
}

fn required_login_id(object: &Map<String, Value>) -> Result<&str, SimResponse> {
    let login_id = string_field(object, "loginId")?;
    if login_id.is_empty() {
        return Err(SimResponse::strict("field `loginId` must not be empty"));
    }
    Ok(login_id)
}

/// A 160-bit key, the size RFC 4226 recommends.
pub(super) fn new_key() -> Vec<u8> {
    let bytes: [u8; 20] = rand::rng().random();
    bytes.to_vec()
}

/// The base32 form of a key, as authenticator apps take it.
pub(super) fn base32(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

fn enrollment(login_id: &str, secret: &[u8]) -> SimResponse {
    let key = base32(secret);
    let label = utf8_percent_encode(&format!("{ISSUER}:{login_id}"), NON_ALPHANUMERIC).to_string();
    let issuer: String = url::form_urlencoded::byte_serialize(ISSUER.as_bytes()).collect();
    let url = format!("otpauth://totp/{label}?secret={key}&issuer={issuer}&algorithm=SHA1&digits=6&period=30");
    SimResponse::json(StatusCode::OK, &json!({ "provisioningURL": url, "image": QR_PNG, "key": key }))
}
