//! The vendors authbridge speaks to.

use std::fmt;

/// One of the five vendors. Its [`Vendor::as_str`] name appears in errors, traces and the
/// bindings' `.vendor` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vendor {
    /// nevisIDM's Authentication REST API ([`crate::nevis`]).
    Nevis,
    /// AuthX's Public API, biometric upload included ([`crate::authx`]).
    AuthX,
    /// Descope nOTP, TOTP and session validation ([`crate::descope`]).
    Descope,
    /// OtpOne's confirmation requests ([`crate::otpone`]).
    OtpOne,
    /// The NoPass server, whose callbacks the portal receives ([`crate::nopass`]).
    NoPass,
}

impl Vendor {
    /// Every vendor, in the order the crate documents them.
    pub const ALL: [Vendor; 5] = [Vendor::Nevis, Vendor::AuthX, Vendor::Descope, Vendor::OtpOne, Vendor::NoPass];

    /// The stable lower-case name (`nevisidm`, `authx`, `descope`, `otpone`, `nopass`) that errors,
    /// traces and the bindings use.
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
