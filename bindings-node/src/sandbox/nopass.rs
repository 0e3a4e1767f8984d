//! Control API of the NoPass server stand-in: it registers a portal, completes user
//! registrations and drives logins by calling the portal's callbacks over HTTP.

use std::sync::Arc;

use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;
use serde_json::Value;

use super::{Sandbox, Shared};
use crate::runtime::promise;

/// The portal as the stand-in registered it.
#[napi(object)]
pub struct NoPassSandboxPortal {
    pub portal_id: String,
    /// The bearer token the stand-in expects on the portal's calls.
    pub auth_token: String,
    /// The sCode the portal answered in pre-registration.
    pub s_code: String,
}

/// A PreRegisterUser the stand-in received, waiting for the user to register.
#[napi(object)]
pub struct NoPassSandboxPreRegistration {
    pub user_id: String,
    pub otp: String,
    pub register_link: String,
    pub client_ip: Option<String>,
    pub redirect_url: Option<String>,
    pub given_name: Option<String>,
    pub sur_name: Option<String>,
    pub phone_number: Option<String>,
    pub email: Option<String>,
}

/// The portal's answer to one callback.
#[napi(object)]
pub struct NoPassCallbackReply {
    pub status: u32,
    /// The body as JSON (`null` when empty).
    pub body: Value,
    /// 200 with no errors.
    pub success: bool,
    /// The envelope's `result`, or the bare body.
    pub result: Value,
    /// The first error's `code` and `message`.
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

/// The stand-in's reply type is not exported by core, so the conversion is spelled once here.
macro_rules! reply {
    ($reply:expr) => {{
        let reply = $reply;
        NoPassCallbackReply {
            status: u32::from(reply.status),
            success: reply.is_success(),
            result: reply.result().clone(),
            error_code: reply.error_code().map(str::to_string),
            error_message: reply.error_message().map(str::to_string),
            body: reply.body,
        }
    }};
}

/// The NoPass server stand-in's control API (`sandbox.nopass`).
#[napi]
pub struct NoPassSandbox {
    shared: Arc<Shared>,
}

impl NoPassSandbox {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

#[napi]
impl NoPassSandbox {
    /// Where the portal's callbacks are (`http://host:port`, the mount path included).
    #[napi(catch_unwind)]
    pub fn set_portal_url(&self, env: Env, url: String) -> napi::Result<()> {
        self.shared.with(&env, |s| s.nopass().set_portal_url(&url))
    }

    #[napi(catch_unwind)]
    pub fn portal_url(&self, env: Env) -> napi::Result<Option<String>> {
        self.shared.with(&env, |s| s.nopass().portal_url())
    }

    /// The portal as registered by `registerPortal`, or `null`.
    #[napi(catch_unwind)]
    pub fn registration(&self, env: Env) -> napi::Result<Option<NoPassSandboxPortal>> {
        let portal = self.shared.with(&env, |s| s.nopass().registration())?;
        Ok(portal.map(|p| NoPassSandboxPortal { portal_id: p.portal_id, auth_token: p.auth_token, s_code: p.s_code }))
    }

    /// Takes `portal` as registered without calling the portal.
    #[napi(catch_unwind)]
    pub fn set_registration(&self, env: Env, portal: NoPassSandboxPortal) -> napi::Result<()> {
        let portal = authbridge::sandbox::SimPortal {
            portal_id: portal.portal_id,
            auth_token: portal.auth_token,
            s_code: portal.s_code,
        };
        self.shared.with(&env, |s| s.nopass().set_registration(portal))
    }

    /// Makes `userId` a NoPass user who can log in.
    #[napi(catch_unwind)]
    pub fn add_user(&self, env: Env, user_id: String) -> napi::Result<()> {
        self.shared.with(&env, |s| s.nopass().add_user(&user_id))
    }

    #[napi(catch_unwind)]
    pub fn has_user(&self, env: Env, user_id: String) -> napi::Result<bool> {
        self.shared.with(&env, |s| s.nopass().has_user(&user_id))
    }

