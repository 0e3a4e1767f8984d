//! The typed values AuthX calls take and give back.

use std::fmt;

/// The unique id AuthX gives a user (`guid`, the vendor's "Add User": "UniqueuserId of the user
/// added"), decoded from the `response_data` string of AddUser/UpdateUser.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserGuid(String);

impl UserGuid {
    /// Wraps a `guid` AuthX gave earlier (kept from AddUser, for instance).
    pub fn new(guid: impl Into<String>) -> Self {
        UserGuid(guid.into())
    }

    /// The `guid` as AuthX spells it, for UpdateUser, DeleteUser, the PIN calls and biometric
    /// uploads.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserGuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for UserGuid {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The answer of VerifyPin. A wrong PIN is an answer, not an error: AuthX says `response_code`
/// 0 with a `response_subcode` other than 100 ("Exception"), and authbridge returns
/// [`PinVerification::Rejected`]. A subcode of 100 means the server failed (for example the
/// user does not exist) and is an `Error::Vendor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinVerification {
    /// `response_code` 1: the PIN is the user's.
    Verified,
    /// `response_code` 0: the PIN was checked and refused.
    Rejected {
        /// `response_subcode`.
        subcode: i64,
        /// `response_text`, when AuthX gave one.
        message: Option<String>,
    },
}

impl PinVerification {
    /// Whether the PIN was right; a wrong PIN is an answer, not an error.
    pub fn is_verified(&self) -> bool {
        matches!(self, PinVerification::Verified)
    }
}

/// `authentication_id` of ProcessBiometric: which biometric the sample is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BiometricKind {
    /// 1 – Finger.
    Finger,
    /// 2 – Face.
    Face,
    /// 3 – Palm.
    Palm,
}

impl BiometricKind {
    /// The `authentication_id` AuthX expects for this kind (1 finger, 2 face, 3 palm).
    pub fn id(self) -> u8 {
        match self {
            BiometricKind::Finger => 1,
            BiometricKind::Face => 2,
            BiometricKind::Palm => 3,
        }
    }

    /// The kind with this `authentication_id`, or `None` for a number AuthX does not define.
    pub fn from_id(id: i64) -> Option<Self> {
        match id {
            1 => Some(BiometricKind::Finger),
            2 => Some(BiometricKind::Face),
            3 => Some(BiometricKind::Palm),
            _ => None,
        }
    }

    /// Stable snake_case name, for bindings.
    pub fn as_str(self) -> &'static str {
        match self {
            BiometricKind::Finger => "finger",
            BiometricKind::Face => "face",
            BiometricKind::Palm => "palm",
        }
    }
}

/// `process_type` of ProcessBiometric: what to do with the sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BiometricProcess {
    /// 1 – Enroll.
    Enrol,
    /// 2 – Verify.
    Verify,
    /// 3 – Delete.
    Delete,
}

impl BiometricProcess {
    /// The `process_type` AuthX expects for this process (1 enrol, 2 verify, 3 delete).
    pub fn id(self) -> u8 {
        match self {
            BiometricProcess::Enrol => 1,
            BiometricProcess::Verify => 2,
            BiometricProcess::Delete => 3,
        }
    }

    /// The process with this `process_type`, or `None` for a number AuthX does not define.
    pub fn from_id(id: i64) -> Option<Self> {
        match id {
            1 => Some(BiometricProcess::Enrol),
            2 => Some(BiometricProcess::Verify),
            3 => Some(BiometricProcess::Delete),
            _ => None,
        }
    }

    /// Stable snake_case name, for bindings.
    pub fn as_str(self) -> &'static str {
        match self {
            BiometricProcess::Enrol => "enrol",
            BiometricProcess::Verify => "verify",
            BiometricProcess::Delete => "delete",
        }
    }
}

/// ProcessBiometric's `response_code` other than 0 (docs/vendors/authx.md, "Process Biometric").
/// A sample that does not match, or cannot be used, is an outcome the caller acts on, not an
/// error; only `response_code` 0 is an `Error::Vendor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BiometricOutcome {
    /// 1 – Success: enrolled, matched (verify) or deleted.
    Success,
    /// 2 – FaceNotMatch: the sample is not the enrolled user's.
    FaceNotMatch,
    /// 3 – FaceQualityPoor.
    FaceQualityPoor,
    /// 4 – TooManyFace.
    TooManyFace,
    /// 5 – FaceNotFound.
    FaceNotFound,
    /// 6 – FaceOutBound.
    FaceOutBound,
    /// 7 – SettingsMissed: the application's biometric settings are missing.
    SettingsMissed,
    /// 8 – UserNotExists.
    UserNotExists,
    /// A code this version of authbridge does not know.
    Other(i64),
}

impl BiometricOutcome {
    /// The outcome of AuthX's `response_code`; a code it does not know is
    /// [`BiometricOutcome::Other`].
    pub fn from_code(code: i64) -> Self {
        match code {
            1 => Self::Success,
            2 => Self::FaceNotMatch,
            3 => Self::FaceQualityPoor,
            4 => Self::TooManyFace,
            5 => Self::FaceNotFound,
            6 => Self::FaceOutBound,
            7 => Self::SettingsMissed,
            8 => Self::UserNotExists,
            other => Self::Other(other),
        }
    }

    /// The `response_code` AuthX sent.
    pub fn code(self) -> i64 {
        match self {
            Self::Success => 1,
            Self::FaceNotMatch => 2,
            Self::FaceQualityPoor => 3,
            Self::TooManyFace => 4,
            Self::FaceNotFound => 5,
            Self::FaceOutBound => 6,
            Self::SettingsMissed => 7,
            Self::UserNotExists => 8,
            Self::Other(code) => code,
        }
    }

    /// Stable snake_case name, for bindings.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::FaceNotMatch => "face_not_match",
            Self::FaceQualityPoor => "face_quality_poor",
            Self::TooManyFace => "too_many_face",
            Self::FaceNotFound => "face_not_found",
            Self::FaceOutBound => "face_out_bound",
            Self::SettingsMissed => "settings_missed",
            Self::UserNotExists => "user_not_exists",
            Self::Other(_) => "other",
        }
    }

    /// Whether the sample was accepted (enrolled, matched or deleted); every other outcome is for
    /// the caller to act on.
    pub fn is_success(self) -> bool {
        self == Self::Success
    }
}

/// The answer of one ProcessBiometric call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BiometricResult {
    /// What AuthX made of the sample.
    pub outcome: BiometricOutcome,
    /// `response_subcode`.
    pub subcode: i64,
    /// `response_text`, when AuthX gave one.
    pub message: Option<String>,
    /// The `correlation_id` AuthX echoed, else the one authbridge sent.
    pub correlation_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for code in 1..=9 {
            assert_eq!(BiometricOutcome::from_code(code).code(), code);
        }
        assert_eq!(BiometricOutcome::from_code(9), BiometricOutcome::Other(9));
        for id in 1..=3 {
            assert_eq!(i64::from(BiometricKind::from_id(id).unwrap().id()), id);
            assert_eq!(i64::from(BiometricProcess::from_id(id).unwrap().id()), id);
        }
        assert_eq!(BiometricKind::from_id(0), None);
        assert_eq!(BiometricProcess::from_id(4), None);
    }
}
