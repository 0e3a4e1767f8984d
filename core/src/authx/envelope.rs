//! The answer envelope every AuthX operation but AccessToken shares, and the errors it maps to.
//!
//! `{"response_code", "response_subcode", "response_text", "response_data"}`
//! (docs/vendors/authx.md, "The answer envelope"): `response_code` 1 is success and 0 an error
//! whose `response_subcode` (100 – Exception) and `response_text` say why. `response_data` is JSON
//! encoded *inside a string* (`"{\"guid\":\"…\"}"`) or null; it is decoded here, once, so callers
//! get typed values. ProcessBiometric adds `correlation_id` and the outcome codes 2..8.

use serde::Deserialize;
use serde_json::Value;

use super::types::UserGuid;
use crate::transport::Response;
use crate::{Error, Result, Vendor};

/// `response_code` of success.
pub(crate) const SUCCESS: i64 = 1;
/// `response_code` of an error.
pub(crate) const ERROR: i64 = 0;
/// `response_subcode` 100 – Exception: the server failed, as opposed to refusing a value.
pub(crate) const SUBCODE_EXCEPTION: i64 = 100;

#[derive(Debug, Deserialize)]
pub(crate) struct Envelope {
    pub response_code: i64,
    #[serde(default)]
    pub response_subcode: Option<i64>,
    #[serde(default)]
    pub response_text: Option<String>,
    #[serde(default)]
    response_data: Option<Value>,
    #[serde(default)]
    pub correlation_id: Option<String>,
}

impl Envelope {
    /// The envelope of a 2xx answer; any other status becomes the matching error.
    pub(crate) fn read(response: &Response) -> Result<Self> {
        if !response.is_success() {
            return Err(status_error(response));
        }
        serde_json::from_slice(&response.body).map_err(|e| Error::Decode {
            vendor: Vendor::AuthX,
            message: format!("HTTP {}: not the AuthX response envelope: {e}", response.status.as_u16()),
        })
    }

    /// The envelope of a call whose only success is `response_code` 1.
    pub(crate) fn expect_success(response: &Response) -> Result<Self> {
        let envelope = Self::read(response)?;
        match envelope.response_code {
            SUCCESS => Ok(envelope),
            ERROR => Err(envelope.into_vendor_error(response)),
            other => Err(Error::Decode {
                vendor: Vendor::AuthX,
                message: format!("unexpected response_code {other} (this call answers 1 or 0)"),
            }),
        }
    }

    /// `response_code` 0 as an error: subcode and text become the vendor code and message.
    pub(crate) fn into_vendor_error(self, response: &Response) -> Error {
        let mut detail = response.detail();
        detail.vendor_code = self.response_subcode.map(|code| code.to_string());
        detail.vendor_message = self.response_text;
        Error::Vendor(Box::new(detail))
    }

    /// The `guid` in `response_data` (AddUser, UpdateUser).
    pub(crate) fn guid(&self) -> Result<UserGuid> {
        let decode = |message: String| Error::Decode { vendor: Vendor::AuthX, message };
        let data = match &self.response_data {
            Some(Value::String(inner)) => serde_json::from_str::<Value>(inner)
                .map_err(|e| decode(format!("response_data is not JSON inside a string: {e}")))?,
            // Tolerated: a server that sends the object itself rather than its encoding.
            Some(object @ Value::Object(_)) => object.clone(),
            _ => return Err(decode("response_data carries no user guid".into())),
        };
        match data.get("guid") {
            Some(Value::String(guid)) if !guid.is_empty() => Ok(UserGuid::new(guid.clone())),
            _ => Err(decode("response_data has no `guid` string".into())),
        }
    }
}

/// The error of a non-2xx answer, with whatever the body names: the envelope's subcode and
/// text, ASP.NET's `{"Message"}` (the 401 of an expired token) or OAuth's
/// `{"error","error_description"}` (a refused AccessToken).
pub(crate) fn status_error(response: &Response) -> Error {
    let mut detail = response.detail();
    if let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&response.body) {
        let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_string);
        if let Some(code) = body.get("response_subcode").and_then(Value::as_i64) {
            detail.vendor_code = Some(code.to_string());
            detail.vendor_message = text("response_text");
        } else if let Some(code) = text("error") {
            detail.vendor_code = Some(code);
            detail.vendor_message = text("error_description");
        } else {
            detail.vendor_message = text("Message").or_else(|| text("message"));
        }
    }
    Error::from_status(detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(json: &str) -> Envelope {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn decodes_the_guid_inside_a_string() {
        let e = envelope(
            r#"{"response_code":1,"response_subcode":0,"response_text":null,
                "response_data":"{\"guid\":\"bf78c938-bf06-4625-bf79-7622f3f98e88\"}"}"#,
        );
        assert_eq!(e.guid().unwrap().as_str(), "bf78c938-bf06-4625-bf79-7622f3f98e88");
        let none = envelope(r#"{"response_code":1,"response_subcode":0,"response_text":null,"response_data":null}"#);
        assert_eq!(none.guid().unwrap_err().code(), "decode");
        let broken = envelope(r#"{"response_code":1,"response_data":"{guid"}"#);
        assert_eq!(broken.guid().unwrap_err().code(), "decode");
    }
}
