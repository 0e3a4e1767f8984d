//! What the server and client calls give back, and the guide's rule for a valid result
//! (docs/vendors/otpone.md, "Result fields").
//!
//! VerifyToken (standard flow), GetResult (distributed flow) and SendRequest (server only)
//! all return the same "important part": `Message`, `UserValided`, `privateToken` and
//! `isValid`. The guide says `isValid` MUST be true and `UserValided` "MUST be the same as the
//! initial request": a token or result for another user, or one not valid, is not a success,
//! so authbridge never hands one back as `Ok` ([`Outcome::accept`]).

use std::fmt;

use serde_json::{Map, Value};

use super::RequestType;
use crate::{Error, Result, Secret, VendorDetail};

/// A transaction opened by getTransactionID: its id, and the user it was opened for, which
/// [`super::OtpOneServer::verify_token`] and [`super::OtpOneClient::get_result`] must later
/// compare with `UserValided`. Keep it (or at least `user_mail`) with the session that opened
/// it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// The transaction id, for GetHTML on the server and IsFinish/GetResult on the client.
    pub id: String,
    /// `UserMail` as sent.
    pub user_mail: String,
    /// `requestype` as sent.
    pub request_type: RequestType,
}

/// A validation OtpOne reported as valid (`isValid` true) for the expected user.
#[derive(Clone)]
pub struct Validation {
    /// `UserValided`: the user who validated (equal to the transaction's user when that was
    /// known to the call).
    pub user_valided: String,
    /// `privateToken`: the private information the server attached to the transaction
    /// (distributed requests); `None` when empty or absent.
    pub private_token: Option<Secret>,
    /// `Message`, when not empty.
    pub message: Option<String>,
    /// Every other field of the answer ("the result has a lot of information depending on the
    /// type of the request"), as sent. `Debug` lists only their names.
    pub fields: Map<String, Value>,
}

impl fmt::Debug for Validation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validation")
            .field("user_valided", &self.user_valided)
            .field("private_token", &self.private_token)
            .field("message", &self.message)
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// A result as read from the wire, before the guide's rule is applied.
pub(super) struct Outcome {
    pub is_valid: bool,
    pub user_valided: Option<String>,
    pub private_token: Option<Secret>,
    pub message: Option<String>,
    pub fields: Map<String, Value>,
}

impl Outcome {
    /// Applies the guide's rule: `isValid` must be true, and `UserValided` must name
    /// `expected_user` when it is known. Anything else is `authentication_failed`, with the
    /// field that failed as the vendor code and OtpOne's `Message` (or the reason) as the
    /// vendor message.
    pub fn accept(self, expected_user: Option<&str>, detail: VendorDetail) -> Result<Validation> {
        let failed = |code: &str, message: String| {
            Error::AuthenticationFailed(Box::new(detail.clone().code(code).message(message)))
        };
        if !self.is_valid {
            return Err(failed("isValid", self.message.unwrap_or_else(|| "isValid is false".into())));
        }
        let Some(user) = self.user_valided.filter(|u| !u.trim().is_empty()) else {
            return Err(failed("UserValided", "isValid is true but the answer names no UserValided".into()));
        };
        if let Some(expected) = expected_user {
            if !same_user(&user, expected) {
                return Err(failed("UserValided", "UserValided is not the user the transaction was opened for".into()));
            }
        }
        Ok(Validation {
            user_valided: user,
            private_token: self.private_token,
            message: self.message,
            fields: self.fields,
        })
    }
}

/// Whether two mail addresses name the same user: equal after trimming, ignoring ASCII letter
/// case (mail servers and identity systems treat `Alice@Example.com` and `alice@example.com`
/// as one mailbox, and OtpOne may normalise the case it reports).
pub(super) fn same_user(reported: &str, expected: &str) -> bool {
    reported.trim().eq_ignore_ascii_case(expected.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Vendor;

    fn outcome(is_valid: bool, user: Option<&str>) -> Outcome {
        Outcome {
            is_valid,
            user_valided: user.map(str::to_string),
            private_token: Some(Secret::new("pt-123")),
            message: None,
            fields: Map::new(),
        }
    }

    fn detail() -> VendorDetail {
        VendorDetail::new(Vendor::OtpOne).status(200)
    }

    #[test]
    fn valid_and_same_user_is_accepted() {
        let v = outcome(true, Some("Alice@Example.com")).accept(Some("alice@example.com "), detail()).unwrap();
        assert_eq!(v.user_valided, "Alice@Example.com");
        assert!(!format!("{v:?}").contains("pt-123"));
    }

    #[test]
    fn another_user_or_not_valid_is_refused() {
        let e = outcome(true, Some("mallory@example.com")).accept(Some("alice@example.com"), detail()).unwrap_err();
        assert_eq!((e.code(), e.vendor_code()), ("authentication_failed", Some("UserValided")));
        let e = outcome(false, Some("alice@example.com")).accept(Some("alice@example.com"), detail()).unwrap_err();
        assert_eq!((e.code(), e.vendor_code()), ("authentication_failed", Some("isValid")));
        let e = outcome(true, None).accept(None, detail()).unwrap_err();
        assert_eq!(e.vendor_code(), Some("UserValided"));
        assert!(outcome(true, Some("x@y")).accept(None, detail()).is_ok());
    }
}
