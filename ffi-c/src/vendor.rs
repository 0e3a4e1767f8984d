//! `ab_vendor`: which vendor a sandbox URL or an error concerns.

use authbridge::{Error, Vendor};

/// One of the vendors authbridge speaks to. Functions that take a vendor take it as a
/// `uint32_t` holding one of these values and refuse any other with `AB_STATUS_INVALID_INPUT`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_vendor {
    Nevis = 1,
    Authx = 2,
    Descope = 3,
    Otpone = 4,
    Nopass = 5,
}

/// The core vendor a C `ab_vendor` value names.
pub(crate) fn from_c(value: u32, field: &str) -> Result<Vendor, Error> {
    Ok(match value {
        1 => Vendor::Nevis,
        2 => Vendor::AuthX,
        3 => Vendor::Descope,
        4 => Vendor::OtpOne,
        5 => Vendor::NoPass,
        _ => return Err(Error::invalid(field, "must be an ab_vendor value (AB_VENDOR_NEVIS … AB_VENDOR_NOPASS)")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vendor_has_a_c_value() {
        let c = [ab_vendor::Nevis, ab_vendor::Authx, ab_vendor::Descope, ab_vendor::Otpone, ab_vendor::Nopass];
        for (vendor, value) in Vendor::ALL.iter().zip(c) {
            assert_eq!(from_c(value as u32, "vendor").unwrap(), *vendor);
        }
        assert_eq!(from_c(0, "vendor").unwrap_err().code(), "invalid_input");
    }
}
