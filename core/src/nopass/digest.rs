//! Digests and constant-time comparisons of the values the NoPass protocol uses as proof: the
//! `otp` and `authId` capabilities, the `adminId`, the `portalId`, a shared secret.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The SHA-256 of a capability the NoPass server holds (an `otp`, an `authId`): what the store
/// keeps and looks it up by, so a copy of the store grants nothing.
pub(crate) fn digest(value: impl AsRef<[u8]>) -> [u8; 32] {
    Sha256::digest(value.as_ref()).into()
}

/// Compares two secrets in constant time. Both are hashed first so that not even their
/// lengths can be learned from the timing.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    digest(a).ct_eq(&digest(b)).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_by_value() {
        assert!(same_secret("JimTheAdmin", "JimTheAdmin"));
        assert!(!same_secret("JimTheAdmin", "JimTheAdmiN"));
        assert!(!same_secret("JimTheAdmin", "JimTheAdmin "));
        assert!(!same_secret("", "x"));
    }
}
