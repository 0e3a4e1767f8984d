//! OtpOne (seed `otpone-api.txt`): validation of a request by the person's smartphone,
//! security key, Windows Hello or certificate.
//!
//! The seed's three request types map onto two clients, one per key (seed §2.1):
//!
//! | seed section                  | side   | method                                   |
//! |-------------------------------|--------|------------------------------------------|
//! | §3.1.1 / §3.2.1 getTransactionID | server | [`OtpOneServer::get_transaction_id`]  |
//! | §3.1.1 GetHTML                | server | [`OtpOneServer::get_html`]               |
//! | §3.1.1 VerifyToken            | server | [`OtpOneServer::verify_token`]           |
//! | §3.3.1 SendRequest            | server | [`OtpOneServer::send_request`]           |
//! | §3.2.1 IsFinish               | client | [`OtpOneClient::is_finish`]              |
//! | §3.2.1 GetResult              | client | [`OtpOneClient::get_result`]             |
//! | §3.2.1 "with a timer"         | client | [`OtpOneClient::wait_for_result`]        |
//!
//! - **Standard request**: the server opens a transaction, writes GetHTML's fragment into its
//!   page, the page returns a token, the server verifies it.
//! - **Distributed request**: the server opens a transaction carrying a private token and
//!   hands the id to the client, which waits with IsFinish and reads GetResult.
//! - **Server only**: SendRequest asks and answers in one call of up to about two minutes.
//!
//! Every result obeys the seed's MUST: `isValid` true and `UserValided` equal to the user the
//! transaction was opened for, or the call fails with `authentication_failed`.
//!
//! Wire (VENDOR-NOTES "OtpOne"): `POST https://api.otpone.com/api/{Operation}` with the
//! seed's parameter names in the query string — so the request URL holds the key and never
//! leaves the transport (traces show the host only). Paths and names are in
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
