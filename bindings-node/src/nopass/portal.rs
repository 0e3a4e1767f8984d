//! The `Portal` class: core's portal, its waits and its calls to the NoPass server, as
//! Promises. Options are read in `options.rs`, results converted in `results.rs`.

use std::net::IpAddr;

use authbridge::nopass::{self, RequestHead, UserPreRegistration};
use napi::bindgen_prelude::{Buffer, Either, JsObjectValue, Object, PromiseRaw, Uint8Array};
use napi::Env;
use napi_derive::napi;

use super::hooks::JsHooks;
use super::options::{portal_config, PortalOptions};
use super::results::{PortalSession, PortalStatus, PreRegisteredUser, RedeemedLogin};
use crate::cancel::{signal_of, CallOptions};
use crate::error::check;
use crate::runtime::{promise, wait_promise};

/// A user to pre-register with the NoPass server.
#[napi(object)]
pub struct PortalUser {
    /// The portal's id of the user (at most 256 characters).
    pub user_id: String,
    pub client_ip: Option<String>,
    pub redirect_url: Option<String>,
    pub social_network: Option<String>,
    pub given_name: Option<String>,
    pub sur_name: Option<String>,
    pub phone_number: Option<String>,
    pub email: Option<String>,
}

/// The portal's answer to one callback.
#[napi(object)]
pub struct PortalResponse {
    pub status: u32,
    /// `null` for an empty body.
    pub content_type: Option<String>,
    /// Extra headers (`Allow` on 405, `WWW-Authenticate` on 401, `Connection: close` on 413).
    pub headers: Vec<Vec<String>>,
    pub body: Buffer,
}

impl From<nopass::PortalResponse> for PortalResponse {
    fn from(response: nopass::PortalResponse) -> Self {
        Self {
            status: u32::from(response.status),
            content_type: response.content_type.map(str::to_string),
            headers: response.headers.into_iter().map(|(name, value)| vec![name, value]).collect(),
            body: Buffer::from(response.body),
        }
    }
}

/// The request as core checks it. An address Node cannot give as an IP (a closed socket)
/// leaves the peer unknown, which core refuses wherever a source is checked.
fn request_head(
    method: String,
    path: String,
    headers: Option<Object>,
    peer_address: Option<String>,
) -> napi::Result<RequestHead> {
    let mut head = RequestHead::new(method, path);
    head.headers = header_pairs(headers)?;
    head.peer = peer_address.as_deref().and_then(|a| a.parse::<IpAddr>().ok());
    Ok(head)
}

/// The NoPass portal: handle the NoPass server's callbacks, start registrations and logins,
/// and wait for sessions.
#[napi]
pub struct Portal {
    pub(crate) inner: nopass::Portal,
}

fn header_pairs(headers: Option<Object>) -> napi::Result<Vec<(String, String)>> {
    let Some(headers) = headers else {
        return Ok(Vec::new());
    };
    let names = headers.get_property_names()?;
    let mut pairs = Vec::new();
    for index in 0..names.get_array_length()? {
        let name: String = names.get_element(index)?;
        match headers.get::<Either<String, Vec<String>>>(&name)? {
            Some(Either::A(value)) => pairs.push((name, value)),
            Some(Either::B(values)) => pairs.extend(values.into_iter().map(|value| (name.clone(), value))),
            None => {}
        }
    }
    Ok(pairs)
}

#[napi]
impl Portal {
    /// A portal with `options` (`access` is required); `hooks` are the host's functions by
    /// callback name (`validateUserRegistration`, `authorizedUser`, …), each may be `async`.
    #[napi(constructor, catch_unwind, ts_args_type = "options: PortalOptions, hooks?: PortalHooks")]
    pub fn new(env: Env, options: Object, hooks: Option<Object>) -> napi::Result<Self> {
        let mut options = PortalOptions::from_js(&env, options)?;
        let store = options.store.take();
        let config = check(&env, portal_config(options))?;
        let store = check(&env, nopass::open_store_blocking(store.as_deref().unwrap_or("memory:")))?;
        let mut builder = nopass::Portal::builder(config).shared_store(store);
        if let Some(hooks) = &hooks {
            builder = builder.hooks(JsHooks::from_js(&env, hooks)?);
        }
        Ok(Self { inner: check(&env, builder.build())? })
    }

