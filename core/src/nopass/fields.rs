//! Reading a callback body field by field against the types and limits of
//! docs/vendors/nopass.md, "Callbacks received".
//!
//! The NoPass server is ASP.NET, which binds JSON keys without regard to case (`UserId` and
//! `userId` both arrive), so keys are matched case-insensitively and unknown keys are ignored. Two
//! keys that differ only in case are refused: which one ASP.NET would have used is not something a
//! portal should guess. Every refusal names the field as the vendor spells it (with its path for
//! nested fields: `session.authId`, `users[2].email`).

use std::collections::HashMap;

use serde_json::Value;

use super::response::Refusal;

/// A JSON object whose keys are matched without regard to ASCII case.
pub(crate) struct Fields {
    prefix: String,
    map: HashMap<String, Value>,
}

impl Fields {
    /// The request body, which must be one JSON object.
    pub(crate) fn parse(body: &[u8]) -> Result<Self, Refusal> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(Refusal::invalid_json("the body is empty; the seed's JSON object is expected"));
        }
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| Refusal::invalid_json(format!("the body is not valid JSON ({e})")))?;
        Self::from_value(String::new(), value)
    }

    fn from_value(prefix: String, value: Value) -> Result<Self, Refusal> {
        let Value::Object(object) = value else {
            let what = if prefix.is_empty() { "the body".to_string() } else { format!("`{prefix}`") };
            return Err(Refusal::new(400, "invalid_input", format!("{what} must be a JSON object")));
        };
        let mut map = HashMap::with_capacity(object.len());
        for (key, value) in object {
            let lower = key.to_ascii_lowercase();
            if map.insert(lower, value).is_some() {
                let name = join(&prefix, &key);
                return Err(Refusal::invalid(
                    &name,
                    "is given more than once (keys are matched without regard to case)",
                ));
            }
        }
        Ok(Self { prefix, map })
    }

    /// The field's full name for messages.
    pub(crate) fn name(&self, field: &str) -> String {
        join(&self.prefix, field)
    }

    /// Removes and returns a field; JSON `null` counts as absent.
    fn take(&mut self, field: &str) -> Option<Value> {
        self.map.remove(&field.to_ascii_lowercase()).filter(|value| !value.is_null())
    }

    /// A string field that must be present and not empty, of at most `max` characters.
    pub(crate) fn required_str(&mut self, field: &str, max: Option<usize>) -> Result<String, Refusal> {
        match self.optional_str(field, max)? {
            None => Err(Refusal::invalid(&self.name(field), "is required")),
            Some(value) if value.is_empty() => Err(Refusal::invalid(&self.name(field), "must not be empty")),
            Some(value) => Ok(value),
        }
    }

    /// A string field that may be absent, `null` or empty, of at most `max` characters.
    pub(crate) fn optional_str(&mut self, field: &str, max: Option<usize>) -> Result<Option<String>, Refusal> {
        match self.take(field) {
            None => Ok(None),
            Some(Value::String(value)) => {
                if let Some(max) = max {
                    let len = value.chars().count();
                    if len > max {
                        return Err(Refusal::invalid(
                            &self.name(field),
                            format!("must be at most {max} characters (got {len})"),
                        ));
                    }
                }
                Ok(Some(value))
            }
            Some(other) => Err(Refusal::invalid(&self.name(field), format!("must be a string (got {})", kind(&other)))),
        }
    }

    /// A non-negative integer field that must be present, at most `max`; `rule` describes the
    /// limit in the vendor's words.
    pub(crate) fn required_uint(&mut self, field: &str, max: u64, rule: &str) -> Result<u64, Refusal> {
        let name = self.name(field);
        match self.take(field) {
            None => Err(Refusal::invalid(&name, "is required")),
            Some(Value::Number(number)) => {
                if let Some(value) = number.as_u64() {
                    if value > max {
                        return Err(Refusal::invalid(&name, rule));
                    }
                    Ok(value)
                } else if number.as_i64().is_some() {
                    Err(Refusal::invalid(&name, "must not be negative"))
                } else {
                    Err(Refusal::invalid(&name, "must be a whole number"))
                }
            }
            Some(other) => Err(Refusal::invalid(&name, format!("must be an integer (got {})", kind(&other)))),
        }
    }

    /// A boolean field; `required` refuses it absent or `null`.
    pub(crate) fn bool(&mut self, field: &str, required: bool) -> Result<Option<bool>, Refusal> {
        match self.take(field) {
            None if required => Err(Refusal::invalid(&self.name(field), "is required")),
            None => Ok(None),
            Some(Value::Bool(value)) => Ok(Some(value)),
            Some(other) => {
                Err(Refusal::invalid(&self.name(field), format!("must be a boolean (got {})", kind(&other))))
            }
        }
    }

    /// A nested object field, absent or `null` as `None`.
    pub(crate) fn object(&mut self, field: &str) -> Result<Option<Fields>, Refusal> {
        let name = self.name(field);
        match self.take(field) {
            None => Ok(None),
            Some(value) => Fields::from_value(name, value).map(Some),
        }
    }

    /// An array of objects, absent or `null` as `None`.
    pub(crate) fn objects(&mut self, field: &str) -> Result<Option<Vec<Fields>>, Refusal> {
        let name = self.name(field);
        match self.take(field) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| Fields::from_value(format!("{name}[{i}]"), item))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(Refusal::invalid(&name, format!("must be an array (got {})", kind(&other)))),
        }
    }
}

fn join(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_string()
    } else {
        format!("{prefix}.{field}")
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(refusal: Refusal) -> String {
        refusal.into_response().error_message().unwrap_or_default()
    }

    #[test]
    fn keys_match_without_case_and_rules_name_the_field() {
        let mut f = Fields::parse(br#"{"ADMINID":"Jim","r":5,"extra":1}"#).unwrap();
        assert_eq!(f.required_str("adminId", Some(64)).unwrap(), "Jim");
        assert_eq!(f.required_uint("r", 99_999_999, "must have at most 8 digits").unwrap(), 5);
        let mut f = Fields::parse(br#"{"r":-1}"#).unwrap();
        assert_eq!(message(f.required_uint("r", 9, "x").unwrap_err()), "`r` must not be negative");
        let mut f = Fields::parse(br#"{"r":1.5}"#).unwrap();
        assert!(message(f.required_uint("r", 9, "x").unwrap_err()).contains("whole number"));
        let mut f = Fields::parse(br#"{"session":{"AuthId":7}}"#).unwrap();
        let mut session = f.object("session").unwrap().unwrap();
        assert_eq!(
            message(session.required_str("authId", None).unwrap_err()),
            "`session.authId` must be a string (got a number)"
        );
        let refusal = Fields::parse(br#"{"userId":"a","UserId":"b"}"#).err().unwrap();
        assert!(message(refusal).contains("more than once"));
        assert!(Fields::parse(b"[1]").is_err());
        assert!(Fields::parse(b" ").is_err());
        let mut f = Fields::parse(br#"{"users":[{"email":"x"},3]}"#).unwrap();
        assert!(message(f.objects("users").err().unwrap()).contains("`users[1]` must be a JSON object"));
    }
}
