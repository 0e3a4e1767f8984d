//! The `Portal` class.

use std::net::IpAddr;
use std::time::Duration;

use authbridge::nopass::{
    self, AccessPolicy, IpRange, LoginSession, MemoryStore, NoPassServerConfig, PortalConfig, PortalRecord,
    RequestHead, ResponseMode, SharedSecret, UserPreRegistration,
};
use authbridge::Secret;
use napi::bindgen_prelude::{Buffer, Either, JsObjectValue, Object, PromiseRaw, Uint8Array};
use napi::Env;
use napi_derive::napi;

use super::hooks::JsHooks;
use crate::error::check;
use crate::runtime::{promise, wait_promise};
use crate::transport::{self, TransportOptions};

/// Where the NoPass server is, for the portal's own calls.
#[napi(object)]
pub struct NoPassServerOptions {
    /// e.g. `https://console.nopass.us`.
    pub base_url: String,
    pub transport: Option<TransportOptions>,
}

/// A secret every callback must carry, when a gateway or the NoPass server can add one.
#[napi(discriminant = "type", discriminant_case = "camelCase")]
pub enum PortalSharedSecret {
    /// `Authorization: Bearer <secret>`.
    Bearer { secret: String },
    /// Any header carrying exactly this value.
    Header { name: String, value: String },
}

/// Optional checks on who may call (off by default: the seed defines no authentication).
#[napi(object)]
pub struct PortalAccess {
    pub shared_secret: Option<PortalSharedSecret>,
    /// Addresses or CIDR ranges allowed to call; empty allows everyone.
    pub allowed_sources: Option<Vec<String>>,
}

/// Where the portal keeps its state.
#[napi(discriminant = "type", discriminant_case = "camelCase")]
pub enum PortalStoreOptions {
    /// In memory only (the default): gone when the process ends.
    Memory,
    /// The durable default: a SQLite file, written before each 200 goes out.
    Sqlite { path: String },
}

/// How the portal is set up.
#[napi(object)]
pub struct PortalOptions {
    /// The AdminId entered in the NoPass console (1–64 characters, case sensitive).
    pub admin_id: String,
    /// The sCode the portal answers with (1–64 characters).
    pub s_code: String,
    /// Needed for `preRegisterUser` and `requestAuthorization`.
    pub server: Option<NoPassServerOptions>,
    /// A path prefix the callbacks are mounted under (`/nopass` serves
    /// `/nopass/api/PortalCommunication/…`).
    pub mount_path: Option<String>,
    /// `envelope` (the seed's `{"errors":[],"result":…}`, default) or `bare`.
    pub response_mode: Option<String>,
    /// Largest callback body accepted (default 1 MiB).
    pub max_body_bytes: Option<u32>,
    /// How long a user registration's `otp` stays valid, in ms (default 120 000).
    pub registration_ttl_ms: Option<u32>,
    /// How long a login may stay pending, in ms (default 360 000).
    pub login_ttl_ms: Option<u32>,
    /// How long a session is kept after its last change, in ms (default one day).
    pub session_retention_ms: Option<u32>,
    pub access: Option<PortalAccess>,
    pub store: Option<PortalStoreOptions>,
}

fn ms(value: u32) -> Duration {
    Duration::from_millis(u64::from(value))
}

fn portal_config(options: PortalOptions) -> authbridge::Result<PortalConfig> {
    let mut config = PortalConfig::new(options.admin_id.as_str(), options.s_code.as_str())?;
    if let Some(server) = options.server {
        let transport = transport::config(server.transport);
        config = config.server(NoPassServerConfig::new(&server.base_url)?.transport(transport));
    }
    if let Some(mount) = &options.mount_path {
        config = config.mount_path(mount.clone());
    }
    match options.response_mode.as_deref() {
        None | Some("envelope") => {}
        Some("bare") => config = config.response_mode(ResponseMode::Bare),
        Some(_) => return Err(authbridge::Error::invalid("responseMode", "must be 'envelope' or 'bare'")),
    }
    if let Some(limit) = options.max_body_bytes {
        config = config.max_body_bytes(limit as usize);
    }
    if let Some(ttl) = options.registration_ttl_ms {
        config = config.registration_ttl(ms(ttl));
    }
    if let Some(ttl) = options.login_ttl_ms {
        config = config.login_ttl(ms(ttl));
    }
    if let Some(retention) = options.session_retention_ms {
        config = config.session_retention(ms(retention));
    }
    if let Some(access) = &options.access {
        let shared_secret = access.shared_secret.as_ref().map(|secret| match secret {
            PortalSharedSecret::Bearer { secret } => SharedSecret::Bearer(Secret::new(secret.as_str())),
            PortalSharedSecret::Header { name, value } => {
                SharedSecret::Header { name: name.clone(), value: Secret::new(value.as_str()) }
            }
        });
        let mut policy = AccessPolicy { shared_secret, ..AccessPolicy::default() };
        for range in access.allowed_sources.iter().flatten() {
            policy.allowed_sources.push(IpRange::parse(range)?);
        }
        config = config.access(policy);
    }
    config.validate()?;
    Ok(config)
}

