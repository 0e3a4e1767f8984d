//! OtpOne: validation of a request by the person's smartphone, security key, Windows Hello or
//! certificate. The contract, and the decisions taken where the vendor's guide is silent, are
//! in `docs/vendors/otpone.md`.
//!
//! The guide's three flows map onto two clients, one per key (docs/vendors/otpone.md, "Keys"):
//!
//! | flow: operation               | side   | method                                   |
//! |-------------------------------|--------|------------------------------------------|
//! | standard, distributed: getTransactionID | server | [`OtpOneServer::get_transaction_id`]  |
//! | standard: GetHTML             | server | [`OtpOneServer::get_html`]               |
//! | standard: VerifyToken         | server | [`OtpOneServer::verify_token`]           |
//! | server only: SendRequest      | server | [`OtpOneServer::send_request`]           |
//! | distributed: IsFinish         | client | [`OtpOneClient::is_finish`]              |
//! | distributed: GetResult        | client | [`OtpOneClient::get_result`]             |
//! | distributed: "with a timer"   | client | [`OtpOneClient::wait_for_result`]        |
//!
//! - **Standard request**: the server opens a transaction, writes GetHTML's fragment into its
//!   page, the page returns a token, the server verifies it.
//! - **Distributed request**: the server opens a transaction carrying a private token and
//!   hands the id to the client, which waits with IsFinish and reads GetResult.
//! - **Server only**: SendRequest asks and answers in one call of up to about two minutes.
//!
//! Every result obeys the guide's MUST: `isValid` true and `UserValided` equal to the user the
//! transaction was opened for, or the call fails with `authentication_failed`.
//!
//! Wire (docs/vendors/otpone.md, "Endpoints"): `POST https://api.otpone.com/api/{Operation}`
//! with the guide's parameter names in the query string — so the request URL holds the key and
//! never leaves the transport (traces show the host only). Paths and names are in
//! [`OtpOneConfig`]. Answers are read leniently: keys in any letter case, a JSON object
//! wrapped in a JSON string unwrapped; an error's `Message` becomes the vendor message.

mod answer;
mod api;
mod client;
mod config;
mod input;
mod keys;
mod result;
mod server;
mod types;

pub use client::OtpOneClient;
pub use config::{OtpOneConfig, OtpOneParams, OtpOnePaths, DEFAULT_BASE_URL, DEFAULT_SEND_REQUEST_TIMEOUT};
pub use keys::{ClientKey, Key, KeyKind, ServerKey};
pub use result::{Transaction, Validation};
pub use server::OtpOneServer;
pub use types::{PageType, RequestType};
