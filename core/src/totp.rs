//! Time-based one-time passwords (RFC 6238), for testing TOTP logins end to end.
//!
//! Descope's TOTP sign-up hands out a `key` (base32) and a `provisioningURL`
//! (`otpauth://totp/...`); a person's authenticator app turns either into six-digit codes.
//! [`Totp`] does what that app does, so a test or a tool can produce the code a person would
//! type. It is also what the sandbox uses to check codes, so both sides share one reading of
//! the RFC.
//!
//! Defaults are those of RFC 6238 and every authenticator app: HMAC-SHA1, 30-second steps
//! counted from the Unix epoch, 6 digits. An `otpauth://` URI may change all three.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use subtle::ConstantTimeEq;
use url::Url;

use crate::{Error, Result, Secret, SecretBytes};

/// The HMAC hash of a TOTP (RFC 6238 section 1.2: SHA-1, SHA-256 or SHA-512).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TotpAlgorithm {
    /// HMAC-SHA-1: the default, and what most authenticator apps assume when a URI names none.
    #[default]
    Sha1,
    /// HMAC-SHA-256.
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
}

impl TotpAlgorithm {
    /// The name an `otpauth://` URI uses (`SHA1`, `SHA256`, `SHA512`).
    pub fn as_str(self) -> &'static str {
        match self {
            TotpAlgorithm::Sha1 => "SHA1",
            TotpAlgorithm::Sha256 => "SHA256",
            TotpAlgorithm::Sha512 => "SHA512",
        }
    }

    /// Parses a URI's `algorithm` value, case-insensitively, with or without a dash (`SHA-256`).
    pub fn parse(name: &str) -> Result<Self> {
        match name.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Ok(TotpAlgorithm::Sha1),
            "SHA256" => Ok(TotpAlgorithm::Sha256),
            "SHA512" => Ok(TotpAlgorithm::Sha512),
            _ => Err(Error::invalid("algorithm", "must be SHA1, SHA256 or SHA512")),
        }
    }

    fn mac(self, key: &[u8], message: &[u8]) -> Vec<u8> {
        // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
        fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
            match <M as Mac>::new_from_slice(key) {
                Ok(mut mac) => {
                    mac.update(message);
                    mac.finalize().into_bytes().to_vec()
                }
                Err(_) => Vec::new(),
            }
        }
        match self {
            TotpAlgorithm::Sha1 => run::<Hmac<sha1::Sha1>>(key, message),
            TotpAlgorithm::Sha256 => run::<Hmac<sha2::Sha256>>(key, message),
            TotpAlgorithm::Sha512 => run::<Hmac<sha2::Sha512>>(key, message),
        }
    }
}

/// A TOTP generator for one shared secret. Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct Totp {
    secret: SecretBytes,
    algorithm: TotpAlgorithm,
    digits: u32,
    period: u64,
    issuer: Option<String>,
    account: Option<String>,
}

impl fmt::Debug for Totp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Totp")
            .field("secret", &self.secret)
            .field("algorithm", &self.algorithm)
            .field("digits", &self.digits)
            .field("period", &self.period)
            .field("issuer", &self.issuer)
            .field("account", &self.account)
            .finish()
    }
}

impl Totp {
    /// Digits of a code unless told otherwise (RFC 4226 section 5.3).
    pub const DEFAULT_DIGITS: u32 = 6;
    /// Seconds per time step unless told otherwise (RFC 6238 section 5.2).
    pub const DEFAULT_PERIOD: u64 = 30;
    /// Codes may have 6 to 10 digits: RFC 4226 asks for at least 6, and a 31-bit truncated
    /// value has at most 10.
    pub const DIGITS: std::ops::RangeInclusive<u32> = 6..=10;

    /// A generator for the raw shared secret `secret`, with the RFC defaults.
    pub fn new(secret: impl Into<Vec<u8>>) -> Result<Self> {
        let secret = SecretBytes::new(secret.into());
        if secret.is_empty() {
            return Err(Error::invalid("secret", "must not be empty"));
        }
        Ok(Self {
            secret,
            algorithm: TotpAlgorithm::Sha1,
            digits: Self::DEFAULT_DIGITS,
            period: Self::DEFAULT_PERIOD,
            issuer: None,
            account: None,
        })
    }

