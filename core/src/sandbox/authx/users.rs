//! AddUser, UpdateUser, DeleteUser, GeneratePin and VerifyPin in the stand-in, parsed from raw
//! JSON against the seed's sample bodies.
//!
//! Wire deviations (an unknown field, a wrong type, `name` not nested) are a strict 400. What
//! the real service would refuse inside its envelope is `response_code` 0: an empty required
//! value or a taken user name (subcode 0), an unknown `guid` (subcode 100, "Exception"), a
//! wrong PIN (subcode 0).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::wire::{envelope, error, optional_string, required_object};
use super::{random_uuid, AuthxUser, State, User};
use crate::sandbox::sim::{only_fields, string_field, SimResponse};

/// The fields of AddUser/UpdateUser, nested as in the seed's samples.
const USER_FIELDS: [&str; 10] = [
    "guid",
    "user_name",
    "email",
    "name",
    "phone",
    "alias_name",
    "alias_name1",
    "alias_name2",
    "alias_name3",
    "alias_name4",
];

const USER_NOT_FOUND: &str = "User not found";

/// A user as AddUser/UpdateUser describe it, checked against the wire format.
struct Profile {
    user_name: String,
    email: String,
    first_name: String,
    last_name: String,
    country_code: String,
    number: String,
    aliases: [Option<String>; 5],
}

fn profile(body: &Map<String, Value>) -> Result<Profile, SimResponse> {
    only_fields(body, &USER_FIELDS)?;
    let name = required_object(body, "name")?;
    only_fields(name, &["first_Name", "last_Name"])?;
    let phone = required_object(body, "phone")?;
    only_fields(phone, &["mobile"])?;
    let mobile = required_object(phone, "mobile")?;
    only_fields(mobile, &["countryCode", "number"])?;
    let mut aliases: [Option<String>; 5] = Default::default();
    for (slot, field) in aliases.iter_mut().zip(&USER_FIELDS[5..]) {
        *slot = optional_string(body, field)?.filter(|alias| !alias.is_empty()).map(str::to_string);
    }
    Ok(Profile {
        user_name: string_field(body, "user_name")?.to_string(),
        email: string_field(body, "email")?.to_string(),
        first_name: string_field(name, "first_Name")?.to_string(),
        last_name: string_field(name, "last_Name")?.to_string(),
        // "default if not passed would be +1"
        country_code: optional_string(mobile, "countryCode")?.unwrap_or("+1").to_string(),
        number: string_field(mobile, "number")?.to_string(),
        aliases,
    })
}

impl Profile {
    /// The value the service requires but did not get, as an envelope error.
    fn missing(&self) -> Option<SimResponse> {
        let fields = [
            ("user_name", &self.user_name),
            ("email", &self.email),
            ("first_Name", &self.first_name),
            ("last_Name", &self.last_name),
            ("number", &self.number),
        ];
        let (field, _) = fields.iter().find(|(_, value)| value.trim().is_empty())?;
        Some(error(0, &format!("{field} is required")))
    }

    fn into_user(self, guid: &str) -> AuthxUser {
        AuthxUser {
            guid: guid.to_string(),
            user_name: self.user_name,
            email: self.email,
            first_name: self.first_name,
            last_name: self.last_name,
            country_code: self.country_code,
            number: self.number,
            aliases: self.aliases,
            has_pin: false,
            enrolled: Vec::new(),
        }
    }
}

pub(super) fn add_user(state: &mut State, body: &Map<String, Value>) -> Result<SimResponse, SimResponse> {
    // The seed's sample sends `"guid": ""`; a new user cannot bring its own id.
    if !optional_string(body, "guid")?.unwrap_or("").is_empty() {
        return Err(SimResponse::strict("AddUser: `guid` must be empty or absent (AuthX assigns it)"));
    }
    let profile = profile(body)?;
    if let Some(answer) = profile.missing() {
        return Ok(answer);
    }
    if state.users.values().any(|u| u.profile.user_name.eq_ignore_ascii_case(&profile.user_name)) {
        return Ok(error(0, "User name already exists"));
    }
    let guid = random_uuid();
    state.users.insert(guid.clone(), User { profile: profile.into_user(&guid), pin: None, biometrics: HashMap::new() });
    Ok(guid_answer(&guid))
}

pub(super) fn update_user(state: &mut State, body: &Map<String, Value>) -> Result<SimResponse, SimResponse> {
    let guid = string_field(body, "guid")?.to_string();
    let profile = profile(body)?;
    let Some(user) = state.users.get_mut(&guid) else {
        return Ok(error(100, USER_NOT_FOUND));
    };
    if let Some(answer) = profile.missing() {
        return Ok(answer);
    }
    // "Unique username of user (Non Editable)"
    if profile.user_name != user.profile.user_name {
        return Ok(error(0, "user_name cannot be changed"));
    }
    let (has_pin, enrolled) = (user.profile.has_pin, std::mem::take(&mut user.profile.enrolled));
    user.profile = AuthxUser { has_pin, enrolled, ..profile.into_user(&guid) };
    Ok(guid_answer(&guid))
}

pub(super) fn delete_user(state: &mut State, body: &Map<String, Value>) -> Result<SimResponse, SimResponse> {
    only_fields(body, &["guid"])?;
    let guid = string_field(body, "guid")?;
    Ok(match state.users.remove(guid) {
        Some(_) => envelope(1, 0, None),
        None => error(100, USER_NOT_FOUND),
    })
}

pub(super) fn generate_pin(state: &mut State, body: &Map<String, Value>) -> Result<SimResponse, SimResponse> {
    only_fields(body, &["guid", "pin"])?;
    let (guid, pin) = (string_field(body, "guid")?, string_field(body, "pin")?);
    let Some(user) = state.users.get_mut(guid) else {
        return Ok(error(100, USER_NOT_FOUND));
    };
    if pin.trim().is_empty() {
        return Ok(error(0, "pin is required"));
    }
    user.pin = Some(pin.to_string());
    user.profile.has_pin = true;
    Ok(envelope(1, 0, None))
}

pub(super) fn verify_pin(state: &mut State, body: &Map<String, Value>) -> Result<SimResponse, SimResponse> {
    only_fields(body, &["guid", "pin"])?;
    let (guid, pin) = (string_field(body, "guid")?, string_field(body, "pin")?);
    let Some(user) = state.users.get(guid) else {
        return Ok(error(100, USER_NOT_FOUND));
    };
    Ok(match &user.pin {
        None => error(0, "No PIN generated for this user"),
        Some(stored) if stored.as_bytes() == pin.as_bytes() => envelope(1, 0, None),
        Some(_) => error(0, "Invalid PIN"),
    })
}

/// Success with `response_data` holding `{"guid": …}` encoded inside a string, as in the seed.
fn guid_answer(guid: &str) -> SimResponse {
    envelope(1, 0, Some(serde_json::json!({ "guid": guid }).to_string()))
}
