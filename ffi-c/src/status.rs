//! `ab_status`: what every fallible function returns.
//!
//! 0 is success. The low numbers are the C caller's own mistakes or a bug inside the library
//! (a NULL where a value is needed, a string that is not UTF-8, a caught panic); from 10 on,
//! each status is one family of [`authbridge::Error`], named like its stable `code()`, so a C
//! caller can `switch` on the status and read the details from the last error.

use std::ffi::{c_char, CStr};

use authbridge::Error;

use crate::boundary::ffi_value;

/// The result of every fallible authbridge call. `AB_STATUS_OK` (0) means success; anything
/// else means the call failed, wrote none of its out-parameters, and left the details in this
/// thread's last error (`ab_error_code`, `ab_error_message`, …).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_status {
    /// Success: every out-parameter has been written.
    Ok = 0,
    /// A pointer argument that must not be NULL was NULL (the message names it).
    NullArgument = 1,
    /// A string argument was not valid UTF-8 (the message names it).
    InvalidUtf8 = 2,
    /// The library panicked inside the call; the panic was caught and nothing was written.
    Panic = 3,
    /// A value was refused before anything was sent; the message names the field and rule.
    InvalidInput = 10,
    /// A client or server was configured in a way that cannot work.
    Config = 11,
    /// The connection could not be opened: the request never reached the server.
    Connect = 12,
    /// The call, or a wait, did not finish within its time limit.
    Timeout = 13,
    /// The connection failed after the request may have reached the server.
    Transport = 14,
    /// The answer was larger than the configured limit.
    ResponseTooLarge = 15,
    /// The answer could not be understood.
    Decode = 16,
    /// The vendor answered with an HTTP status authbridge has no better name for.
    HttpStatus = 17,
    /// The vendor refused the call with an error of its own.
    Vendor = 18,
    /// The credentials used to call the vendor were refused (HTTP 401/403).
    Unauthorized = 19,
    /// The user, client, credential or transaction does not exist.
    NotFound = 20,
    /// The call conflicts with the current state.
    Conflict = 21,
    /// The vendor limits the rate of calls; see `ab_error_retry_after_ms`.
    RateLimited = 22,
    /// The person's credential was checked and refused.
    AuthenticationFailed = 23,
    /// The caller cancelled the call or wait (`ab_cancel_cancel`).
    Cancelled = 24,
    /// A file or stream could not be read.
    Io = 25,
    /// The portal's state store failed; nothing was changed.
    Store = 26,
    /// An error this version of the header has no status for; `ab_error_code` names it.
    Other = 99,
}

/// The one table of statuses and their names, from which every other list is made: the
/// compiler checks that it names each variant exactly once (its `match`es are exhaustive).
macro_rules! names {
    ($($status:ident => $name:literal,)*) => {
        impl ab_status {
            /// Every status, in declaration order.
            const ALL: &'static [ab_status] = &[$(ab_status::$status),*];

            /// The stable snake_case name of the status: the core error code for error
            /// families, `ok`, `null_argument`, `invalid_utf8`, `panic` or `other` otherwise.
            pub(crate) fn name(self) -> &'static str {
                match self {
                    $(ab_status::$status => $name,)*
                }
            }

            fn name_c(self) -> &'static CStr {
                match self {
                    $(ab_status::$status => const { c_str(concat!($name, "\0")) },)*
                }
            }
        }
    };
}

names! {
    Ok => "ok",
    NullArgument => "null_argument",
    InvalidUtf8 => "invalid_utf8",
    Panic => "panic",
    InvalidInput => "invalid_input",
    Config => "config",
    Connect => "connect",
    Timeout => "timeout",
    Transport => "transport",
    ResponseTooLarge => "response_too_large",
    Decode => "decode",
    HttpStatus => "http_status",
    Vendor => "vendor",
    Unauthorized => "unauthorized",
    NotFound => "not_found",
    Conflict => "conflict",
    RateLimited => "rate_limited",
    AuthenticationFailed => "authentication_failed",
    Cancelled => "cancelled",
    Io => "io",
    Store => "store",
    Other => "other",
}

impl ab_status {
    /// The status of a core error, by its stable code.
    pub(crate) fn of(error: &Error) -> Self {
        Self::of_code(error.code())
    }

    /// The error family named `code`; `Other` for a code this version has no status for.
    pub(crate) fn of_code(code: &str) -> Self {
        let families = Self::ALL.iter().filter(|s| **s as u32 >= Self::InvalidInput as u32);
        families.copied().find(|s| s.name() == code).unwrap_or(Self::Other)
    }

    fn from_u32(value: u32) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| *s as u32 == value)
    }
}

/// A name with its NUL as a C string; called in `const` blocks, so a bad name fails the build.
const fn c_str(with_nul: &'static str) -> &'static CStr {
    match CStr::from_bytes_with_nul(with_nul.as_bytes()) {
        Ok(name) => name,
        Err(_) => panic!("a status name is not a C string"),
    }
}

/// The stable name of a status (`"not_found"`, `"null_argument"`, …), for logs. Never NULL: an
/// unknown value gives `"other"`. The string is static; do not free it.
#[no_mangle]
pub extern "C" fn ab_status_name(status: u32) -> *const c_char {
    ffi_value(c"other".as_ptr(), || ab_status::from_u32(status).unwrap_or(ab_status::Other).name_c().as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_code_has_its_own_status() {
        let mut seen = Vec::new();
        for code in Error::CODES {
            let status = ab_status::of_code(code);
            assert_ne!(status, ab_status::Other, "no status for {code}");
            assert_eq!(status.name(), *code);
            assert!(!seen.contains(&status));
            seen.push(status);
        }
    }

    #[test]
    fn c_names_match_names() {
        for status in ab_status::ALL.iter().copied() {
            assert_eq!(status.name_c().to_str().unwrap(), status.name());
            assert_eq!(ab_status::from_u32(status as u32), Some(status));
        }
    }
}
