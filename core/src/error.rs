//! The one error type of authbridge.
//!
//! Every failure, whatever the vendor, becomes an [`Error`]. Its [`Error::code`] is a stable
//! snake_case string that reaches C (`ab_error_code`), Python (`.code`) and Node (`err.code`)
//! unchanged, so callers branch on it rather than on message text. Messages never contain a
//! secret: values that could be one are not formatted into errors at all.

use std::time::Duration;

use crate::Vendor;

/// What a vendor said about a failed call, kept as the vendor spelled it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VendorDetail {
    /// The vendor whose server answered.
    pub vendor: Option<Vendor>,
    /// HTTP status of the answer, when there was one.
    pub status: Option<u16>,
    /// The vendor's own error code (nevisIDM `errors.noRecord`, AuthX `response_code`/subcode,
    /// Descope `errorCode`, a nevisIDM login `statusCode`, …).
    pub vendor_code: Option<String>,
    /// The vendor's own human-readable message.
    pub vendor_message: Option<String>,
    /// How long the server asked us to wait before trying again (`Retry-After`).
    pub retry_after: Option<Duration>,
}

impl VendorDetail {
    /// An empty detail for `vendor`; the builder methods below fill in what the answer said.
    pub fn new(vendor: Vendor) -> Self {
        Self { vendor: Some(vendor), ..Self::default() }
    }

    /// The HTTP status of the answer.
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// The vendor's own error code, as the vendor spelled it.
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.vendor_code = Some(code.into());
        self
    }

    /// The vendor's own message, as the vendor wrote it (never a secret: authbridge does not put
    /// sent values in errors).
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.vendor_message = Some(message.into());
        self
    }

    /// How long the vendor asked to wait (`Retry-After`), if it did.
    pub fn retry_after(mut self, after: Option<Duration>) -> Self {
        self.retry_after = after;
        self
    }

    fn describe(&self) -> String {
        let mut out = String::new();
        if let Some(vendor) = self.vendor {
            out.push_str(vendor.as_str());
        }
        if let Some(status) = self.status {
            out.push_str(&format!(" HTTP {status}"));
        }
        if let Some(code) = &self.vendor_code {
            out.push_str(&format!(" [{code}]"));
        }
        if let Some(message) = &self.vendor_message {
            out.push_str(&format!(": {message}"));
        }
        out.trim_start().to_string()
    }
}

/// Everything that can go wrong in authbridge.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value was refused before anything was sent. `field` names the input as the vendor
    /// spells it; `rule` says what it must be.
    #[error("invalid input: `{field}` {rule}")]
    InvalidInput {
        /// The input's name as the vendor spells it (`userId`, `device_data.ip`, …).
        field: String,
        /// What the value must be, as a phrase that follows the name ("must not be empty").
        rule: String,
    },

    /// A client or server was configured in a way that cannot work.
    #[error("invalid configuration: {0}")]
    Config(String),

    /// The connection could not be opened: the request never reached the server.
    #[error("could not connect to {vendor}: {message}")]
    Connect {
        /// The vendor that could not be reached.
        vendor: Vendor,
        /// Why, as the network stack said it (DNS, refused, TLS handshake, …).
        message: String,
    },

    /// The call, or a wait, did not finish within its time limit.
    #[error("{what} timed out after {after:?}")]
    Timeout {
        /// What did not finish: the operation, or what a wait was waiting for.
        what: String,
        /// The limit that ran out.
        after: Duration,
    },

    /// The connection failed after the request may have reached the server.
    #[error("connection to {vendor} failed: {message}")]
    Transport {
        /// The vendor the connection was to.
        vendor: Vendor,
        /// Why the connection failed; the vendor may have processed the call.
        message: String,
    },

    /// The answer was larger than the configured limit.
    #[error("{vendor} answered with more than {limit} bytes")]
    ResponseTooLarge {
        /// The vendor that answered.
        vendor: Vendor,
        /// The limit in bytes the answer went over (the transport's `max_response_bytes`).
        limit: u64,
    },

    /// The answer could not be understood.
    #[error("could not decode {vendor} answer: {message}")]
    Decode {
        /// The vendor that answered.
        vendor: Vendor,
        /// What was wrong with the answer.
        message: String,
    },

    /// The vendor answered with an HTTP status authbridge has no better name for.
    #[error("unexpected answer: {}", .0.describe())]
    HttpStatus(Box<VendorDetail>),

    /// The vendor refused the call with an error of its own.
    #[error("vendor error: {}", .0.describe())]
    Vendor(Box<VendorDetail>),

    /// The credentials used to call the vendor were refused (HTTP 401/403).
    #[error("unauthorized: {}", .0.describe())]
    Unauthorized(Box<VendorDetail>),

    /// The user, client, credential or transaction does not exist.
    #[error("not found: {}", .0.describe())]
    NotFound(Box<VendorDetail>),

    /// The call conflicts with the current state (a credential not active, a user that exists,
    /// a code already used).
    #[error("conflict: {}", .0.describe())]
    Conflict(Box<VendorDetail>),

    /// The vendor limits the rate of calls; `retry_after` says when to try again.
    #[error("rate limited: {}", .0.describe())]
    RateLimited(Box<VendorDetail>),

    /// The person's credential was checked and refused (a wrong password, a wrong code, a
    /// denied approval). The vendor detail says why.
    #[error("authentication failed: {}", .0.describe())]
    AuthenticationFailed(Box<VendorDetail>),

    /// The caller cancelled the call or wait.
    #[error("cancelled")]
    Cancelled,

    /// A file or stream given to authbridge could not be read.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),

    /// The portal's state store failed; nothing was changed.
    #[error("store error: {0}")]
    Store(String),
}

