//! Cancelling from Node: an `AbortSignal` on every async call.
//!
//! Every async method takes an optional options object as its last argument, with a
//! `signal`, a standard `AbortSignal` ([`CallOptions`]; waits add `timeoutMs` and
//! `intervalMs` to it, [`Wait`]). When the signal fires, the call's Promise rejects with code
//! `cancelled` (at once if it has already fired) and its work is dropped, which closes any
//! HTTP request in flight. The listener is removed again when the call ends, so one
//! long-lived signal can serve any number of calls without piling up listeners.

use authbridge::CancellationToken;
use napi::bindgen_prelude::FunctionRef;
use napi::bindgen_prelude::{FnArgs, Function, Object, ObjectRef, Unknown};
use napi::Env;
use napi_derive::napi;

use crate::error::check;

/// The options every async method takes as its last argument.
#[napi(object, object_to_js = false)]
pub struct CallOptions<'env> {
    /// Cancels the call: its Promise rejects with code `cancelled` and the request in flight
    /// is dropped.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Object<'env>>,
}

/// The signal of a call's options, for [`crate::runtime::promise`].
pub(crate) fn signal_of<'a, 'env>(options: &'a Option<CallOptions<'env>>) -> Option<&'a Object<'env>> {
    options.as_ref().and_then(|options| options.signal.as_ref())
}

/// A call's cancellation: a token that fires with the caller's `AbortSignal`, and the
/// listener that makes it fire, to be removed on the JavaScript thread when the call ends.
pub(crate) struct Cancel {
    pub(crate) token: CancellationToken,
    listener: Option<Listener>,
}

struct Listener {
    signal: ObjectRef<false>,
    listener: FunctionRef<(), ()>,
}

impl Cancel {
    /// Starts listening to `signal`, when there is one.
    pub(crate) fn listen(env: &Env, signal: Option<&Object>) -> napi::Result<Self> {
        let token = CancellationToken::new();
        let listener = signal.map(|signal| Listener::attach(env, signal, token.clone())).transpose()?;
        Ok(Self { token, listener })
    }

    /// Stops listening to the signal. Runs on the JavaScript thread when the call ends.
    pub(crate) fn detach(self, env: &Env) {
        if let Some(listener) = self.listener {
            // A signal that cannot take its listener back only keeps a no-op closure alive.
            let _ = listener.detach(env);
        }
    }
}

impl Listener {
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
