//! `authbridge.Totp`: core's RFC 6238 generator (to test TOTP logins, or run an authenticator).

use authbridge::totp::{Totp as Core, TotpAlgorithm};
use pyo3::prelude::*;

use crate::errors::IntoPyResult;

/// A TOTP generator for one shared secret; `repr` never shows the secret.
#[pyclass(module = "authbridge", frozen)]
pub struct Totp {
    pub(crate) totp: Core,
}

fn configure(mut totp: Core, algorithm: Option<&str>, digits: Option<u32>, period: Option<u64>) -> PyResult<Core> {
    if let Some(name) = algorithm {
        totp = totp.with_algorithm(TotpAlgorithm::parse(name).py_err()?);
    }
    if let Some(digits) = digits {
        totp = totp.with_digits(digits).py_err()?;
    }
    if let Some(period) = period {
        totp = totp.with_period(period).py_err()?;
    }
    Ok(totp)
}

#[pymethods]
impl Totp {
    /// A generator for the raw shared secret (bytes); `algorithm` is `sha1`, `sha256` or
    /// `sha512`.
    #[new]
    #[pyo3(signature = (secret, *, algorithm = None, digits = None, period = None))]
    fn new(secret: Vec<u8>, algorithm: Option<&str>, digits: Option<u32>, period: Option<u64>) -> PyResult<Self> {
        Ok(Self { totp: configure(Core::new(secret).py_err()?, algorithm, digits, period)? })
    }

    /// A generator for a base32 secret (as authenticator apps and Descope show it).
    #[staticmethod]
    #[pyo3(signature = (secret, *, algorithm = None, digits = None, period = None))]
    fn from_base32(secret: &str, algorithm: Option<&str>, digits: Option<u32>, period: Option<u64>) -> PyResult<Self> {
        Ok(Self { totp: configure(Core::from_base32(secret).py_err()?, algorithm, digits, period)? })
    }

    /// A generator for an `otpauth://totp/...` URI.
    #[staticmethod]
    fn from_uri(uri: &str) -> PyResult<Self> {
        Ok(Self { totp: Core::from_uri(uri).py_err()? })
    }

    #[getter]
    fn algorithm(&self) -> &'static str {
        self.totp.algorithm().as_str()
    }

    #[getter]
    fn digits(&self) -> u32 {
        self.totp.digits()
    }

    #[getter]
    fn period(&self) -> u64 {
        self.totp.period()
    }

    #[getter]
    fn issuer(&self) -> Option<&str> {
        self.totp.issuer()
    }

    #[getter]
    fn account(&self) -> Option<&str> {
        self.totp.account()
    }

    /// The code for the current time.
    fn now(&self) -> String {
        self.totp.generate_now().expose().to_string()
    }

    /// The code at `unix_seconds`.
    fn at(&self, unix_seconds: u64) -> String {
        self.totp.generate_at(unix_seconds).expose().to_string()
    }

    /// The code of time step `step`.
    fn for_step(&self, step: u64) -> String {
        self.totp.generate_for_step(step).expose().to_string()
    }

    fn step_at(&self, unix_seconds: u64) -> u64 {
        self.totp.step_at(unix_seconds)
    }

    fn seconds_left_at(&self, unix_seconds: u64) -> u64 {
        self.totp.seconds_left_at(unix_seconds)
    }

    /// The time step whose code is `code`, looking `window` steps either side of the step of
    /// `unix_seconds`; None when it matches none (compared in constant time).
    #[pyo3(signature = (code, unix_seconds, window = 1))]
    fn verify_at(&self, code: &str, unix_seconds: u64, window: u64) -> Option<u64> {
        self.totp.verify_at(code, unix_seconds, window)
    }

    fn __repr__(&self) -> String {
        format!(
            "Totp(secret='***', algorithm={:?}, digits={}, period={})",
            self.totp.algorithm().as_str(),
            self.totp.digits(),
            self.totp.period()
        )
    }
}
