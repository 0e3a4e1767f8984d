//! The two NoPass server endpoints a portal calls, parsed strictly against `docs/vendors/nopass.md`.

use http::{Method, StatusCode};
use serde_json::{json, Map, Value};

use super::{guid, picture, token, NoPassSim, SimPreRegistration};
use crate::sandbox::sim::{
    expect_content_type, expect_method, json_object, kind, only_fields, string_field, SimRequest, SimResponse,
};

/// How long each picture is shown (`docs/vendors/nopass.md`: about every 30 s).
pub(super) const NEXT_CHANGE_MS: u64 = 30_000;

fn require_fields(object: &Map<String, Value>, fields: &[&str]) -> Result<(), SimResponse> {
    match fields.iter().find(|field| !object.contains_key(**field)) {
        Some(field) => Err(SimResponse::strict(format!("missing field `{field}` (send null when it has no value)"))),
        None => Ok(()),
    }
}

/// A field that must be a string or `null`.
fn nullable_string(object: &Map<String, Value>, field: &str) -> Result<Option<String>, SimResponse> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => {
            Err(SimResponse::strict(format!("field `{field}` must be a string or null, got {}", kind(other))))
        }
    }
}

fn non_empty<'a>(object: &'a Map<String, Value>, field: &str) -> Result<&'a str, SimResponse> {
    let value = string_field(object, field)?;
    if value.is_empty() {
        return Err(SimResponse::strict(format!("field `{field}` must not be empty")));
    }
    Ok(value)
}

/// `200 {"errors":[{code,message}],"result":null}`: the NoPass way of saying no.
fn vendor_error(code: &str, message: &str) -> SimResponse {
    SimResponse::json(StatusCode::OK, &json!({ "errors": [{ "code": code, "message": message }], "result": null }))
}

fn ok(result: Value) -> SimResponse {
    SimResponse::json(StatusCode::OK, &json!({ "errors": [], "result": result }))
}

impl NoPassSim {
    pub(super) fn answer(&self, route: &str, request: &SimRequest, body: &[u8]) -> Result<SimResponse, SimResponse> {
        expect_method(request, Method::POST)?;
        let Some(portal) = self.state().portal.clone() else {
            return Ok(SimResponse::json(
                StatusCode::UNAUTHORIZED,
                &json!({ "errors": [{ "code": "401", "message": "no portal is registered" }], "result": null }),
            ));
        };
        let sent = request.headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        if sent != Some(format!("Bearer {}", portal.auth_token).as_str()) {
            return Ok(SimResponse::json(
                StatusCode::UNAUTHORIZED,
                &json!({ "errors": [{ "code": "401", "message": "Bearer authToken required" }], "result": null }),
            ));
        }
        expect_content_type(request, &["application/json"])?;
        let object = json_object(body)?;
        if non_empty(&object, "portalId")? != portal.portal_id {
            return Ok(vendor_error("403", "portalId does not match the portal of this authToken"));
        }
        if route == "nopass.PreRegisterUser" {
            self.pre_register_user(&object)
        } else {
            self.request_authorization(&object)
        }
    }

    fn pre_register_user(&self, object: &Map<String, Value>) -> Result<SimResponse, SimResponse> {
        let fields = ["portalId", "userId", "clientIP", "redirectUrl", "socialNetwork", "data"];
        only_fields(object, &fields)?;
        require_fields(object, &fields)?;
        let user_id = non_empty(object, "userId")?.to_string();
        let client_ip = nullable_string(object, "clientIP")?;
        let redirect_url = nullable_string(object, "redirectUrl")?;
        nullable_string(object, "socialNetwork")?;
        let Some(Value::Object(data)) = object.get("data") else {
            return Err(SimResponse::strict("field `data` must be an object"));
        };
        let data_fields = ["givenName", "surName", "phoneNumber", "email"];
        only_fields(data, &data_fields)?;
        require_fields(data, &data_fields)?;
        let registration = SimPreRegistration {
            user_id: user_id.clone(),
            otp: token(32),
            register_link: format!("{}/Registration/{}", self.state().base_url, token(24)),
            client_ip,
            redirect_url,
            given_name: nullable_string(data, "givenName")?,
            sur_name: nullable_string(data, "surName")?,
            phone_number: nullable_string(data, "phoneNumber")?,
            email: nullable_string(data, "email")?,
        };
        let mut state = self.state();
        if state.users.contains(&user_id) {
            return Ok(vendor_error("409", "The user is registered already"));
        }
        let result = json!({ "otp": registration.otp, "registerLink": registration.register_link });
        state.pre_registrations.insert(user_id, registration);
        Ok(ok(result))
    }

    fn request_authorization(&self, object: &Map<String, Value>) -> Result<SimResponse, SimResponse> {
        only_fields(object, &["portalId", "userId"])?;
        let user_id = non_empty(object, "userId")?.to_string();
        let mut state = self.state();
        if !state.users.contains(&user_id) {
            return Ok(vendor_error("404", "The user is not registered in NoPass"));
        }
        let auth_id = guid();
        state.logins.insert(auth_id.clone(), user_id.clone());
        state.last_login.insert(user_id, auth_id.clone());
        Ok(ok(json!({ "authId": auth_id, "image": picture::base64_png(), "nextChange": NEXT_CHANGE_MS })))
    }
}