impl Error {
    /// The stable snake_case code of this error, the same in every language.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidInput { .. } => "invalid_input",
            Error::Config(_) => "config",
            Error::Connect { .. } => "connect",
            Error::Timeout { .. } => "timeout",
            Error::Transport { .. } => "transport",
            Error::ResponseTooLarge { .. } => "response_too_large",
            Error::Decode { .. } => "decode",
            Error::HttpStatus(_) => "http_status",
            Error::Vendor(_) => "vendor",
            Error::Unauthorized(_) => "unauthorized",
            Error::NotFound(_) => "not_found",
            Error::Conflict(_) => "conflict",
            Error::RateLimited(_) => "rate_limited",
            Error::AuthenticationFailed(_) => "authentication_failed",
            Error::Cancelled => "cancelled",
            Error::Io(_) => "io",
            Error::Store(_) => "store",
        }
    }

    /// Every code [`Error::code`] can return, for bindings that build one class per code.
    pub const CODES: &'static [&'static str] = &[
        "invalid_input",
        "config",
        "connect",
        "timeout",
        "transport",
        "response_too_large",
        "decode",
        "http_status",
        "vendor",
        "unauthorized",
        "not_found",
        "conflict",
        "rate_limited",
        "authentication_failed",
        "cancelled",
        "io",
        "store",
    ];

    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Error::InvalidInput { field: field.into(), rule: rule.into() }
    }

    /// The vendor's own details, when the vendor answered.
    pub fn detail(&self) -> Option<&VendorDetail> {
        match self {
            Error::HttpStatus(d)
            | Error::Vendor(d)
            | Error::Unauthorized(d)
            | Error::NotFound(d)
            | Error::Conflict(d)
            | Error::RateLimited(d)
            | Error::AuthenticationFailed(d) => Some(d),
            _ => None,
        }
    }

    /// Which vendor the error concerns, when one does.
    pub fn vendor(&self) -> Option<Vendor> {
        match self {
            Error::Connect { vendor, .. }
            | Error::Transport { vendor, .. }
            | Error::ResponseTooLarge { vendor, .. }
            | Error::Decode { vendor, .. } => Some(*vendor),
            _ => self.detail().and_then(|d| d.vendor),
        }
    }

    /// HTTP status of the vendor's answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.detail().and_then(|d| d.status)
    }

    /// The vendor's own error code.
    pub fn vendor_code(&self) -> Option<&str> {
        self.detail().and_then(|d| d.vendor_code.as_deref())
    }

    /// The vendor's own error message.
    pub fn vendor_message(&self) -> Option<&str> {
        self.detail().and_then(|d| d.vendor_message.as_deref())
    }

    /// How long the server asked to wait before the next try.
    pub fn retry_after(&self) -> Option<Duration> {
        self.detail().and_then(|d| d.retry_after)
    }

    /// The error a vendor answer maps to when nothing vendor-specific applies: 401/403 are
    /// `unauthorized`, 404 `not_found`, 409/422 `conflict`, 429 `rate_limited`, anything else
    /// `http_status`.
    pub fn from_status(detail: VendorDetail) -> Self {
        let detail = Box::new(detail);
        match detail.status {
            Some(401 | 403) => Error::Unauthorized(detail),
            Some(404) => Error::NotFound(detail),
            Some(409 | 422) => Error::Conflict(detail),
            Some(429) => Error::RateLimited(detail),
            _ => Error::HttpStatus(detail),
        }
    }

    /// An error with the same code, details and message, for an outcome several callers share
    /// (`Error` is not `Clone` because `std::io::Error` is not; an I/O error keeps its kind
    /// and text).
    pub(crate) fn duplicate(&self) -> Self {
        match self {
            Error::InvalidInput { field, rule } => Error::InvalidInput { field: field.clone(), rule: rule.clone() },
            Error::Config(message) => Error::Config(message.clone()),
            Error::Connect { vendor, message } => Error::Connect { vendor: *vendor, message: message.clone() },
            Error::Timeout { what, after } => Error::Timeout { what: what.clone(), after: *after },
            Error::Transport { vendor, message } => Error::Transport { vendor: *vendor, message: message.clone() },
            Error::ResponseTooLarge { vendor, limit } => Error::ResponseTooLarge { vendor: *vendor, limit: *limit },
            Error::Decode { vendor, message } => Error::Decode { vendor: *vendor, message: message.clone() },
            Error::HttpStatus(detail) => Error::HttpStatus(detail.clone()),
            Error::Vendor(detail) => Error::Vendor(detail.clone()),
            Error::Unauthorized(detail) => Error::Unauthorized(detail.clone()),
            Error::NotFound(detail) => Error::NotFound(detail.clone()),
            Error::Conflict(detail) => Error::Conflict(detail.clone()),
            Error::RateLimited(detail) => Error::RateLimited(detail.clone()),
            Error::AuthenticationFailed(detail) => Error::AuthenticationFailed(detail.clone()),
            Error::Cancelled => Error::Cancelled,
            Error::Io(error) => Error::Io(std::io::Error::new(error.kind(), error.to_string())),
            Error::Store(message) => Error::Store(message.clone()),
        }
    }
}

