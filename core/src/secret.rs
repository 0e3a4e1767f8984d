//! Values that must never be printed: keys, tokens, passwords, PINs, OTPs, biometric bytes.
//!
//! [`Secret`] and [`SecretBytes`] print `***` in `Debug` and `Display` and wipe their memory
//! when dropped. The only way to read one is [`Secret::expose`], which makes every place that
//! handles the plain value easy to find.

use std::fmt;

use zeroize::Zeroizing;

/// A secret string (key, token, password, PIN, one-time code).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The plain value. Use it only to put the secret on the wire.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Length in characters, for validating limits without exposing the value.
    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl serde::Serialize for Secret {
    /// Secrets serialize to their plain value because the only serialization authbridge does
    /// is building request bodies. Never serialize a secret for logging.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

/// Secret bytes (biometric samples, key material).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    pub fn new(value: impl Into<Vec<u8>>) -> Self {
        SecretBytes(Zeroizing::new(value.into()))
    }

    /// The plain bytes. Use them only to put the secret on the wire.
    pub fn expose(&self) -> &[u8] {
        self.0.as_slice()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "*** ({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for SecretBytes {
    fn from(value: Vec<u8>) -> Self {
        SecretBytes::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(s.expose(), "hunter2");
        let b = SecretBytes::new(b"face".to_vec());
        assert_eq!(format!("{b:?}"), "*** (4 bytes)");
    }

    #[test]
    fn serializes_plain_for_the_wire() {
        #[derive(serde::Serialize)]
        struct Body {
            password: Secret,
        }
        let body = Body { password: "pw".into() };
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"password":"pw"}"#);
        assert!(!format!("{:?}", body.password).contains("pw"));
    }
}
