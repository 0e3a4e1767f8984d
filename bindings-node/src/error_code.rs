//! The stable error codes as a TypeScript type: `ErrorCode` in `index.d.ts`, the type of
//! `AuthBridgeError.code`.
//!
//! Core's `Error::CODES` is the one list of codes. This enum only exists so that napi writes
//! the union for TypeScript; the addon does not compile when the two lists disagree, and the
//! Node tests compare the generated union with `errorCodes()`.

use napi_derive::napi;

/// Every code an `AuthBridgeError` carries in `.code`: core's stable codes, and `panic` for a
/// bug in authbridge.
#[napi(string_enum = "snake_case")]
#[derive(Clone, Copy)]
pub enum ErrorCode {
    InvalidInput,
    Config,
    Connect,
    Timeout,
    Transport,
    ResponseTooLarge,
    Decode,
    HttpStatus,
    Vendor,
    Unauthorized,
    NotFound,
    Conflict,
    RateLimited,
    AuthenticationFailed,
    Cancelled,
    Io,
    Store,
    Panic,
}

/// The code of a panic, which core does not list: it is the binding's own.
pub(crate) const PANIC: &str = "panic";

impl ErrorCode {
    /// Core's codes in core's order, then `panic`.
    const ALL: [ErrorCode; 18] = [
        ErrorCode::InvalidInput,
        ErrorCode::Config,
        ErrorCode::Connect,
        ErrorCode::Timeout,
        ErrorCode::Transport,
        ErrorCode::ResponseTooLarge,
        ErrorCode::Decode,
        ErrorCode::HttpStatus,
        ErrorCode::Vendor,
        ErrorCode::Unauthorized,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::RateLimited,
        ErrorCode::AuthenticationFailed,
        ErrorCode::Cancelled,
        ErrorCode::Io,
        ErrorCode::Store,
        ErrorCode::Panic,
    ];

    const fn name(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::Config => "config",
            ErrorCode::Connect => "connect",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Transport => "transport",
            ErrorCode::ResponseTooLarge => "response_too_large",
            ErrorCode::Decode => "decode",
            ErrorCode::HttpStatus => "http_status",
            ErrorCode::Vendor => "vendor",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::AuthenticationFailed => "authentication_failed",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Io => "io",
            ErrorCode::Store => "store",
            ErrorCode::Panic => PANIC,
        }
    }
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether the enum lists exactly core's codes, in core's order, and then `panic`.
const fn matches_core() -> bool {
    let core = authbridge::Error::CODES;
    if ErrorCode::ALL.len() != core.len() + 1 || !same(ErrorCode::ALL[core.len()].name(), PANIC) {
        return false;
    }
    let mut i = 0;
    while i < core.len() {
        if !same(ErrorCode::ALL[i].name(), core[i]) {
            return false;
        }
        i += 1;
    }
    true
}

const _: () = assert!(matches_core(), "ErrorCode must list authbridge::Error::CODES in order, then panic");
