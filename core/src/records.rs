//! The targets of authbridge's two structured records, for filters and the bindings' log sinks.
//!
//! Every vendor call ends with one DEBUG event at [`CALL_TARGET`] (fields `vendor`,
//! `operation`, `method`, `host`, `status`, `attempts`, `duration_ms`, and `code` when it
//! failed), made in `transport/record.rs`; every answered NoPass portal callback with one at
//! [`CALLBACK_TARGET`] (`callback`, `outcome`, `status`, `duration_ms`, and `code` when
//! refused), made in `nopass/record.rs`. Neither carries a header value, URL path or query,
//! body, or secret.

/// The target of the record of a vendor call.
pub const CALL_TARGET: &str = "authbridge::call";

/// The target of the record of a NoPass portal callback.
pub const CALLBACK_TARGET: &str = "authbridge::callback";