    /// The path prefix the callbacks are mounted under (empty by default).
    #[napi(getter)]
    pub fn mount_path(&self) -> String {
        self.inner.config().mount_path.clone()
    }

    /// Handles one callback: method, path, headers (as Node gives them, all of them) and the
    /// whole body. Never rejects for a bad request: every problem is an answer in the seed's
    /// envelope. `peerAddress` must be the connection's peer (`req.socket.remoteAddress`),
    /// never an address taken from a header: core alone decides whether `X-Forwarded-For` is
    /// believed (only from `trustedProxies`). Without it a source check fails.
    #[napi(
        catch_unwind,
        ts_args_type = "method: string, path: string, headers: Record<string, string | string[] | undefined> | null | undefined, body: Buffer | Uint8Array | string, peerAddress?: string | null, options?: CallOptions",
        ts_return_type = "Promise<PortalResponse>"
    )]
    #[allow(clippy::too_many_arguments)]
    pub fn handle<'env>(
        &self,
        env: &'env Env,
        method: String,
        path: String,
        headers: Option<Object>,
        body: Either<Uint8Array, String>,
        peer_address: Option<String>,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, PortalResponse>> {
        let head = request_head(method, path, headers, peer_address)?;
        let body = match body {
            Either::A(bytes) => bytes.to_vec(),
            Either::B(text) => text.into_bytes(),
        };
        let portal = self.inner.clone();
        promise(env, signal_of(&options), async move { Ok(portal.handle_request(head, &body).await) }, |_, response| {
            Ok(response.into())
        })
    }

    /// The answer to send at once, before reading the body, when the callback is refused
    /// whatever its body says: an unknown path, another method, a caller the access policy
    /// refuses, an unsupported content type, an announced body over the limit. `null`: read
    /// the body and call `handle`. The adapters call it first, so a refused caller cannot make
    /// the portal read a body.
    #[napi(
        catch_unwind,
        ts_args_type = "method: string, path: string, headers: Record<string, string | string[] | undefined> | null | undefined, peerAddress?: string | null"
    )]
    pub fn refusal(
        &self,
        method: String,
        path: String,
        headers: Option<Object>,
        peer_address: Option<String>,
    ) -> napi::Result<Option<PortalResponse>> {
        let head = request_head(method, path, headers, peer_address)?;
        Ok(self.inner.begin(head).err().map(Into::into))
    }

    /// Whether `path` lies under the portal's callback base path
    /// (`<mountPath>/api/PortalCommunication/`, any letter case), so a framework adapter can
    /// pass every other request on. Unknown callbacks under it are the portal's to answer.
    #[napi(catch_unwind)]
    pub fn is_callback_path(&self, path: String) -> bool {
        let path = path.split('?').next().unwrap_or_default().to_ascii_lowercase();
        let mount = self.inner.config().mount_path.trim_end_matches('/').to_ascii_lowercase();
        let base = format!("{mount}{}", nopass::CALLBACK_BASE_PATH.to_ascii_lowercase());
        path.starts_with(&base) || path == base.trim_end_matches('/')
    }

    /// The largest callback body the portal accepts, in bytes.
    #[napi(getter)]
    pub fn max_body_bytes(&self) -> f64 {
        self.inner.config().max_body_bytes as f64
    }

    /// The portal's registration and phase.
    #[napi(catch_unwind, ts_return_type = "Promise<PortalStatus>")]
    pub fn status<'env>(
        &self,
        env: &'env Env,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, PortalStatus>> {
        let portal = self.inner.clone();
        promise(env, signal_of(&options), async move { portal.status().await }, |_, record| Ok(record.into()))
    }

    /// The session with this browser handle as of now, or `null`.
    #[napi(catch_unwind, ts_return_type = "Promise<PortalSession | null>")]
    pub fn session<'env>(
        &self,
        env: &'env Env,
        handle: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, Option<PortalSession>>> {
        let portal = self.inner.clone();
        promise(env, signal_of(&options), async move { portal.session(&handle).await }, |_, session| {
            Ok(session.map(Into::into))
        })
    }

    /// Waits until the session changes past `seenVersion` (default 0: resolves at once with
    /// the current session), or expires: a login page's long-poll. Options: `seenVersion`,
    /// `timeoutMs`, `intervalMs` (how often the store is re-read for other processes' changes)
    /// and `signal` (an `AbortSignal`).
    #[napi(
        catch_unwind,
        ts_args_type = "handle: string, options?: { seenVersion?: number; timeoutMs?: number; intervalMs?: number; signal?: AbortSignal }",
        ts_return_type = "Promise<PortalSession>"
    )]
    pub fn wait_session<'env>(
        &self,
        env: &'env Env,
        handle: String,
        options: Option<Object>,
    ) -> napi::Result<PromiseRaw<'env, PortalSession>> {
        let seen = match &options {
            Some(options) => options.get::<f64>("seenVersion")?.unwrap_or(0.0),
            None => 0.0,
        };
        if !(seen.is_finite() && seen >= 0.0) {
            return check(env, Err(authbridge::Error::invalid("seenVersion", "must be a session version, 0 or more")));
        }
        let portal = self.inner.clone();
        wait_promise(
            env,
            options.as_ref(),
            move |wait| async move { portal.wait_session(&handle, seen as u64, &wait).await },
            |_, session| Ok(session.into()),
        )
    }

    /// Completes an authorised login: resolves with its user exactly once, and the session
    /// becomes `redeemed`. Call it when the browser comes back with its handle and sign the
    /// user in only when it resolves. Rejects with `not_found` (unknown handle), `conflict`
    /// (still pending, or redeemed already) or `authentication_failed` (denied, closed or
    /// expired).
    #[napi(catch_unwind, ts_return_type = "Promise<RedeemedLogin>")]
    pub fn redeem_login<'env>(
        &self,
        env: &'env Env,
        handle: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, RedeemedLogin>> {
        let portal = self.inner.clone();
        promise(
            env,
            signal_of(&options),
            async move { portal.redeem_login(&handle).await },
            |_, login| Ok(login.into()),
        )
    }

    /// PreRegisterUser: starts a user's registration with the NoPass server; resolves with
    /// the link to send the person to and the handle of the session it authorises.
    #[napi(catch_unwind, ts_return_type = "Promise<PreRegisteredUser>")]
    pub fn pre_register_user<'env>(
        &self,
        env: &'env Env,
        user: PortalUser,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, PreRegisteredUser>> {
        let mut request = UserPreRegistration::new(user.user_id);
        request.client_ip = user.client_ip;
        request.redirect_url = user.redirect_url;
        request.social_network = user.social_network;
        request.given_name = user.given_name;
        request.sur_name = user.sur_name;
        request.phone_number = user.phone_number;
        request.email = user.email;
        let portal = self.inner.clone();
        promise(env, signal_of(&options), async move { portal.pre_register_user(request).await }, |_, started| {
            Ok(started.into())
        })
    }

    /// RequestAuthorization: starts a login for `userId`; resolves with its session: the
    /// `handle` to give the browser and the first picture.
    #[napi(catch_unwind, ts_return_type = "Promise<PortalSession>")]
    pub fn request_authorization<'env>(
        &self,
        env: &'env Env,
        user_id: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, PortalSession>> {
        let portal = self.inner.clone();
        promise(env, signal_of(&options), async move { portal.request_authorization(&user_id).await }, |_, session| {
            Ok(session.into())
        })
    }

    /// Forgets the registration, pending registrations and sessions, so the portal can be
    /// pre-registered again. Only the host can do this.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn reset<'env>(&self, env: &'env Env, options: Option<CallOptions>) -> napi::Result<PromiseRaw<'env, ()>> {
        let portal = self.inner.clone();
        promise(env, signal_of(&options), async move { portal.reset().await }, |_, ()| Ok(()))
    }
}
