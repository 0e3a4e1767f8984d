//! The Login Status DTO and what its `statusCode` means.

use serde::Deserialize;

use crate::Error;

/// `statusCode` of the Login Status DTO (docs/vendors/nevisidm.md, "Login status": 5 OK; 2 failed;
/// 3 failed with lock warning; 4 failed and now locked; 9 failed and temporarily locked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginStatusCode {
    /// 5: the login succeeded.
    Ok,
    /// 2: the login failed.
    Failed,
    /// 3: the login failed, and the next failures will lock the credential.
    FailedLockWarning,
    /// 4: the login failed and the credential is now locked.
    FailedLocked,
    /// 9: the login failed and the credential is locked for a while.
    FailedTemporarilyLocked,
    /// A code this version of authbridge does not know; treated as a failure.
    Other(i64),
}

impl LoginStatusCode {
    /// The status for nevisIDM's number; a number it does not know is [`LoginStatusCode::Other`].
    pub fn from_code(code: i64) -> Self {
        match code {
            5 => Self::Ok,
            2 => Self::Failed,
            3 => Self::FailedLockWarning,
            4 => Self::FailedLocked,
            9 => Self::FailedTemporarilyLocked,
            other => Self::Other(other),
        }
    }

    /// The number nevisIDM sent.
    pub fn code(self) -> i64 {
        match self {
            Self::Ok => 5,
            Self::Failed => 2,
            Self::FailedLockWarning => 3,
            Self::FailedLocked => 4,
            Self::FailedTemporarilyLocked => 9,
            Self::Other(code) => code,
        }
    }

    /// Stable snake_case name, for bindings.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed => "failed",
            Self::FailedLockWarning => "failed_lock_warning",
            Self::FailedLocked => "failed_locked",
            Self::FailedTemporarilyLocked => "failed_temporarily_locked",
            Self::Other(_) => "other",
        }
    }

    /// Whether the login succeeded (5); every other code, an unknown one included, is a failure.
    pub fn is_ok(self) -> bool {
        self == Self::Ok
    }

    /// The status of a failed nevisIDM login carried by an `authentication_failed` error.
    pub fn of(error: &Error) -> Option<Self> {
        match error {
            Error::AuthenticationFailed(detail) if detail.vendor == Some(crate::Vendor::Nevis) => {
                detail.vendor_code.as_deref()?.parse().ok().map(Self::from_code)
            }
            _ => None,
        }
    }
}

/// A successful login's Login Status DTO.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginStatus {
    /// Always [`LoginStatusCode::Ok`] in a successful login: every other code is an
    /// `authentication_failed` error.
    pub status: LoginStatusCode,
    /// Human-readable login status information from nevisIDM.
    pub description: String,
}

/// The wire shape: `{"statusCode": 5, "description": "Login Ok"}`.
#[derive(Deserialize)]
pub(super) struct LoginStatusDto {
    #[serde(rename = "statusCode")]
    pub status_code: i64,
    #[serde(default)]
    pub description: Option<String>,
}

/// The error body of 404/422 answers: `{"errors":[{"code","message"}]}`.
#[derive(Deserialize)]
pub(super) struct ErrorsDto {
    #[serde(default)]
    pub errors: Vec<ErrorDto>,
}

#[derive(Deserialize)]
pub(super) struct ErrorDto {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}
