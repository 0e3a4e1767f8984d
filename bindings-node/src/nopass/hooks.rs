//! The portal's hooks as JavaScript functions.
//!
//! Each hook the host passes (`validateUserRegistration(event)`, …) becomes a weak
//! threadsafe function: core calls it from its runtime, Node runs it on the JavaScript thread,
//! and it never keeps the process alive by itself (a portal mounted in an HTTP server is kept
//! alive by the server, as it should be). A hook may be `async`; a hook that throws or rejects
//! refuses the callback, as core's hook contract says, and a decision hook accepts only when
//! it answers `true`. Core gives each call `hookTimeoutMs`: a hook still running then is left
//! to finish on its own, its answer unused, and the NoPass server gets a 503 to call again.

use authbridge::nopass::{
    AuthorizationResult, HookError, HookFuture, PictureUpdate, PortalHooks as CoreHooks, PreRegistration, Registration,
    ServiceDisabling, SessionClosing, UserDeletion, UserRegistration, UserRegistrationCheck, UserUpdate, UsersAddition,
};
use std::sync::Arc;

use napi::bindgen_prelude::{Function, JsObjectValue, Object, Promise};
use napi::threadsafe_function::ThreadsafeFunction;
use napi::{Env, Status};
use serde::Serialize;
use serde_json::Value;

/// Calls a host function and always gets a Promise back, whether the function is `async`
/// or not, with `undefined` turned into `null` so it crosses as JSON.
const AS_ASYNC: &str = r#"(function authbridgeHook(hook) {
  return async function (event) {
    const answer = await hook(event)
    return answer === undefined ? null : answer
  }
})"#;

type Hook = Arc<ThreadsafeFunction<Value, Promise<Value>, Value, Status, false, true>>;

/// The host's hooks, by callback.
#[derive(Default)]
pub(crate) struct JsHooks {
    confirm_pre_registration: Option<Hook>,
    confirm_registration: Option<Hook>,
    update_picture: Option<Hook>,
    validate_user_registration: Option<Hook>,
    confirm_user_registration: Option<Hook>,
    authorized_user: Option<Hook>,
    update_user: Option<Hook>,
    delete_user: Option<Hook>,
    add_users: Option<Hook>,
    close_session: Option<Hook>,
    disable_service: Option<Hook>,
}

/// The hook names a host may define, as in the seed's callback names.
pub(crate) const NAMES: [&str; 11] = [
    "confirmPreRegistration",
    "confirmRegistration",
    "updatePicture",
    "validateUserRegistration",
    "confirmUserRegistration",
    "authorizedUser",
    "updateUser",
    "deleteUser",
    "addUsers",
    "closeSession",
    "disableService",
];

impl JsHooks {
    /// Reads the hook functions of `hooks` (an object; unknown names are refused so a typo
    /// cannot silently leave a decision to the default refusal).
    pub(crate) fn from_js(env: &Env, hooks: &Object) -> napi::Result<Self> {
        let keys = hooks.get_property_names()?;
        let count = keys.get_array_length()?;
        for index in 0..count {
            let name: String = keys.get_element(index)?;
            if !NAMES.contains(&name.as_str()) {
                return crate::error::check(
                    env,
                    Err(authbridge::Error::invalid(
                        format!("hooks.{name}"),
                        format!("is not a hook; hooks are {}", NAMES.join(", ")),
                    )),
                );
            }
        }
        let wrap: Function<Function<Value, Value>, Function<Value, Promise<Value>>> = env.run_script(AS_ASYNC)?;
        let hook = |name: &str| -> napi::Result<Option<Hook>> {
            let Some(function) = hooks.get::<Function<Value, Value>>(name)? else {
                return Ok(None);
            };
            let wrapped = wrap.call(function)?;
            let tsfn = wrapped.build_threadsafe_function::<Value>().callee_handled::<false>().weak::<true>().build()?;
            Ok(Some(Arc::new(tsfn)))
        };
        Ok(Self {
            confirm_pre_registration: hook("confirmPreRegistration")?,
            confirm_registration: hook("confirmRegistration")?,
            update_picture: hook("updatePicture")?,
            validate_user_registration: hook("validateUserRegistration")?,
            confirm_user_registration: hook("confirmUserRegistration")?,
            authorized_user: hook("authorizedUser")?,
            update_user: hook("updateUser")?,
            delete_user: hook("deleteUser")?,
            add_users: hook("addUsers")?,
            close_session: hook("closeSession")?,
            disable_service: hook("disableService")?,
        })
    }
}

