//! What a failed Redis call becomes: an `Error::Store` naming Redis and its address (never the
//! password), and saying how to fix the usual mistakes.

use std::fmt::Display;

use redis::{ErrorKind, RedisError};

use super::target::Target;
use crate::Error;

/// `Error::Store("redis at <address>: <what>")`, with the password scrubbed should `what`
/// repeat it.
pub(super) fn store_error(target: &Target, what: impl Display) -> Error {
    Error::Store(target.scrub(format!("redis at {}: {what}", target.address)))
}

pub(super) fn redis_error(target: &Target, error: &RedisError) -> Error {
    let refused_auth = error.kind() == ErrorKind::AuthenticationFailed
        || matches!(error.code(), Some("NOAUTH" | "WRONGPASS" | "NOPERM"));
    if refused_auth {
        return store_error(
            target,
            format_args!(
                "{error} (give the ACL user and password in the URL, redis://user:password@host/, \
                 and allow the user the portal's keys, EVALSHA, SCRIPT LOAD, PUBLISH and SUBSCRIBE)"
            ),
        );
    }
    store_error(target, error)
}

/// A call that did not finish within the store's time limit. When it was a change, Redis may
/// or may not have run it (atomically, either way).
pub(super) fn timed_out(target: &Target, what: &str, after: std::time::Duration) -> Error {
    store_error(target, format_args!("{what} did not finish within {after:?}"))
}