    /// The PreRegisterUser received for `userId` and not completed yet, or `null`.
    #[napi(catch_unwind)]
    pub fn pre_registration(&self, env: Env, user_id: String) -> napi::Result<Option<NoPassSandboxPreRegistration>> {
        let found = self.shared.with(&env, |s| s.nopass().pre_registration(&user_id))?;
        Ok(found.map(|p| NoPassSandboxPreRegistration {
            user_id: p.user_id,
            otp: p.otp,
            register_link: p.register_link,
            client_ip: p.client_ip,
            redirect_url: p.redirect_url,
            given_name: p.given_name,
            sur_name: p.sur_name,
            phone_number: p.phone_number,
            email: p.email,
        }))
    }

    /// The `authId` of the last login RequestAuthorization started for `userId`.
    #[napi(catch_unwind)]
    pub fn last_auth_id(&self, env: Env, user_id: String) -> napi::Result<Option<String>> {
        self.shared.with(&env, |s| s.nopass().last_auth_id(&user_id))
    }

    /// The user a login's `authId` was issued for.
    #[napi(catch_unwind)]
    pub fn login_user(&self, env: Env, auth_id: String) -> napi::Result<Option<String>> {
        self.shared.with(&env, |s| s.nopass().login_user(&auth_id))
    }

    /// POSTs `body` to the portal's callback `callback` and resolves with its answer.
    #[napi(catch_unwind, ts_return_type = "Promise<NoPassCallbackReply>")]
    pub fn send<'env>(
        &self,
        env: &'env Env,
        callback: String,
        body: Value,
    ) -> napi::Result<PromiseRaw<'env, NoPassCallbackReply>> {
        let sandbox = self.shared.get(env)?;
        promise(env, async move { sandbox.nopass().send(&callback, &body).await }, |_, r| Ok(reply!(r)))
    }

