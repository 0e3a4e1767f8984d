//! Reading OtpOne's answers leniently (docs/vendors/otpone.md, "Result fields").
//!
//! The guide documents no response shapes, only field names (`Message`, `UserValided`,
//! `privateToken`, `isValid`), and the server is ASP.NET Web API, which serialises with
//! whatever casing the action's model uses. So keys are matched ignoring case, a JSON string
//! that itself holds a JSON object is unwrapped, and a key given twice with different values
//! is refused rather than guessed at. Decode errors name the field, never its value: a value
//! may be a token.

use serde_json::{Map, Value};

use super::result::Outcome;
use crate::transport::Response;
use crate::{Error, Result, Secret, Vendor};

/// Longest transaction id accepted from the server (ids are GUID-like).
const MAX_TRANSACTION_ID_CHARS: usize = 256;

fn decode(message: impl Into<String>) -> Error {
    Error::Decode { vendor: Vendor::OtpOne, message: message.into() }
}

/// The body as JSON, unwrapping a JSON string that holds a JSON object or array.
pub(super) fn json(response: &Response) -> Result<Value> {
    let value: Value = serde_json::from_slice(&response.body)
        .map_err(|e| decode(format!("HTTP {}: body is not JSON ({e})", response.status.as_u16())))?;
    Ok(unwrap_inner(value))
}

fn unwrap_inner(value: Value) -> Value {
    if let Value::String(text) = &value {
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            if let Ok(inner) = serde_json::from_str::<Value>(text) {
                return inner;
            }
        }
    }
    value
}

/// The value of `name` in `object`, ignoring the key's letter case.
pub(super) fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Result<Option<&'a Value>> {
    let mut found: Option<&Value> = None;
    for (key, value) in object {
        if key.eq_ignore_ascii_case(name) {
            match found {
                Some(previous) if previous != value => {
                    return Err(decode(format!("answer has conflicting `{name}` fields")));
                }
                _ => found = Some(value),
            }
        }
    }
    Ok(found)
}

/// A string field; `null`, absent and empty are all `None`.
fn string_field(object: &Map<String, Value>, name: &str) -> Result<Option<String>> {
    match field(object, name)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(decode(format!("`{name}` must be a string"))),
    }
}

/// A boolean given as JSON `true`/`false` or as the string `"true"`/`"false"` (any case).
fn boolean(value: &Value, name: &str) -> Result<bool> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(decode(format!("`{name}` must be a boolean"))),
    }
}

/// `Message` of an answer that is an object, else `None` (for error answers of any shape).
/// ASP.NET adds `MessageDetail` to some errors; it is appended when present.
pub(super) fn message(response: &Response) -> Option<String> {
    let value = json(response).ok()?;
    let object = value.as_object()?;
    let message = string_field(object, "Message").ok().flatten()?;
    match string_field(object, "MessageDetail").ok().flatten() {
        Some(detail) => Some(format!("{message} ({detail})")),
        None => Some(message),
    }
}

/// The result of VerifyToken, GetResult or SendRequest.
pub(super) fn outcome(response: &Response) -> Result<Outcome> {
    let value = json(response)?;
    let Value::Object(object) = value else {
        return Err(decode("the result must be a JSON object"));
    };
    let is_valid = match field(&object, "isValid")? {
        Some(value) => boolean(value, "isValid")?,
        None => return Err(decode("the result has no `isValid`")),
    };
    let user_valided = string_field(&object, "UserValided")?;
    let private_token = string_field(&object, "privateToken")?.map(Secret::new);
    let message = string_field(&object, "Message")?;
    let known = ["isValid", "UserValided", "privateToken", "Message"];
    let fields = object.into_iter().filter(|(key, _)| !known.iter().any(|k| k.eq_ignore_ascii_case(key))).collect();
    Ok(Outcome { is_valid, user_valided, private_token, message, fields })
}

/// The id getTransactionID answered: a JSON string (what an ASP.NET action returning a string
/// sends), an object with a `transactionID` (or `id`) field, or a plain-text body.
pub(super) fn transaction_id(response: &Response) -> Result<String> {
    let id = match json(response) {
        Ok(Value::String(id)) => id,
        Ok(Value::Object(object)) => {
            let id = match string_field(&object, "transactionID")? {
                Some(id) => Some(id),
                None => string_field(&object, "id")?,
            };
            match id {
                Some(id) => id,
                None => {
                    let message = string_field(&object, "Message")?;
                    return Err(Error::Vendor(Box::new(match message {
                        Some(message) => response.detail().message(message),
                        None => response.detail().message("the answer holds no transaction id"),
                    })));
                }
            }
        }
        Ok(_) => return Err(decode("getTransactionID must answer a transaction id")),
        Err(_) => String::from_utf8(response.body.to_vec())
            .map_err(|_| decode("getTransactionID answered a body that is neither JSON nor text"))?,
    };
    let id = id.trim().to_string();
    if id.is_empty()
        || id.chars().count() > MAX_TRANSACTION_ID_CHARS
        || id.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(decode("getTransactionID answered something that is not a transaction id"));
    }
    Ok(id)
}