/// The result type of every fallible authbridge call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once() {
        let samples = [
            Error::invalid("f", "r"),
            Error::Config("c".into()),
            Error::Cancelled,
            Error::Store("s".into()),
            Error::from_status(VendorDetail::new(Vendor::Nevis).status(404)),
            Error::from_status(VendorDetail::new(Vendor::Nevis).status(429)),
            Error::from_status(VendorDetail::new(Vendor::Nevis).status(500)),
        ];
        for error in &samples {
            assert!(Error::CODES.contains(&error.code()), "{} missing", error.code());
        }
        let mut codes = Error::CODES.to_vec();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Error::CODES.len());
    }

    #[test]
    fn status_maps_to_family() {
        let of = |s| Error::from_status(VendorDetail::new(Vendor::AuthX).status(s)).code();
        assert_eq!(of(401), "unauthorized");
        assert_eq!(of(403), "unauthorized");
        assert_eq!(of(404), "not_found");
        assert_eq!(of(422), "conflict");
        assert_eq!(of(429), "rate_limited");
        assert_eq!(of(502), "http_status");
    }

    #[test]
    fn a_duplicate_keeps_code_details_and_message() {
        let samples = [
            Error::from_status(VendorDetail::new(Vendor::Descope).status(503).code("E1").message("down")),
            Error::Timeout { what: "descope session_keys".into(), after: Duration::from_secs(3) },
            Error::Io(std::io::Error::new(std::io::ErrorKind::NotFound, "gone")),
        ];
        for error in &samples {
            let copy = error.duplicate();
            assert_eq!((copy.code(), copy.to_string()), (error.code(), error.to_string()));
            assert_eq!(copy.detail(), error.detail());
        }
    }

    #[test]
    fn message_names_vendor_code_and_text() {
        let e = Error::from_status(
            VendorDetail::new(Vendor::Nevis).status(404).code("errors.noRecord").message("There is no client"),
        );
        assert_eq!(e.to_string(), "not found: nevisidm HTTP 404 [errors.noRecord]: There is no client");
        assert_eq!(e.vendor(), Some(Vendor::Nevis));
        assert_eq!(e.vendor_code(), Some("errors.noRecord"));
    }
}
