//! The vendors authbridge speaks to.

use std::fmt;

/// One of the five vendors. Its [`Vendor::as_str`] name appears in errors, traces and the
/// bindings' `.vendor` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vendor {
    Nevis,
    AuthX,
    Descope,
    OtpOne,
    NoPass,
}

impl Vendor {
    pub const ALL: [Vendor; 5] = [Vendor::Nevis, Vendor::AuthX, Vendor::Descope, Vendor::OtpOne, Vendor::NoPass];

    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Nevis => "nevisidm",
            Vendor::AuthX => "authx",
            Vendor::Descope => "descope",
            Vendor::OtpOne => "otpone",
            Vendor::NoPass => "nopass",
        }
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
