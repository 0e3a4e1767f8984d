//! The guide's two enumerations (docs/vendors/otpone.md, "Enumerations"): `RequestTypes`
//! (getTransactionID and SendRequest) and `PageType` (GetHTML). Variant names and numbers are
//! the guide's,
//! spelling included (`RequestApplicaitonAccess`), because they are what the vendor's API and
//! documentation use; the value sent on the wire is the number.

use std::fmt;

use crate::{Error, Result};

/// What the person is asked to do (`requestype`).
#[allow(clippy::enum_variant_names)] // the guide's names all begin with "Request"
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum RequestType {
    /// 0 — Authentication web.
    RequestWebSession = 0,
    /// 1 — Authentication to open a session.
    RequestComputerSession = 1,
    /// 2 — Request a mobile picture.
    RequestFileScanImage = 2,
    /// 3 — Request a document scan.
    RequestFileScanDocument = 3,
    /// 4 — Request a Workflow validation.
    RequestWorkFlowValidation = 4,
    /// 5 — Request an application validation. Spelled as in the guide; see
    /// [`RequestType::RequestApplicationAccess`] for the correctly spelled alias.
    RequestApplicaitonAccess = 5,
    /// 6 — Request a mobile signature.
    RequestSignDocument = 6,
}

impl RequestType {
    /// Every request type, in the guide's order.
    pub const ALL: [RequestType; 7] = [
        RequestType::RequestWebSession,
        RequestType::RequestComputerSession,
        RequestType::RequestFileScanImage,
        RequestType::RequestFileScanDocument,
        RequestType::RequestWorkFlowValidation,
        RequestType::RequestApplicaitonAccess,
        RequestType::RequestSignDocument,
    ];

    /// The correctly spelled name of `RequestApplicaitonAccess` (value 5).
    #[allow(non_upper_case_globals)]
    pub const RequestApplicationAccess: RequestType = RequestType::RequestApplicaitonAccess;

    /// The number the guide gives this type, which is what travels in `requestype`.
    pub fn value(self) -> u8 {
        self as u8
    }

    /// The type numbered `value` (0..=6), or `invalid_input` naming `requestype`.
    pub fn from_value(value: i64) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|t| i64::from(t.value()) == value)
            .ok_or_else(|| Error::invalid("requestype", format!("must be 0 to 6 (got {value})")))
    }

    /// The guide's name (`RequestWebSession`, …).
    pub fn name(self) -> &'static str {
        match self {
            RequestType::RequestWebSession => "RequestWebSession",
            RequestType::RequestComputerSession => "RequestComputerSession",
            RequestType::RequestFileScanImage => "RequestFileScanImage",
            RequestType::RequestFileScanDocument => "RequestFileScanDocument",
            RequestType::RequestWorkFlowValidation => "RequestWorkFlowValidation",
            RequestType::RequestApplicaitonAccess => "RequestApplicaitonAccess",
            RequestType::RequestSignDocument => "RequestSignDocument",
        }
    }

    /// The type named `name` (the guide's spelling or the corrected `RequestApplicationAccess`,
    /// any letter case), or `invalid_input` naming `requestype`. For bindings and config files.
    pub fn from_name(name: &str) -> Result<Self> {
        if name.eq_ignore_ascii_case("RequestApplicationAccess") {
            return Ok(Self::RequestApplicationAccess);
        }
        Self::ALL.into_iter().find(|t| t.name().eq_ignore_ascii_case(name)).ok_or_else(|| {
            Error::invalid("requestype", "must be one of the seed's RequestTypes names (RequestWebSession, …)")
        })
    }
}

impl fmt::Display for RequestType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which validation the page loaded by GetHTML offers (`pageType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PageType {
    /// 0 — Phone validation and digitalization functions.
    RTRPhoneValidation = 0,
    /// 1 — Secure key validation and Windows Hello.
    SecurityKeyValidation = 1,
    /// 2 — Secure key registration on your domain.
    SecurityKeyRegistration = 2,
    /// 3 — User entreprise certificate validation.
    Certificate = 3,
}

impl PageType {
    /// Every page type, in the guide's order.
    pub const ALL: [PageType; 4] = [
        PageType::RTRPhoneValidation,
        PageType::SecurityKeyValidation,
        PageType::SecurityKeyRegistration,
        PageType::Certificate,
    ];

    /// The number the guide gives this type, which is what travels in `pageType`.
    pub fn value(self) -> u8 {
        self as u8
    }

    /// The type numbered `value` (0..=3), or `invalid_input` naming `pageType`.
    pub fn from_value(value: i64) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|t| i64::from(t.value()) == value)
            .ok_or_else(|| Error::invalid("pageType", format!("must be 0 to 3 (got {value})")))
    }

    /// The guide's name (`RTRPhoneValidation`, …).
    pub fn name(self) -> &'static str {
        match self {
            PageType::RTRPhoneValidation => "RTRPhoneValidation",
            PageType::SecurityKeyValidation => "SecurityKeyValidation",
            PageType::SecurityKeyRegistration => "SecurityKeyRegistration",
            PageType::Certificate => "Certificate",
        }
    }

    /// The type named `name` (any letter case), or `invalid_input` naming `pageType`.
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|t| t.name().eq_ignore_ascii_case(name)).ok_or_else(|| {
            Error::invalid("pageType", "must be one of the seed's PageType names (RTRPhoneValidation, …)")
        })
    }
}

impl fmt::Display for PageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_the_seeds() {
        let seed = [
            ("RequestWebSession", 0),
            ("RequestComputerSession", 1),
            ("RequestFileScanImage", 2),
            ("RequestFileScanDocument", 3),
            ("RequestWorkFlowValidation", 4),
            ("RequestApplicaitonAccess", 5),
            ("RequestSignDocument", 6),
        ];
        for (name, value) in seed {
            let t = RequestType::from_name(name).unwrap();
            assert_eq!((t.name(), t.value()), (name, value));
            assert_eq!(RequestType::from_value(i64::from(value)).unwrap(), t);
        }
        let pages = [
            ("RTRPhoneValidation", 0),
            ("SecurityKeyValidation", 1),
            ("SecurityKeyRegistration", 2),
            ("Certificate", 3),
        ];
        for (name, value) in pages {
            let p = PageType::from_name(name).unwrap();
            assert_eq!((p.name(), p.value()), (name, value));
            assert_eq!(PageType::from_value(i64::from(value)).unwrap(), p);
        }
    }

    #[test]
    fn the_alias_is_the_same_type_and_out_of_range_is_refused() {
        assert_eq!(RequestType::RequestApplicationAccess.value(), 5);
        assert_eq!(RequestType::from_name("requestapplicationaccess").unwrap().name(), "RequestApplicaitonAccess");
        assert_eq!(RequestType::from_value(7).unwrap_err().code(), "invalid_input");
        assert_eq!(RequestType::from_value(-1).unwrap_err().code(), "invalid_input");
        assert_eq!(PageType::from_value(4).unwrap_err().code(), "invalid_input");
        assert_eq!(PageType::from_name("Phone").unwrap_err().code(), "invalid_input");
    }
}
