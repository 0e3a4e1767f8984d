//! `ab_totp`: RFC 6238 codes (core `totp`), to produce the codes a person's authenticator app
//! shows, e.g. for a Descope TOTP enrolment in tests or a kiosk that holds the key.

use std::ffi::c_char;

use authbridge::totp::{Totp, TotpAlgorithm};
use authbridge::Error;

use crate::args::{handle, out, string, OwnedString};
use crate::boundary::ffi_status;
use crate::handles::Handle;
use crate::status::ab_status;

/// The HMAC hash of a TOTP. Functions take it as `uint32_t`; 0 keeps what the key or URI says.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_totp_algorithm {
    Sha1 = 1,
    Sha256 = 2,
    Sha512 = 3,
}

/// A TOTP generator. Thread-safe (it is immutable).
pub struct ab_totp {
    inner: Totp,
}

impl Handle for ab_totp {}

/// Creates a generator from a base32 key (as Descope's TOTP `key` and authenticator apps show
/// it) or an `otpauth://totp/…` URI. `algorithm` (an `ab_totp_algorithm`), `digits` (6–10)
/// and `period_seconds` override the key's or URI's values; 0 keeps them (RFC defaults: SHA-1,
/// 6 digits, 30 s).
#[no_mangle]
pub unsafe extern "C" fn ab_totp_new(
    key_or_uri: *const c_char,
    algorithm: u32,
    digits: u32,
    period_seconds: u64,
    out_totp: *mut *mut ab_totp,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a C string or NULL.
        let key = unsafe { string(key_or_uri, "key_or_uri") }?;
        let out_totp = out(out_totp, "out_totp")?;
        let mut totp = if key.starts_with("otpauth://") { Totp::from_uri(key)? } else { Totp::from_base32(key)? };
        totp = match algorithm {
            0 => totp,
            1 => totp.with_algorithm(TotpAlgorithm::Sha1),
            2 => totp.with_algorithm(TotpAlgorithm::Sha256),
            3 => totp.with_algorithm(TotpAlgorithm::Sha512),
            _ => return Err(Error::invalid("algorithm", "must be 0 or an ab_totp_algorithm value").into()),
        };
        if digits != 0 {
            totp = totp.with_digits(digits)?;
        }
        if period_seconds != 0 {
            totp = totp.with_period(period_seconds)?;
        }
        out_totp.write(ab_totp { inner: totp }.into_c());
        Ok(())
    })
}

/// The code for the time `unix_seconds` (0: now), written to `*out_code` (free with
/// `ab_string_free`, which wipes it); unless NULL, `*out_seconds_left_or_null` receives how
/// long the code stays valid.
#[no_mangle]
pub unsafe extern "C" fn ab_totp_generate(
    totp: *const ab_totp,
    unix_seconds: u64,
    out_code: *mut *mut c_char,
    out_seconds_left_or_null: *mut u64,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let totp = unsafe { handle(totp, "totp") }?;
        let out_code = out(out_code, "out_code")?;
        let at = match unix_seconds {
            0 => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
            t => t,
        };
        let code = OwnedString::new(totp.inner.generate_at(at).expose(), "code")?;
        out_code.write(code.into_raw());
        if let Some(slot) = crate::args::opt_out(out_seconds_left_or_null) {
            slot.write(totp.inner.seconds_left_at(at));
        }
        Ok(())
    })
}

/// Frees a generator. `NULL` does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_totp_free(totp: *mut ab_totp) {
    // SAFETY: created by `ab_totp_new`, freed once.
    unsafe { ab_totp::free(totp) }
}