/// Runs a hook with `event` and gives back what it answered (`null` for nothing).
async fn call(hook: &Hook, event: Value) -> Result<Value, HookError> {
    let failed = |error: napi::Error| HookError::new(error.reason.clone());
    let answer = hook.call_async_catch(event).await.map_err(failed)?;
    answer.await.map_err(failed)
}

/// The event as JSON, with absent fields left out (`undefined` in JavaScript, as the typings
/// say) rather than `null`.
fn event_json<E: Serialize>(event: &E) -> Result<Value, HookError> {
    let mut value = serde_json::to_value(event)
        .map_err(|e| HookError::new(format!("could not pass the event to JavaScript: {e}")))?;
    drop_nulls(&mut value);
    Ok(value)
}

fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            fields.retain(|_, field| !field.is_null());
            fields.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// A notification: the hook's answer is not used; a failure refuses the callback.
fn notify(hook: &Option<Hook>, event: Result<Value, HookError>) -> HookFuture<()> {
    let Some(hook) = hook.clone() else {
        return Box::pin(async { Ok(()) });
    };
    Box::pin(async move {
        call(&hook, event?).await?;
        Ok(())
    })
}

/// A decision: `true` accepts; no hook, `false` or `null` refuses; anything else is an error.
fn decide(hook: &Option<Hook>, event: Result<Value, HookError>) -> HookFuture<bool> {
    let Some(hook) = hook.clone() else {
        return Box::pin(async { Ok(false) });
    };
    Box::pin(async move {
        match call(&hook, event?).await? {
            Value::Bool(decision) => Ok(decision),
            Value::Null => Ok(false),
            other => Err(HookError::new(format!("a decision hook must answer true or false, not {other}"))),
        }
    })
}

impl CoreHooks for JsHooks {
    fn confirm_pre_registration(&self, event: PreRegistration) -> HookFuture<()> {
        notify(&self.confirm_pre_registration, event_json(&event))
    }

    fn confirm_registration(&self, event: Registration) -> HookFuture<()> {
        notify(&self.confirm_registration, event_json(&event))
    }

    fn update_picture(&self, event: PictureUpdate) -> HookFuture<()> {
        notify(&self.update_picture, event_json(&event))
    }

    fn validate_user_registration(&self, event: UserRegistrationCheck) -> HookFuture<bool> {
        decide(&self.validate_user_registration, event_json(&event))
    }

    fn confirm_user_registration(&self, event: UserRegistration) -> HookFuture<()> {
        notify(&self.confirm_user_registration, event_json(&event))
    }

    fn authorized_user(&self, event: AuthorizationResult) -> HookFuture<()> {
        notify(&self.authorized_user, event_json(&event))
    }

    fn update_user(&self, event: UserUpdate) -> HookFuture<bool> {
        decide(&self.update_user, event_json(&event))
    }

    fn delete_user(&self, event: UserDeletion) -> HookFuture<bool> {
        decide(&self.delete_user, event_json(&event))
    }

    fn add_users(&self, event: UsersAddition) -> HookFuture<bool> {
        decide(&self.add_users, event_json(&event))
    }

    fn close_session(&self, event: SessionClosing) -> HookFuture<()> {
        notify(&self.close_session, event_json(&event))
    }

