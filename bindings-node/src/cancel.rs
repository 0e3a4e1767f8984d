//! Waits from Node: `{ timeoutMs, intervalMs, signal }` options and `AbortSignal`s.
//!
//! A wait for a person (a Descope pending session, an OtpOne transaction, a NoPass login)
//! takes an optional options object. Its `signal`, a standard `AbortSignal`, cancels the wait:
//! the Promise then rejects with code `cancelled` (at once if the signal has already fired).
//! The listener is removed again when the wait ends, so one long-lived signal can serve any
//! number of waits without piling up listeners.

use std::time::Duration;

use authbridge::{CancellationToken, WaitOptions};
use napi::bindgen_prelude::FunctionRef;
use napi::bindgen_prelude::{FnArgs, Function, Object, ObjectRef, Unknown};
use napi::Env;

use crate::error::check;

/// How long a wait lasts when the caller does not say: two minutes, the time the vendors
/// give a person to act.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// A wait's options as read from JavaScript.
pub(crate) struct Wait {
    pub(crate) options: WaitOptions,
    abort: Option<Abort>,
}

struct Abort {
    signal: ObjectRef<false>,
    listener: FunctionRef<(), ()>,
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
            return Ok(Self { options: WaitOptions::new(DEFAULT_TIMEOUT), abort: None });
        };
        let mut wait = WaitOptions::new(millis(env, options, "timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT));
        if let Some(interval) = millis(env, options, "intervalMs")? {
            wait = wait.interval(interval);
        }
        let token = CancellationToken::new();
        wait = wait.cancel(token.clone());
        let abort = match options.get::<Object>("signal")? {
            Some(signal) => Some(Abort::attach(env, &signal, token)?),
            None => None,
        };
        Ok(Self { options: wait, abort })
    }

    /// Listens to a bare `AbortSignal` (no timeout, no interval), for work that ends on its
    /// own terms; the token fires when the signal does.
    #[cfg(feature = "sandbox")]
    pub(crate) fn signal(env: &Env, signal: Option<&Object>) -> napi::Result<(CancellationToken, Self)> {
        let token = CancellationToken::new();
        let abort = signal.map(|signal| Abort::attach(env, signal, token.clone())).transpose()?;
        Ok((token, Self { options: WaitOptions::new(DEFAULT_TIMEOUT), abort }))
    }

    /// Stops listening to the signal. Runs on the JavaScript thread when the wait ends.
    pub(crate) fn detach(self, env: &Env) {
        if let Some(abort) = self.abort {
            // A signal that cannot take its listener back only keeps a no-op closure alive.
            let _ = abort.detach(env);
        }
    }

    /// Separates what the runtime needs from what must stay on the JavaScript thread.
    pub(crate) fn split(self) -> (WaitOptions, Wait) {
        let options = self.options.clone();
        (options, self)
    }
}

impl Abort {
    fn attach(env: &Env, signal: &Object, token: CancellationToken) -> napi::Result<Self> {
        let add = signal.get::<Function<FnArgs<(&str, Function<(), ()>)>, Unknown>>("addEventListener")?;
        let Some(add) = add else {
            return check(env, Err(authbridge::Error::invalid("signal", "must be an AbortSignal")));
        };
        if signal.get::<bool>("aborted")?.unwrap_or(false) {
            token.cancel();
        }
        let listener = env.create_function_from_closure::<(), (), _>("authbridgeAbort", move |_| {
            token.cancel();
            Ok(())
        })?;
        add.apply(signal, ("abort", listener).into())?;
        Ok(Self { signal: signal.create_ref()?, listener: listener.create_ref()? })
    }

    fn detach(self, env: &Env) -> napi::Result<()> {
        let signal = self.signal.get_value(env)?;
        let listener = self.listener.borrow_back(env)?;
        if let Some(remove) =
            signal.get::<Function<FnArgs<(&str, Function<(), ()>)>, Unknown>>("removeEventListener")?
        {
            remove.apply(signal, ("abort", listener).into())?;
        }
        self.signal.unref(env)
    }
}