/// The portal's registration with the NoPass server.
#[napi(object)]
pub struct PortalStatus {
    /// `unregistered`, `pre_registered`, `registered` or `disabled`.
    pub phase: String,
    pub portal_id: Option<String>,
    /// Whether the NoPass server gave an `authToken` (the token itself stays inside).
    pub has_auth_token: bool,
    /// The settings the NoPass server sent (a string, as in the seed).
    pub settings: Option<String>,
    pub version: f64,
    pub changed_at_ms: f64,
}

impl From<PortalRecord> for PortalStatus {
    fn from(record: PortalRecord) -> Self {
        Self {
            phase: record.phase.as_str().to_string(),
            portal_id: record.portal_id,
            has_auth_token: record.auth_token.is_some(),
            settings: record.settings,
            version: record.version as f64,
            changed_at_ms: record.changed_at_ms as f64,
        }
    }
}

/// A login (or registration) session the NoPass server reports on.
#[napi(object)]
pub struct PortalSession {
    pub auth_id: String,
    pub user_id: Option<String>,
    /// `login` (RequestAuthorization) or `registration` (ConfirmUserRegistration).
    pub origin: String,
    /// `pending`, `authorized`, `denied`, `closed` or `expired`.
    pub state: String,
    /// Why the login was denied.
    pub reason: Option<String>,
    /// The current picture/code, base64 PNG.
    pub image: Option<String>,
    /// The picture as a `data:` URL for an `<img src>`.
    pub image_data_url: Option<String>,
    /// How long the current picture is valid, in ms (`nextChange`).
    pub next_change_ms: Option<f64>,
    pub picture_expires_at_ms: Option<f64>,
    pub pictures: u32,
    pub created_at_ms: f64,
    pub expires_at_ms: f64,
    pub updated_at_ms: f64,
    /// Increases with every change: pass it as `seenVersion` to wait for the next one.
    pub version: f64,
    /// Whether nothing more can happen to the session.
    pub finished: bool,
}

impl From<LoginSession> for PortalSession {
    fn from(session: LoginSession) -> Self {
        Self {
            image_data_url: session.image_data_url(),
            finished: session.is_finished(),
            auth_id: session.auth_id,
            user_id: session.user_id,
            origin: session.origin.as_str().to_string(),
            state: session.state.as_str().to_string(),
            reason: session.reason,
            image: session.image,
            next_change_ms: session.next_change_ms.map(|v| v as f64),
            picture_expires_at_ms: session.picture_expires_at_ms.map(|v| v as f64),
            pictures: session.pictures,
            created_at_ms: session.created_at_ms as f64,
            expires_at_ms: session.expires_at_ms as f64,
            updated_at_ms: session.updated_at_ms as f64,
            version: session.version as f64,
        }
    }
}

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

