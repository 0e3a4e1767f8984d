//! The AuthX answer envelope and the strict field checks the stand-in's routes share.

use http::StatusCode;
use serde_json::{json, Map, Value};

use crate::sandbox::sim::{kind, SimResponse};

/// `{"response_code","response_subcode","response_text","response_data"}` with HTTP 200;
/// `response_data` is already a string (JSON inside a string) or null.
pub(super) fn envelope(code: i64, subcode: i64, data: Option<String>) -> SimResponse {
    SimResponse::json(
        StatusCode::OK,
        &json!({ "response_code": code, "response_subcode": subcode, "response_text": null, "response_data": data }),
    )
}

/// `response_code` 0 with a subcode and text.
pub(super) fn error(subcode: i64, text: &str) -> SimResponse {
    SimResponse::json(
        StatusCode::OK,
        &json!({ "response_code": 0, "response_subcode": subcode, "response_text": text, "response_data": null }),
    )
}

/// A field that must be a JSON object.
pub(super) fn required_object<'a>(
    object: &'a Map<String, Value>,
    field: &str,
) -> Result<&'a Map<String, Value>, SimResponse> {
    match object.get(field) {
        Some(Value::Object(inner)) => Ok(inner),
        Some(other) => Err(SimResponse::strict(format!("field `{field}` must be an object, got {}", kind(other)))),
        None => Err(SimResponse::strict(format!("missing field `{field}`"))),
    }
}

/// A field that may be left out but is a string when present (`null` is not the seed's way of
/// leaving a field out).
pub(super) fn optional_string<'a>(object: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>, SimResponse> {
    match object.get(field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(SimResponse::strict(format!("field `{field}` must be a string, got {}", kind(other)))),
    }
}

/// A required integer field.
pub(super) fn integer(object: &Map<String, Value>, field: &str) -> Result<i64, SimResponse> {
    match object.get(field) {
        Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64().unwrap_or_default()),
        Some(other) => Err(SimResponse::strict(format!("field `{field}` must be an integer, got {}", kind(other)))),
        None => Err(SimResponse::strict(format!("missing field `{field}`"))),
    }
}
