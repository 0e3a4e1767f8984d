//! The RFC 6238 TOTP generator (core `totp`): codes for authenticator-app tests and for
//! hosts that verify TOTP themselves.

use authbridge::totp::{Totp as CoreTotp, TotpAlgorithm};
use napi::bindgen_prelude::Uint8Array;
use napi::Env;
use napi_derive::napi;

use crate::error::check;

/// Optional settings of a generator (RFC 6238 defaults: SHA1, 6 digits, 30 s).
#[napi(object)]
pub struct TotpOptions {
    /// `SHA1`, `SHA256` or `SHA512`.
    pub algorithm: Option<String>,
    /// 6 to 10.
    pub digits: Option<u32>,
    /// The time step in seconds.
    pub period: Option<u32>,
}

/// A TOTP generator for one shared secret. The secret never leaves it.
#[napi]
pub struct Totp {
    inner: CoreTotp,
}

fn configure(totp: CoreTotp, options: Option<TotpOptions>) -> authbridge::Result<CoreTotp> {
    let Some(options) = options else {
        return Ok(totp);
    };
    let mut totp = totp;
    if let Some(algorithm) = &options.algorithm {
        totp = totp.with_algorithm(TotpAlgorithm::parse(algorithm)?);
    }
    if let Some(digits) = options.digits {
        totp = totp.with_digits(digits)?;
    }
    if let Some(period) = options.period {
        totp = totp.with_period(u64::from(period))?;
    }
    Ok(totp)
}

fn unix_seconds(env: &Env, seconds: f64) -> napi::Result<u64> {
    if seconds.is_finite() && seconds >= 0.0 {
        Ok(seconds.floor() as u64)
    } else {
        check(env, Err(authbridge::Error::invalid("unixSeconds", "must be a time at or after 1970")))
    }
}

#[napi]
impl Totp {
    /// A generator for a raw secret.
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, secret: Uint8Array, options: Option<TotpOptions>) -> napi::Result<Self> {
        let inner = check(&env, CoreTotp::new(secret.to_vec()).and_then(|t| configure(t, options)))?;
        Ok(Self { inner })
    }

    /// A generator for a base32 secret (as shown next to a QR code).
    #[napi(factory, catch_unwind)]
    pub fn from_base32(env: Env, secret: String, options: Option<TotpOptions>) -> napi::Result<Self> {
        let inner = check(&env, CoreTotp::from_base32(&secret).and_then(|t| configure(t, options)))?;
        Ok(Self { inner })
    }

    /// A generator for an `otpauth://totp/…` URI (what a QR code holds).
    #[napi(factory, catch_unwind)]
    pub fn from_uri(env: Env, uri: String) -> napi::Result<Self> {
        Ok(Self { inner: check(&env, CoreTotp::from_uri(&uri))? })
    }

    #[napi(getter)]
    pub fn algorithm(&self) -> &'static str {
        self.inner.algorithm().as_str()
    }

    #[napi(getter)]
    pub fn digits(&self) -> u32 {
        self.inner.digits()
    }

    /// The time step in seconds.
    #[napi(getter)]
    pub fn period(&self) -> f64 {
        self.inner.period() as f64
    }

    /// The issuer named by the URI, if any.
    #[napi(getter)]
    pub fn issuer(&self) -> Option<String> {
        self.inner.issuer().map(str::to_string)
    }

    /// The account named by the URI's label, if any.
    #[napi(getter)]
    pub fn account(&self) -> Option<String> {
        self.inner.account().map(str::to_string)
    }

    /// The code valid now.
    #[napi(catch_unwind)]
    pub fn generate(&self) -> String {
        self.inner.generate_now().expose().to_string()
    }

    /// The code valid at a Unix time (seconds).
    #[napi(catch_unwind)]
    pub fn generate_at(&self, env: Env, unix_seconds: f64) -> napi::Result<String> {
        Ok(self.inner.generate_at(self::unix_seconds(&env, unix_seconds)?).expose().to_string())
    }

    /// The code of time step `step`.
    #[napi(catch_unwind)]
    pub fn generate_for_step(&self, env: Env, step: f64) -> napi::Result<String> {
        Ok(self.inner.generate_for_step(unix_seconds(&env, step)?).expose().to_string())
    }

    /// The time step `T` (RFC 6238 section 4.2) of a Unix time.
    #[napi(catch_unwind)]
    pub fn step_at(&self, env: Env, unix_seconds: f64) -> napi::Result<f64> {
        Ok(self.inner.step_at(self::unix_seconds(&env, unix_seconds)?) as f64)
    }

    /// Seconds until the code of `unixSeconds` is replaced by the next one.
    #[napi(catch_unwind)]
    pub fn seconds_left_at(&self, env: Env, unix_seconds: f64) -> napi::Result<f64> {
        Ok(self.inner.seconds_left_at(self::unix_seconds(&env, unix_seconds)?) as f64)
    }

    /// The time step whose code is `code`, looking `window` steps either side of the step of
    /// `unixSeconds` (default: now, one step), or `null` when it matches none. Constant-time.
    #[napi(catch_unwind)]
    pub fn verify(
        &self,
        env: Env,
        code: String,
        unix_seconds: Option<f64>,
        window: Option<u32>,
    ) -> napi::Result<Option<f64>> {
        let at = match unix_seconds {
            Some(seconds) => self::unix_seconds(&env, seconds)?,
            None => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
        };
        Ok(self.inner.verify_at(&code, at, u64::from(window.unwrap_or(1))).map(|step| step as f64))
    }
}