    /// Registers the portal as the NoPass console does (ConfirmPreRegistration, then
    /// ConfirmRegistration), checking its answers.
    #[napi(catch_unwind, ts_return_type = "Promise<NoPassSandboxPortal>")]
    pub fn register_portal<'env>(
        &self,
        env: &'env Env,
        admin_id: String,
    ) -> napi::Result<PromiseRaw<'env, NoPassSandboxPortal>> {
        let sandbox = self.shared.get(env)?;
        promise(env, async move { sandbox.nopass().register_portal(&admin_id).await }, |_, p| {
            Ok(NoPassSandboxPortal { portal_id: p.portal_id, auth_token: p.auth_token, s_code: p.s_code })
        })
    }

    /// Completes a registration the portal started with PreRegisterUser, as the NoPass app
    /// does; resolves with the new session's `authId`.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn complete_user_registration<'env>(
        &self,
        env: &'env Env,
        user_id: String,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let sandbox = self.shared.get(env)?;
        promise(env, async move { sandbox.nopass().complete_user_registration(&user_id).await }, |_, id| Ok(id))
    }

    /// A registration the NoPass server starts itself; resolves with the session's `authId`.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn register_user_from_server<'env>(
        &self,
        env: &'env Env,
        login: String,
        email: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let sandbox = self.shared.get(env)?;
        promise(
            env,
            async move { sandbox.nopass().register_user_from_server(&login, email.as_deref()).await },
            |_, id| Ok(id),
        )
    }

    /// UpdatePicture with a fresh picture for the login `authId`.
    #[napi(catch_unwind, ts_return_type = "Promise<NoPassCallbackReply>")]
    pub fn update_picture<'env>(
        &self,
        env: &'env Env,
        auth_id: String,
    ) -> napi::Result<PromiseRaw<'env, NoPassCallbackReply>> {
        let sandbox = self.shared.get(env)?;
        promise(env, async move { sandbox.nopass().update_picture(&auth_id).await }, |_, r| Ok(reply!(r)))
    }

    /// AuthorizedUser: the person approved (`true`) or denied the login.
    #[napi(catch_unwind, ts_return_type = "Promise<NoPassCallbackReply>")]
    pub fn authorize<'env>(
        &self,
        env: &'env Env,
        auth_id: String,
        authorized: bool,
        reason: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, NoPassCallbackReply>> {
        let sandbox = self.shared.get(env)?;
        promise(
            env,
            async move { sandbox.nopass().authorize(&auth_id, authorized, reason.as_deref()).await },
            |_, r| Ok(reply!(r)),
        )
    }

    /// A whole login: `pictures` UpdatePictures, then the decision.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn drive_login<'env>(
        &self,
        env: &'env Env,
        auth_id: String,
        pictures: u32,
        authorized: bool,
    ) -> napi::Result<PromiseRaw<'env, ()>> {
        let sandbox = self.shared.get(env)?;
        promise(env, async move { sandbox.nopass().drive_login(&auth_id, pictures, authorized).await }, |_, ()| Ok(()))
    }

    /// CloseSession for `authId`.
    #[napi(catch_unwind, ts_return_type = "Promise<NoPassCallbackReply>")]
    pub fn close_session<'env>(
        &self,
        env: &'env Env,
        auth_id: String,
    ) -> napi::Result<PromiseRaw<'env, NoPassCallbackReply>> {
        let sandbox = self.shared.get(env)?;
        promise(env, async move { sandbox.nopass().close_session(&auth_id).await }, |_, r| Ok(reply!(r)))
    }

    /// UpdateUser with `updates` as the seed shapes them
    /// (`{ givenName: { newValue, forbiddenStore }, … }`).
    #[napi(catch_unwind, ts_return_type = "Promise<NoPassCallbackReply>")]
    pub fn update_user<'env>(
        &self,
        env: &'env Env,
        user_id: String,
        updates: Value,
    ) -> napi::Result<PromiseRaw<'env, NoPassCallbackReply>> {
        let sandbox = self.shared.get(env)?;
        promise(env, async move { sandbox.nopass().update_user(&user_id, updates).await }, |_, r| Ok(reply!(r)))
    }

    /// DeleteUser: the user's NoPass account is gone.
    #[napi(catch_unwind, ts_return_type = "Promise<NoPassCallbackReply>")]
    pub fn delete_user<'env>(
        &self,
        env: &'env Env,
        user_id: String,
    ) -> napi::Result<PromiseRaw<'env, NoPassCallbackReply>> {
        let sandbox = self.shared.get(env)?;
        promise(env, async move { sandbox.nopass().delete_user(&user_id).await }, |_, r| Ok(reply!(r)))
    }

    /// AddUsers with `users` (`[{ givenName, surName, phoneNumber, email, login, isUseEmailAsLogin }]`).
    #[napi(catch_unwind, ts_return_type = "Promise<NoPassCallbackReply>")]
    pub fn add_users<'env>(&self, env: &'env Env, users: Value) -> napi::Result<PromiseRaw<'env, NoPassCallbackReply>> {
        let sandbox = self.shared.get(env)?;
        promise(env, async move { sandbox.nopass().add_users(users).await }, |_, r| Ok(reply!(r)))
    }

    /// DisableService: the portal was deleted in the NoPass console.
    #[napi(catch_unwind, ts_return_type = "Promise<NoPassCallbackReply>")]
    pub fn disable_service<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, NoPassCallbackReply>> {
        let sandbox = self.shared.get(env)?;
        promise(env, async move { sandbox.nopass().disable_service().await }, |_, r| Ok(reply!(r)))
    }
}

// One `impl` block per vendor, so that each vendor's accessor exists only when its feature
// (and module) is compiled in.
#[napi]
impl Sandbox {
    /// The NoPass server stand-in's control API: it plays the NoPass server against a portal.
    #[napi(getter, catch_unwind)]
    pub fn nopass(&self) -> NoPassSandbox {
        NoPassSandbox::new(self.shared.clone())
    }
}
