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

impl ab_status {
    /// The status of a core error, by its stable code.
    pub(crate) fn of(error: &Error) -> Self {
        Self::of_code(error.code())
    }

    pub(crate) fn of_code(code: &str) -> Self {
        match code {
            "invalid_input" => Self::InvalidInput,
            "config" => Self::Config,
            "connect" => Self::Connect,
            "timeout" => Self::Timeout,
            "transport" => Self::Transport,
            "response_too_large" => Self::ResponseTooLarge,
            "decode" => Self::Decode,
            "http_status" => Self::HttpStatus,
            "vendor" => Self::Vendor,
            "unauthorized" => Self::Unauthorized,
            "not_found" => Self::NotFound,
            "conflict" => Self::Conflict,
            "rate_limited" => Self::RateLimited,
            "authentication_failed" => Self::AuthenticationFailed,
            "cancelled" => Self::Cancelled,
            "io" => Self::Io,
            "store" => Self::Store,
            _ => Self::Other,
        }
    }

    /// The stable snake_case name of the status: the core error code for error families,
    /// `ok`, `null_argument`, `invalid_utf8`, `panic` or `other` otherwise.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::NullArgument => "null_argument",
            Self::InvalidUtf8 => "invalid_utf8",
            Self::Panic => "panic",
            Self::InvalidInput => "invalid_input",
            Self::Config => "config",
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::Transport => "transport",
            Self::ResponseTooLarge => "response_too_large",
            Self::Decode => "decode",
            Self::HttpStatus => "http_status",
            Self::Vendor => "vendor",
            Self::Unauthorized => "unauthorized",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::RateLimited => "rate_limited",
            Self::AuthenticationFailed => "authentication_failed",
            Self::Cancelled => "cancelled",
            Self::Io => "io",
            Self::Store => "store",
            Self::Other => "other",
        }
    }

    fn name_c(self) -> &'static CStr {
        match self {
            Self::Ok => c"ok",
            Self::NullArgument => c"null_argument",
            Self::InvalidUtf8 => c"invalid_utf8",
            Self::Panic => c"panic",
            Self::InvalidInput => c"invalid_input",
            Self::Config => c"config",
            Self::Connect => c"connect",
            Self::Timeout => c"timeout",
            Self::Transport => c"transport",
            Self::ResponseTooLarge => c"response_too_large",
            Self::Decode => c"decode",
            Self::HttpStatus => c"http_status",
            Self::Vendor => c"vendor",
            Self::Unauthorized => c"unauthorized",
            Self::NotFound => c"not_found",
            Self::Conflict => c"conflict",
            Self::RateLimited => c"rate_limited",
            Self::AuthenticationFailed => c"authentication_failed",
            Self::Cancelled => c"cancelled",
            Self::Io => c"io",
            Self::Store => c"store",
            Self::Other => c"other",
        }
    }

    fn from_u32(value: u32) -> Option<Self> {
        all().into_iter().find(|s| *s as u32 == value)
    }
}

fn all() -> [ab_status; 22] {
    [
        ab_status::Ok,
        ab_status::NullArgument,
        ab_status::InvalidUtf8,
        ab_status::Panic,
        ab_status::InvalidInput,
        ab_status::Config,
        ab_status::Connect,
        ab_status::Timeout,
        ab_status::Transport,
        ab_status::ResponseTooLarge,
        ab_status::Decode,
        ab_status::HttpStatus,
        ab_status::Vendor,
        ab_status::Unauthorized,
        ab_status::NotFound,
        ab_status::Conflict,
        ab_status::RateLimited,
        ab_status::AuthenticationFailed,
        ab_status::Cancelled,
        ab_status::Io,
        ab_status::Store,
        ab_status::Other,
    ]
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
        for status in all() {
            assert_eq!(status.name_c().to_str().unwrap(), status.name());
            assert_eq!(ab_status::from_u32(status as u32), Some(status));
        }
    }
}