    /// A generator for a base32 secret, as Descope's TOTP `key` and authenticator apps show it.
    /// Case, spaces, dashes and `=` padding are ignored.
    pub fn from_base32(secret: &str) -> Result<Self> {
        Self::new(decode_base32(secret)?.expose().to_vec())
    }

    /// A generator for an `otpauth://totp/<label>?secret=…[&algorithm=…&digits=…&period=…]`
    /// URI (the Key URI Format authenticator apps read, and Descope's `provisioningURL`).
    pub fn from_uri(uri: &str) -> Result<Self> {
        let url = Url::parse(uri.trim()).map_err(|_| Error::invalid("uri", "must be an otpauth:// URI"))?;
        if url.scheme() != "otpauth" {
            return Err(Error::invalid("uri", "must start with otpauth://"));
        }
        match url.host_str().map(str::to_ascii_lowercase).as_deref() {
            Some("totp") => {}
            Some("hotp") => return Err(Error::invalid("uri", "is a counter-based (hotp) URI, not totp")),
            _ => return Err(Error::invalid("uri", "must be otpauth://totp/…")),
        }
        let mut secret = None;
        let mut totp_issuer = None;
        let (mut algorithm, mut digits, mut period) = (None, None, None);
        for (name, value) in url.query_pairs() {
            match name.as_ref() {
                "secret" => secret = Some(Secret::new(value.into_owned())),
                "issuer" => totp_issuer = Some(value.into_owned()),
                "algorithm" => algorithm = Some(TotpAlgorithm::parse(&value)?),
                "digits" => {
                    digits = Some(value.parse::<u32>().map_err(|_| Error::invalid("digits", "must be a number"))?)
                }
                "period" => {
                    period = Some(value.parse::<u64>().map_err(|_| Error::invalid("period", "must be a number"))?)
                }
                _ => {}
            }
        }
        let secret = secret.ok_or_else(|| Error::invalid("secret", "is missing from the URI"))?;
        let mut totp = Self::from_base32(secret.expose())?;
        if let Some(algorithm) = algorithm {
            totp = totp.with_algorithm(algorithm);
        }
        if let Some(digits) = digits {
            totp = totp.with_digits(digits)?;
        }
        if let Some(period) = period {
            totp = totp.with_period(period)?;
        }
        let label =
            percent_encoding::percent_decode_str(url.path().trim_start_matches('/')).decode_utf8_lossy().into_owned();
        let (label_issuer, account) = match label.split_once(':') {
            Some((issuer, account)) => (Some(issuer.trim().to_string()), account.trim().to_string()),
            None => (None, label.trim().to_string()),
        };
        totp.issuer = totp_issuer.or(label_issuer).filter(|s| !s.is_empty());
        totp.account = Some(account).filter(|s| !s.is_empty());
        Ok(totp)
    }

