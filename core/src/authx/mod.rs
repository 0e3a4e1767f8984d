//! AuthX Public API, Management and Authentication; the contract, and the decisions taken
//! where the vendor is silent, are in `docs/vendors/authx.md`.
//!
//! Base URL `https://api-<tenant host>.authx.com` ([`AuthxConfig::for_tenant`]), overridable
//! ([`AuthxConfig::new`]). Every call is `POST /<Operation>`:
//!
//! | operation          | method                                  | answer                          | after a 401              |
//! |--------------------|-----------------------------------------|---------------------------------|--------------------------|
//! | Access Token       | [`AuthxClient::access_token`] (cached)  | [`AccessToken`]                 | —                        |
//! | Add User           | [`AuthxClient::add_user`]               | the new [`UserGuid`]            | renew token, repeat once |
//! | Update User        | [`AuthxClient::update_user`]            | the [`UserGuid`]                | renew token, repeat once |
//! | Delete User        | [`AuthxClient::delete_user`]            | `()`                            | renew token, repeat once |
//! | Generate Pin       | [`AuthxClient::generate_pin`]           | `()`                            | renew token, repeat once |
//! | Verify Pin         | [`AuthxClient::verify_pin`]             | [`PinVerification`]             | renew token, repeat once |
//! | Process Biometrics | [`AuthxClient::process_biometric`]      | [`BiometricResult`]             | repeat only if re-readable |
//!
//! An upload's progress and cancellation: [`AuthxClient::process_biometric_with`] and
//! [`UploadOptions`].
//!
//! Vendor quirks absorbed here, once:
//! - the access token (`ApplicationId`/`ApplicationKey` headers) is cached, renewed shortly
//!   before `expires_in` runs out and after a 401, by a single request however many calls
//!   wait for it (`token.rs`);
//! - every answer is the envelope `response_code`/`response_subcode`/`response_text`/
//!   `response_data`, whose `response_data` is JSON inside a string; `response_code` 0 is an
//!   `Error::Vendor` carrying subcode and text (`envelope.rs`);
//! - a wrong PIN and a biometric mismatch are answers ([`PinVerification::Rejected`],
//!   [`BiometricOutcome`]), not errors;
//! - ProcessBiometric is a streamed `multipart/form-data` upload whose encoder is public on its
//!   own ([`BiometricFrame`]).
//!
//! Why a 401 may be repeated: see the `Operation` notes in `client.rs` — AuthX checks the
//! bearer token before it runs the operation, so a 401 proves nothing was processed. No call
//! is ever repeated by the transport once AuthX may have seen it.

mod biometric;
mod biometric_call;
mod client;
mod config;
mod envelope;
mod framing;
mod token;
mod types;
mod upload;
mod users;

pub use biometric_call::{BiometricCall, DeviceData};
pub use client::AuthxClient;
pub use config::{AuthxConfig, BiometricApp, DEFAULT_BIOMETRIC_CONTENT_TYPE};
pub use framing::{BiometricData, BiometricFrame, FrameStream};
pub use token::AccessToken;
pub use types::{BiometricKind, BiometricOutcome, BiometricProcess, BiometricResult, PinVerification, UserGuid};
pub use upload::{ProgressFn, UploadOptions, PROGRESS_INTERVAL};
pub use users::{UserProfile, DEFAULT_COUNTRY_CODE};