/// The page fragment GetHTML answered. The guide says GetHTML gets "the HTML, JavaScript and
/// CSS needed" to write into the page. An ASP.NET action returning a string sends it as a JSON
/// string, which is unwrapped; any other body that is not JSON (`text/html`) is the HTML
/// itself. A JSON object is an error answer (its `Message` is kept).
pub(super) fn html(response: &Response) -> Result<String> {
    match json(response) {
        Ok(Value::String(html)) => Ok(html),
        Ok(Value::Object(object)) => {
            let message = string_field(&object, "Message")?.unwrap_or_else(|| "GetHTML answered an object".into());
            Err(Error::Vendor(Box::new(response.detail().message(message))))
        }
        Ok(_) => Err(decode("GetHTML must answer the page's HTML")),
        Err(_) => {
            String::from_utf8(response.body.to_vec()).map_err(|_| decode("GetHTML answered a body that is not UTF-8"))
        }
    }
}

/// IsFinish's answer: `true`/`false`, as JSON or as a string, or an object with `isFinish`.
pub(super) fn finished(response: &Response) -> Result<bool> {
    match json(response)? {
        Value::Object(object) => match field(&object, "isFinish")? {
            Some(value) => boolean(value, "isFinish"),
            None => Err(decode("IsFinish must answer true or false")),
        },
        value => boolean(&value, "IsFinish"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::{HeaderMap, StatusCode};

    fn response(body: &str) -> Response {
        Response {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from(body.to_string()),
            vendor: Vendor::OtpOne,
        }
    }

    #[test]
    fn result_keys_match_in_any_case_and_the_rest_is_kept() {
        let r =
            response(r#"{"isvalid":"True","uservalided":"a@b.c","PrivateToken":"pt","message":"","Signature":"x"}"#);
        let o = outcome(&r).unwrap();
        assert!(o.is_valid);
        assert_eq!(o.user_valided.as_deref(), Some("a@b.c"));
        assert_eq!(o.private_token.unwrap().expose(), "pt");
        assert_eq!(o.message, None);
        assert_eq!(o.fields.keys().collect::<Vec<_>>(), ["Signature"]);
    }

    #[test]
    fn a_result_inside_a_json_string_is_unwrapped() {
        let r = response(r#""{\"isValid\":false,\"Message\":\"denied\"}""#);
        let o = outcome(&r).unwrap();
        assert!(!o.is_valid);
        assert_eq!(o.message.as_deref(), Some("denied"));
    }

    #[test]
    fn conflicting_or_missing_validity_is_a_decode_error_without_values() {
        let e = outcome(&response(r#"{"isValid":true,"IsValid":false,"UserValided":"a@b"}"#)).err().unwrap();
        assert_eq!(e.code(), "decode");
        let e = outcome(&response(r#"{"UserValided":"a@b","privateToken":"secret-pt"}"#)).err().unwrap();
        assert_eq!(e.code(), "decode");
        let e = outcome(&response(r#"{"isValid":true,"privateToken":42}"#)).err().unwrap();
        assert!(e.to_string().contains("privateToken") && !e.to_string().contains("42"), "{e}");
    }

    #[test]
    fn transaction_ids_html_and_finish_flags_in_their_shapes() {
        assert_eq!(transaction_id(&response(r#""abc-123""#)).unwrap(), "abc-123");
        assert_eq!(transaction_id(&response(r#"{"TransactionId":"t1"}"#)).unwrap(), "t1");
        assert_eq!(transaction_id(&response("t2\n")).unwrap(), "t2");
        assert_eq!(
            transaction_id(&response(r#"{"Message":"bad key"}"#)).unwrap_err().vendor_message(),
            Some("bad key")
        );
        assert_eq!(transaction_id(&response(r#""a b""#)).unwrap_err().code(), "decode");
        assert_eq!(html(&response(r#""<div>x</div>""#)).unwrap(), "<div>x</div>");
        assert_eq!(html(&response("<div>y</div>")).unwrap(), "<div>y</div>");
        assert!(finished(&response("true")).unwrap());
        assert!(!finished(&response(r#""False""#)).unwrap());
        assert!(finished(&response(r#"{"IsFinish":true}"#)).unwrap());
        assert_eq!(finished(&response("1")).unwrap_err().code(), "decode");
    }
}
