//! # authbridge
//!
//! One client for five passwordless / MFA vendors — nevisIDM, AuthX (with biometric upload),
//! Descope nOTP/TOTP, OtpOne — and a receiver for the NoPass server's portal callbacks.
//!
//! All behaviour lives in this crate; the C ABI, Python and Node packages only convert types.
//! Every vendor client is built on the one [`transport`], fails with the one [`Error`], keeps
//! credentials in [`Secret`]s, and can be tested offline against the [`sandbox`].

#![warn(missing_docs)]

pub mod error;
pub mod metrics;
pub mod records;
pub mod runtime;
pub mod secret;
pub mod totp;
pub mod transport;
mod vendor;
pub mod wait;

pub use error::{Error, Result, VendorDetail};
pub use secret::{Secret, SecretBytes};
pub use vendor::Vendor;
pub use wait::{CancellationToken, WaitOptions};

#[cfg(feature = "nevis")]
pub mod nevis;

#[cfg(feature = "authx")]
pub mod authx;

#[cfg(feature = "descope")]
pub mod descope;

#[cfg(feature = "otpone")]
pub mod otpone;

#[cfg(feature = "nopass")]
pub mod nopass;

#[cfg(feature = "sandbox")]
pub mod sandbox;

mod pem;
mod validate;

#[cfg(any(feature = "sandbox", feature = "server"))]
pub mod serve;