/// A pre-registration: send the person to `registerLink`.
#[napi(object)]
pub struct PreRegisteredUser {
    pub user_id: String,
    /// The code ConfirmUserRegistration must later carry (the portal keeps only its digest).
    pub otp: String,
    pub register_link: String,
    pub expires_at_ms: f64,
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
    /// A portal with `options`; `hooks` are the host's functions by callback name
    /// (`validateUserRegistration`, `authorizedUser`, …), each may be `async`.
    #[napi(constructor, catch_unwind, ts_args_type = "options: PortalOptions, hooks?: PortalHooks")]
    pub fn new(env: Env, mut options: PortalOptions, hooks: Option<Object>) -> napi::Result<Self> {
        let store = options.store.take();
        let config = check(&env, portal_config(options))?;
        let mut builder = nopass::Portal::builder(config);
        builder = match &store {
            None | Some(PortalStoreOptions::Memory) => builder.store(MemoryStore::new()),
            #[cfg(feature = "sqlite")]
            Some(PortalStoreOptions::Sqlite { path }) => builder.store(check(&env, nopass::SqliteStore::open(path))?),
            #[cfg(not(feature = "sqlite"))]
            Some(PortalStoreOptions::Sqlite { .. }) => {
                return check(&env, Err(authbridge::Error::Config("this build has no SQLite store".into())));
            }
        };
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

    /// Handles one callback: method, path, headers (as Node gives them) and the whole body.
    /// Never rejects for a bad request: every problem is an answer in the seed's envelope.
    /// `remoteAddress` feeds the optional allow-list.
    #[napi(
        catch_unwind,
        ts_args_type = "method: string, path: string, headers: Record<string, string | string[] | undefined> | null | undefined, body: Buffer | Uint8Array | string, remoteAddress?: string | null",
        ts_return_type = "Promise<PortalResponse>"
    )]
    pub fn handle<'env>(
        &self,
        env: &'env Env,
        method: String,
        path: String,
        headers: Option<Object>,
        body: Either<Uint8Array, String>,
        remote_address: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, PortalResponse>> {
        let mut head = RequestHead::new(method, path);
        head.headers = header_pairs(headers)?;
        if let Some(address) = remote_address.as_deref().and_then(|a| a.parse::<IpAddr>().ok()) {
            head = head.peer(address);
        }
        let body = match body {
            Either::A(bytes) => bytes.to_vec(),
            Either::B(text) => text.into_bytes(),
        };
        let portal = self.inner.clone();
        promise(env, async move { Ok(portal.handle_request(head, &body).await) }, |_, response| {
            Ok(PortalResponse {
                status: u32::from(response.status),
                content_type: response.content_type.map(str::to_string),
                headers: response.headers.into_iter().map(|(name, value)| vec![name, value]).collect(),
                body: Buffer::from(response.body),
            })
        })
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
    pub fn status<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, PortalStatus>> {
        let portal = self.inner.clone();
        promise(env, async move { portal.status().await }, |_, record| Ok(record.into()))
    }

    /// The session with this `authId` as of now, or `null`.
    #[napi(catch_unwind, ts_return_type = "Promise<PortalSession | null>")]
    pub fn session<'env>(
        &self,
        env: &'env Env,
        auth_id: String,
    ) -> napi::Result<PromiseRaw<'env, Option<PortalSession>>> {
        let portal = self.inner.clone();
        promise(env, async move { portal.session(&auth_id).await }, |_, session| Ok(session.map(Into::into)))
    }

    /// Waits until the session changes past `seenVersion` (default 0: resolves at once with
    /// the current session), or expires: a login page's long-poll. Options: `seenVersion`,
    /// `timeoutMs`, `intervalMs` (how often the store is re-read for other processes' changes)
    /// and `signal` (an `AbortSignal`).
    #[napi(
        catch_unwind,
        ts_args_type = "authId: string, options?: { seenVersion?: number; timeoutMs?: number; intervalMs?: number; signal?: AbortSignal }",
        ts_return_type = "Promise<PortalSession>"
    )]
    pub fn wait_session<'env>(
        &self,
        env: &'env Env,
        auth_id: String,
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
            move |wait| async move { portal.wait_session(&auth_id, seen as u64, &wait).await },
            |_, session| Ok(session.into()),
        )
    }

    /// PreRegisterUser: starts a user's registration with the NoPass server.
    #[napi(catch_unwind, ts_return_type = "Promise<PreRegisteredUser>")]
    pub fn pre_register_user<'env>(
        &self,
        env: &'env Env,
        user: PortalUser,
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
        promise(env, async move { portal.pre_register_user(request).await }, |_, started| {
            Ok(PreRegisteredUser {
                user_id: started.user_id,
                otp: started.otp.expose().to_string(),
                register_link: started.register_link,
                expires_at_ms: started.expires_at_ms as f64,
            })
        })
    }

    /// RequestAuthorization: starts a login for `userId`; resolves with its session (by
    /// `authId`, with the first picture).
    #[napi(catch_unwind, ts_return_type = "Promise<PortalSession>")]
    pub fn request_authorization<'env>(
        &self,
        env: &'env Env,
        user_id: String,
    ) -> napi::Result<PromiseRaw<'env, PortalSession>> {
        let portal = self.inner.clone();
        promise(env, async move { portal.request_authorization(&user_id).await }, |_, session| Ok(session.into()))
    }

    /// Forgets the registration, pending registrations and sessions, so the portal can be
    /// pre-registered again. Only the host can do this.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn reset<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        let portal = self.inner.clone();
        promise(env, async move { portal.reset().await }, |_, ()| Ok(()))
    }
}
