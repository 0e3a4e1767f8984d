//! # authbridge for C and C++
//!
//! The C ABI of authbridge; the header `include/authbridge.h` is generated from this crate by
//! cbindgen. It only converts types: every behaviour is in the `authbridge` crate.
//!
//! Conventions, the same for every function (they are repeated at the top of the header):
//!
//! - Everything is prefixed `ab_`. Handles are opaque; each is created by a `_new` (or
//!   `_start`) function and released by its `_free`, and `_free(NULL)` does nothing.
//! - Every fallible function returns an `ab_status`; `AB_STATUS_OK` (0) means success. Results
//!   go through out-parameters, written only on success. On failure the details are in this
//!   thread's last error (`ab_error_code`, `ab_error_message`, `ab_error_vendor_code`,
//!   `ab_error_http_status`, …).
//! - Strings are NUL-terminated UTF-8. Strings passed in are borrowed for the call only.
//!   Strings handed out through `char **` belong to the caller, who frees each once with
//!   `ab_string_free`. A NULL where a value is required gives `AB_STATUS_NULL_ARGUMENT`; a
//!   string that is not UTF-8 gives `AB_STATUS_INVALID_UTF8`. Arguments whose name ends in
//!   `_or_null` may be NULL, and `user_data` is never looked at.
//! - No panic crosses into C: it comes back as `AB_STATUS_PANIC`.
//! - Every handle is thread-safe. Blocking calls run on one shared runtime inside the library;
//!   waits take an `ab_cancel` so another thread can end them.
//!
//! # Safety
//!
//! The one contract of every `unsafe extern "C"` function here: each pointer argument is NULL
//! or valid for what its type says (a live handle of that type from this library, a
//! NUL-terminated string, `len` readable bytes, a writable out-parameter) for the duration of
//! the call, and a handle is not freed while another thread still uses it.

#![allow(non_camel_case_types)]
// The safety contract is the same for every exported function and is documented once above.
#![allow(clippy::missing_safety_doc)]
// Shared conversion helpers serve some vendors only; a build with fewer vendors leaves some unused.
#![cfg_attr(
    not(all(
        feature = "nevis",
        feature = "authx",
        feature = "descope",
        feature = "otpone",
        feature = "nopass",
        feature = "sandbox"
    )),
    allow(dead_code)
)]

mod args;
mod boundary;
mod error;
mod handles;
mod logs;
mod metrics;
mod runtime;
mod shutdown;
mod status;
mod strings;
mod test_hooks;
mod totp;
mod transport;
mod version;
mod wait;

// Each vendor module gates itself with an inner `#![cfg(...)]`, so the header declares every
// function whatever the features of the build that generated it.
mod authx;
mod authx_upload;
mod descope;
mod nevis;
mod nopass;
mod otpone;
// The sandbox, for tests, is declared in its own header (cbindgen-sandbox.toml) and kept out of
// authbridge.h by cbindgen.toml.
mod sandbox;

#[cfg(feature = "authx")]
pub use authx::*;
#[cfg(feature = "authx")]
pub use authx_upload::*;
#[cfg(feature = "descope")]
pub use descope::*;
pub use error::*;
pub use logs::*;
pub use metrics::*;
#[cfg(feature = "nevis")]
pub use nevis::*;
#[cfg(feature = "nopass")]
pub use nopass::*;
#[cfg(feature = "otpone")]
pub use otpone::*;
#[cfg(feature = "sandbox")]
pub use sandbox::*;
pub use shutdown::*;
pub use status::*;
pub use strings::*;
pub use totp::*;
pub use transport::*;
pub use version::*;
pub use wait::*;
