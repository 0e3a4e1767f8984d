//! nevisIDM Authentication REST API v1; the contract, and the decisions taken where the vendor
//! is silent, are in `docs/vendors/nevisidm.md`.
//!
//! Four logins under `/{clientExtId}/users/{userExtId}/…/login/`:
//!
//! | login             | method                                  | success            |
//! |-------------------|-----------------------------------------|--------------------|
//! | Recovery Code     | [`NevisClient::recovery_code_login`]    | HTTP 204           |
//! | Password          | [`NevisClient::password_login`]         | 200, `statusCode` 5 |
//! | Device Password   | [`NevisClient::device_password_login`]  | 200, `statusCode` 5 |
//! | Context Password  | [`NevisClient::context_password_login`] | 200, `statusCode` 5 |
//!
//! A wrong password is **HTTP 200 with a `statusCode` other than 5**; authbridge turns it into
//! an `authentication_failed` error whose [`LoginStatusCode`] says whether the credential is now
//! locked ([`LoginStatusCode::of`]). None of these calls is ever sent twice once it may have
//! reached the server: each submits a password or a single-use code.

mod client;
mod config;
mod types;

pub use client::NevisClient;
pub use config::{NevisAuth, NevisConfig, DEFAULT_BASE_PATH};
pub use types::{LoginStatus, LoginStatusCode};