    /// Sets the HMAC hash; it must be the one the key was issued for, or no code will match.
    pub fn with_algorithm(mut self, algorithm: TotpAlgorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Sets the number of digits (6 to 10).
    pub fn with_digits(mut self, digits: u32) -> Result<Self> {
        if !Self::DIGITS.contains(&digits) {
            return Err(Error::invalid("digits", "must be between 6 and 10"));
        }
        self.digits = digits;
        Ok(self)
    }

    /// Sets the time step in seconds (at least 1).
    pub fn with_period(mut self, seconds: u64) -> Result<Self> {
        if seconds == 0 {
            return Err(Error::invalid("period", "must be at least 1 second"));
        }
        self.period = seconds;
        Ok(self)
    }

    /// The HMAC hash codes are computed with.
    pub fn algorithm(&self) -> TotpAlgorithm {
        self.algorithm
    }

    /// The number of digits of a code (6 to 10).
    pub fn digits(&self) -> u32 {
        self.digits
    }

    /// The time step in seconds: how long one code is current.
    pub fn period(&self) -> u64 {
        self.period
    }

    /// The issuer named by the URI (its `issuer` parameter, else the label's prefix).
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The account named by the URI's label.
    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// The time step `T` of RFC 6238 section 4.2 for a Unix time.
    pub fn step_at(&self, unix_seconds: u64) -> u64 {
        unix_seconds / self.period
    }

    /// The code for time step `step` (RFC 4226 HOTP with `C = step`).
    pub fn generate_for_step(&self, step: u64) -> Secret {
        let mac = self.algorithm.mac(self.secret.expose(), &step.to_be_bytes());
        // Dynamic truncation, RFC 4226 section 5.3.
        let offset = usize::from(mac.last().copied().unwrap_or(0) & 0x0f);
        let mut word = [0u8; 4];
        if let Some(bytes) = mac.get(offset..offset + 4) {
            word.copy_from_slice(bytes);
        }
        let binary = u64::from(u32::from_be_bytes(word) & 0x7fff_ffff);
        let code = binary % 10u64.pow(self.digits);
        Secret::new(format!("{code:0width$}", width = self.digits as usize))
    }

    /// The code valid at a Unix time (seconds).
    pub fn generate_at(&self, unix_seconds: u64) -> Secret {
        self.generate_for_step(self.step_at(unix_seconds))
    }

    /// The code valid now.
    pub fn generate_now(&self) -> Secret {
        self.generate_at(now())
    }

    /// Seconds until the code of `unix_seconds` is replaced by the next one.
    pub fn seconds_left_at(&self, unix_seconds: u64) -> u64 {
        self.period - unix_seconds % self.period
    }

    /// The time step whose code is `code`, looking `window` steps either side of the step of
    /// `unix_seconds` (RFC 6238 section 5.2 recommends at most one step of drift). Every
    /// comparison is in constant time.
    pub fn verify_at(&self, code: &str, unix_seconds: u64, window: u64) -> Option<u64> {
        if code.len() != self.digits as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let now = self.step_at(unix_seconds);
        let mut found = None;
        for step in now.saturating_sub(window)..=now.saturating_add(window) {
            let expected = self.generate_for_step(step);
            if bool::from(expected.expose().as_bytes().ct_eq(code.as_bytes())) && found.is_none() {
                found = Some(step);
            }
        }
        found
    }
}

/// Seconds since the Unix epoch.
fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Decodes base32 (RFC 4648) leniently, as authenticator apps do.
fn decode_base32(text: &str) -> Result<SecretBytes> {
    let cleaned = Secret::new(
        text.chars()
            .filter(|c| !matches!(c, ' ' | '-' | '=' | '\t'))
            .map(|c| c.to_ascii_uppercase())
            .collect::<String>(),
    );
    if cleaned.is_empty() {
        return Err(Error::invalid("secret", "must not be empty"));
    }
    let mut spec = data_encoding::BASE32_NOPAD.specification();
    // Secrets with stray low bits in their last character are common and harmless.
    spec.check_trailing_bits = false;
    let encoding = spec.encoding().map_err(|_| Error::Config("base32 decoder".into()))?;
    encoding
        .decode(cleaned.expose().as_bytes())
        .map(SecretBytes::new)
        .map_err(|_| Error::invalid("secret", "must be base32 (RFC 4648: letters A-Z and digits 2-7)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_google_authenticator_example() {
        // The Key Uri Format example secret; codes checked against an independent implementation.
        let totp = Totp::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(totp.generate_at(0).expose(), "282760");
        assert_eq!(totp.generate_at(59).expose(), "996554");
    }

    #[test]
    fn lenient_base32() {
        let a = Totp::from_base32("jbsw y3dp-ehpk 3pxp====").unwrap();
        assert_eq!(a.generate_at(59).expose(), "996554");
        assert_eq!(Totp::from_base32("not base32!").unwrap_err().code(), "invalid_input");
        assert_eq!(Totp::from_base32("  ").unwrap_err().code(), "invalid_input");
    }

    #[test]
    fn verify_finds_the_step_within_the_window() {
        let totp = Totp::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let code = totp.generate_at(1_000_000);
        let step = totp.step_at(1_000_000);
        assert_eq!(totp.verify_at(code.expose(), 1_000_000 + 30, 1), Some(step));
        assert_eq!(totp.verify_at(code.expose(), 1_000_000 + 90, 1), None);
        assert_eq!(totp.verify_at("12345", 1_000_000, 1), None);
    }
}