    fn disable_service(&self, event: ServiceDisabling) -> HookFuture<()> {
        notify(&self.disable_service, event_json(&event))
    }
}

/// The host's hooks, by callback (for typings: the portal reads the functions it is given).
/// Notifications may return anything; decisions accept only with `true`. Each may be async and
/// must settle within `hookTimeoutMs`; throwing or rejecting refuses the callback. Events name
/// a login by its browser `handle` and carry no `authId` or `otp`. Decide only on the portal's
/// own data (`origin === 'portal'`, `userId`): every other field came from the caller.
#[napi_derive::napi(object)]
#[allow(dead_code)]
pub struct PortalHooks {
    /// 1. ConfirmPreRegistration: the NoPass server's challenge arrived.
    #[napi(ts_type = "(event: { r: number }) => unknown")]
    pub confirm_pre_registration: Option<Value>,
    /// 2. ConfirmRegistration: the portal is being bound to `portalId`.
    #[napi(ts_type = "(event: { portalId: string; settings?: string }) => unknown")]
    pub confirm_registration: Option<Value>,
    /// 3. UpdatePicture: a login has a new picture/code.
    #[napi(
        ts_type = "(event: { handle: string; userId: string; reportedUserId?: string; image: string; nextChangeMs: number }) => unknown"
    )]
    pub update_picture: Option<Value>,
    /// 4. ValidateUserRegistration: may this user register? Answer `true` to accept. `origin`
    /// `portal`: a registration `preRegisterUser` started for `userId`; `nopass_server`: one
    /// the NoPass server started, where every field is the caller's word (and no session is
    /// ever authorised by it).
    #[napi(
        ts_type = "(event: { origin: 'portal' | 'nopass_server'; userId?: string; givenName?: string; surName?: string; phoneNumber?: string; email?: string; login?: string; profileImageUrl?: string }) => boolean | Promise<boolean>"
    )]
    pub validate_user_registration: Option<Value>,
    /// 5. ConfirmUserRegistration: the user is registered; `handle` is the session a
    /// portal-started registration authorised (redeem it like a login).
    #[napi(
        ts_type = "(event: { userId?: string; origin: 'portal' | 'nopass_server'; handle?: string; login?: string }) => unknown"
    )]
    pub confirm_user_registration: Option<Value>,
    /// 6. AuthorizedUser: the login is decided. Sign nobody in here: the browser's
    /// `redeemLogin(handle)` does that, once.
    #[napi(ts_type = "(event: { handle: string; userId: string; authorized: boolean; reason?: string }) => unknown")]
    pub authorized_user: Option<Value>,
    /// 7. UpdateUser: may these changes be made? Answer `true` to accept.
    #[napi(
        ts_type = "(event: { userId: string; changes: Array<{ field: string; newValue?: string; forbiddenStore?: boolean }> }) => boolean | Promise<boolean>"
    )]
    pub update_user: Option<Value>,
    /// 8. DeleteUser: act on the deletion? Answer `true` to accept.
    #[napi(ts_type = "(event: { userId: string }) => boolean | Promise<boolean>")]
    pub delete_user: Option<Value>,
    /// 9. AddUsers: may these users be added? Answer `true` to accept.
    #[napi(
        ts_type = "(event: { users: Array<{ givenName?: string; surName?: string; phoneNumber?: string; email?: string; login?: string; isUseEmailAsLogin?: boolean }> }) => boolean | Promise<boolean>"
    )]
    pub add_users: Option<Value>,
    /// 10. CloseSession: the user closed the session in NoPass.
    #[napi(ts_type = "(event: { handle: string; userId: string; reportedUserId?: string }) => unknown")]
    pub close_session: Option<Value>,
    /// 11. DisableService: the portal was deleted in the NoPass console.
    #[napi(ts_type = "(event: { portalId: string }) => unknown")]
    pub disable_service: Option<Value>,
}
