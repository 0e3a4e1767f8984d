//! Values that must never be printed: keys, tokens, passwords, PINs, OTPs, biometric bytes.
//!
//! [`Secret`] and [`SecretBytes`] print `***` in `Debug` and `Display`, serialize as `"***"`,
//! compare in constant time and wipe their memory when dropped. The only way to read one is
//! [`Secret::expose`], which makes every place that handles the plain value easy to find: a
//! request body puts a secret on the wire by calling it, never by serializing the `Secret`.

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

/// What a secret prints and serializes as.
const MASK: &str = "***";

/// A secret string (key, token, password, PIN, one-time code).
///
/// `==` runs in constant time (see [`ConstantTimeEq`]), so comparing a received value with a
/// stored one does not tell an attacker how much of it was right.
#[derive(Clone, Default)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Takes ownership of `value`; the memory is wiped when the secret is dropped.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The plain value. Use it only to put the secret on the wire.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    /// Whether the secret is the empty string, checked without exposing it.
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
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

/// Compares the SHA-256 digests of both values with [`subtle`]: the time taken depends on
/// neither the position of the first difference nor on whether the lengths match, only on
/// each value's length in 64-byte blocks (one block for anything under 56 bytes).
impl ConstantTimeEq for Secret {
    fn ct_eq(&self, other: &Self) -> Choice {
        digest_eq(self.expose().as_bytes(), other.expose().as_bytes())
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for Secret {}

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
    /// Serializes as `"***"`, like `Debug`: a struct holding a secret can be logged or
    /// returned as JSON without leaking it. A request body that must carry the plain value
    /// says so by putting [`Secret::expose`] in it.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(MASK)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

/// Secret bytes (biometric samples, key material). `==` runs in constant time, as for
/// [`Secret`].
#[derive(Clone, Default)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Takes ownership of `value`; the memory is wiped when the secret is dropped.
    pub fn new(value: impl Into<Vec<u8>>) -> Self {
        SecretBytes(Zeroizing::new(value.into()))
    }

    /// The plain bytes. Use them only to put the secret on the wire.
    pub fn expose(&self) -> &[u8] {
        self.0.as_slice()
    }

    /// Length in bytes, for validating limits without exposing the value.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no bytes at all.
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

/// Constant time in the same sense as for [`Secret`].
impl ConstantTimeEq for SecretBytes {
    fn ct_eq(&self, other: &Self) -> Choice {
        digest_eq(self.expose(), other.expose())
    }
}

impl PartialEq for SecretBytes {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for SecretBytes {}

/// Equality of two secret values through their SHA-256 digests. Comparing the bytes with
/// `subtle` alone would return at once when the lengths differ, telling an attacker the
/// length; digests always have the same length, and equal digests mean equal values.
fn digest_eq(a: &[u8], b: &[u8]) -> Choice {
    let (a, b): ([u8; 32], [u8; 32]) = (Sha256::digest(a).into(), Sha256::digest(b).into());
    a.ct_eq(&b)
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
    fn serializing_never_writes_the_value() {
        #[derive(serde::Serialize)]
        struct Held {
            user: &'static str,
            password: Secret,
            token: Option<Secret>,
            keys: Vec<Secret>,
        }
        let held = Held {
            user: "ada",
            password: "hunter2".into(),
            token: Some("tok-123".into()),
            keys: vec!["k-1".into(), "".into()],
        };
        let json = serde_json::to_string(&held).unwrap();
        assert_eq!(json, r#"{"user":"ada","password":"***","token":"***","keys":["***","***"]}"#);
        assert_eq!(serde_json::to_value(Secret::new("hunter2")).unwrap(), serde_json::json!("***"));
        // Reading a secret from JSON still keeps its value.
        let read: Secret = serde_json::from_str(r#""from-the-wire""#).unwrap();
        assert_eq!(read.expose(), "from-the-wire");
    }

    #[test]
    fn equality_compares_the_values() {
        let s = |v: &str| Secret::new(v);
        assert_eq!(s("correct horse"), s("correct horse"));
        assert_eq!(s(""), Secret::default());
        assert_ne!(s("correct horse"), s("correct horsf"));
        assert_ne!(s("correct horse"), s("Correct horse"));
        // Prefixes and longer values differ too, whatever the lengths.
        assert_ne!(s("correct"), s("correct horse"));
        assert_ne!(s("correct horse battery"), s("correct horse"));
        assert_ne!(s(""), s("x"));
        assert!(bool::from(s("pin-1234").ct_eq(&s("pin-1234"))));
        assert!(!bool::from(s("pin-1234").ct_eq(&s("pin-1235"))));
        assert_eq!(Some(s("a")), Some(s("a")));
        assert_ne!(Some(s("a")), None);

        let b = |v: &[u8]| SecretBytes::new(v.to_vec());
        assert_eq!(b(b"\x00face"), b(b"\x00face"));
        assert_ne!(b(b"\x00face"), b(b"\x00facf"));
        assert_ne!(b(b"face"), b(b"face\x00"));
        assert_eq!(b(b""), SecretBytes::default());
    }
}
