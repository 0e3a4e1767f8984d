//! Waits from Node: `{ timeoutMs, intervalMs, signal }` options.
//!
//! A wait for a person (a Descope pending session, an OtpOne transaction, a NoPass login)
//! takes the options every call takes ([`crate::cancel`]) plus its time limit and how often
//! to look. Its token goes to core, which ends the wait with `cancelled` when the signal
//! fires.

use std::time::Duration;

use authbridge::WaitOptions;
use napi::bindgen_prelude::Object;
use napi::Env;

use crate::cancel::Cancel;
use crate::error::check;

/// How long a wait lasts when the caller does not say: two minutes, the time the vendors
/// give a person to act.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// A wait's options as read from JavaScript.
pub(crate) struct Wait {
    pub(crate) options: WaitOptions,
    pub(crate) cancel: Cancel,
}

fn millis(env: &Env, object: &Object, field: &str) -> napi::Result<Option<Duration>> {
    match object.get::<f64>(field)? {
        None => Ok(None),
        Some(ms) if ms.is_finite() && ms >= 0.0 => Ok(Some(Duration::from_secs_f64(ms / 1000.0))),
        Some(_) => check(env, Err(authbridge::Error::invalid(field, "must be a number of milliseconds, 0 or more"))),
    }
}

impl Wait {
    /// Reads `{ timeoutMs, intervalMs, signal }` and starts listening to the signal.
    pub(crate) fn read(env: &Env, options: Option<&Object>) -> napi::Result<Self> {
        let Some(options) = options else {
            return Ok(Self { options: WaitOptions::new(DEFAULT_TIMEOUT), cancel: Cancel::listen(env, None)? });
        };
        let mut wait = WaitOptions::new(millis(env, options, "timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT));
        if let Some(interval) = millis(env, options, "intervalMs")? {
            wait = wait.interval(interval);
        }
        let signal = options.get::<Object>("signal")?;
        let cancel = Cancel::listen(env, signal.as_ref())?;
        Ok(Self { options: wait.cancel(cancel.token.clone()), cancel })
    }
}
