//! Descope nOTP and TOTP, and session validation; the contract, and the decisions taken where
//! the vendor is silent, are in `docs/vendors/descope.md`.
//!
//! | operation                    | method                                        | answer             |
//! |------------------------------|-----------------------------------------------|--------------------|
//! | nOTP sign-up                 | [`DescopeClient::notp_sign_up`]               | [`NotpStart`]      |
//! | nOTP sign-in                 | [`DescopeClient::notp_sign_in`]               | [`NotpStart`]      |
//! | nOTP sign-up or sign-in      | [`DescopeClient::notp_sign_up_or_in`]         | [`NotpStart`]      |
//! | Get NoTP Pending Session     | [`DescopeClient::notp_pending_session`], [`DescopeClient::wait_for_session`] | [`Session`] |
//! | TOTP Sign-Up                 | [`DescopeClient::totp_sign_up`]               | [`TotpEnrollment`] |
//! | TOTP Sign-In / Verify        | [`DescopeClient::totp_verify`]                | [`Session`]        |
//! | Add / Update Key             | [`DescopeClient::totp_update`]                | [`TotpEnrollment`] |
//! | (SDKs) validate a session    | [`DescopeClient::validate_session`]           | [`SessionClaims`]  |
//!
//! Every call carries `Authorization: Bearer <ProjectId>` (plus the refresh JWT where the
//! user must be signed in); the project ID, refresh JWTs, codes, TOTP keys and pending
//! references are [`crate::Secret`]s and never printed. Calls that start a login or submit a
//! code are never repeated once they may have reached Descope. Errors keep Descope's
//! `errorCode`; the mapping to authbridge codes is documented in `error.rs` and summarised in
//! [`codes`]. To produce TOTP codes for testing, see [`crate::totp`].

mod auth;
mod claims;
mod client;
mod config;
mod error;
mod keys;
mod notp;
mod options;
mod session;
mod totp;

pub use claims::{SessionClaims, SessionRejection, TenantClaims};
pub use client::DescopeClient;
pub use config::{base_url_for, DescopeConfig, SessionValidation, DEFAULT_BASE_URL};
pub use notp::{NotpStart, PendingSession};
pub use options::{LoginOptions, NotpOptions, UserDetails, DEFAULT_PROVIDER};
pub use session::{Session, User, REFRESH_COOKIE, SESSION_COOKIE};
pub use totp::TotpEnrollment;

/// Descope error codes authbridge gives a meaning to (see the table in `error.rs`).
pub mod codes {
    pub use super::error::{PENDING, RATE_LIMITED, TOO_MANY_ATTEMPTS, USER_EXISTS, USER_NOT_FOUND, WRONG_CODE};
}
