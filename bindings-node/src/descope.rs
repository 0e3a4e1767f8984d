//! Descope nOTP and TOTP (seed `descope-notp-totp-api.txt`), and session validation.
//!
//! Errors keep Descope's `errorCode` in `.vendorCode`; a refused session JWT rejects with
//! `.vendorCode` naming why (`expired`, `bad_signature`, …). Codes, keys, refresh JWTs and
//! pending references are secrets in core; here they are the caller's strings to guard.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use authbridge::descope::{
    self, DescopeConfig, LoginOptions as CoreLoginOptions, NotpOptions as CoreNotpOptions, PendingSession,
    SessionClaims as CoreClaims, SessionValidation, UserDetails as CoreUser,
};
use authbridge::Secret;
use napi::bindgen_prelude::{Object, PromiseRaw};
use napi::Env;
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::cancel::{signal_of, CallOptions};
use crate::error::check;
use crate::runtime::{promise, wait_promise};
use crate::transport::{self, TransportOptions};

/// Where the Descope project is.
#[napi(object)]
pub struct DescopeOptions {
    pub project_id: String,
    /// Another API host (a custom domain, a proxy, the sandbox); default derived from the
    /// project ID as Descope's SDKs do.
    pub base_url: Option<String>,
    /// Appended to every bearer, for projects that require one on authentication calls.
    pub management_key: Option<String>,
    /// Clock skew tolerated on `exp`/`iat` when validating sessions, in ms (default 5 000).
    pub leeway_ms: Option<u32>,
    /// When set, a session JWT's `aud` must contain it.
    pub audience: Option<String>,
    /// The key set is fetched again for an unknown `kid` at most this often, in ms (default 30 000).
    pub min_key_refresh_ms: Option<u32>,
    pub transport: Option<TransportOptions>,
}

/// Details of a user being signed up. Unset fields are not sent.
#[napi(object)]
pub struct DescopeUserDetails {
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub middle_name: Option<String>,
    pub family_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl From<DescopeUserDetails> for CoreUser {
    fn from(user: DescopeUserDetails) -> Self {
        CoreUser {
            name: user.name,
            given_name: user.given_name,
            middle_name: user.middle_name,
            family_name: user.family_name,
            email: user.email,
            phone: user.phone,
        }
    }
}

/// `loginOptions`: step-up, MFA, custom claims, template options.
#[napi(object)]
pub struct DescopeLoginOptions {
    pub stepup: Option<bool>,
    pub mfa: Option<bool>,
    pub custom_claims: Option<Map<String, Value>>,
    pub template_options: Option<BTreeMap<String, String>>,
    pub revoke_other_sessions: Option<bool>,
}

impl From<DescopeLoginOptions> for CoreLoginOptions {
    fn from(options: DescopeLoginOptions) -> Self {
        CoreLoginOptions {
            stepup: options.stepup.unwrap_or(false),
            mfa: options.mfa.unwrap_or(false),
            custom_claims: options.custom_claims.unwrap_or_default(),
            template_options: options.template_options.unwrap_or_default(),
            revoke_other_sessions: options.revoke_other_sessions.unwrap_or(false),
        }
    }
}

/// Options of a nOTP start call.
#[napi(object, object_to_js = false)]
pub struct DescopeNotpOptions<'env> {
    /// The path's provider segment, `whatsapp` by default.
    pub provider: Option<String>,
    /// `providerId` (a project's own messaging provider).
    pub provider_id: Option<String>,
    pub login_options: Option<DescopeLoginOptions>,
    /// The signed-in user's refresh JWT, for a sign-in with `stepup` or `mfa`.
    pub refresh_jwt: Option<String>,
    /// Cancels the call: its Promise rejects with code `cancelled`, as every call's does.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Object<'env>>,
}

/// Core's options, and the caller's signal.
fn notp_options(options: Option<DescopeNotpOptions>) -> (CoreNotpOptions, Option<Object>) {
    let mut core = CoreNotpOptions::default();
    let signal = options.as_ref().and_then(|options| options.signal);
    if let Some(options) = options {
        if let Some(provider) = options.provider {
            core.provider = provider;
        }
        core.provider_id = options.provider_id;
        core.login_options = options.login_options.map(Into::into).unwrap_or_default();
        core.refresh_jwt = options.refresh_jwt.map(Secret::new);
    }
    (core, signal)
}

/// What a nOTP start returns: show `image` (a QR code) or send the person to `redirectUrl`,
/// then wait with `pendingRef`.
#[napi(object)]
pub struct DescopeNotpStart {
    /// Whoever holds it can collect the session: keep it server-side.
    pub pending_ref: String,
    pub redirect_url: String,
    /// The QR code as base64 PNG.
    pub image: String,
}

/// A signed-in user's tokens and profile.
#[napi(object)]
pub struct DescopeSession {
    pub session_jwt: String,
    pub refresh_jwt: Option<String>,
    pub cookie_max_age: Option<i64>,
    pub cookie_expiration: Option<i64>,
    pub cookie_domain: Option<String>,
    pub cookie_path: Option<String>,
    /// True when this login created the user.
    pub first_seen: bool,
    /// The user object as Descope sent it (`userId`, `loginIds`, `email`, …).
    pub user: Value,
}

fn session(session: descope::Session) -> DescopeSession {
    let user = session.user;
    let mut object = user.extra.clone();
    let mut put = |key: &str, value: Value| {
        object.insert(key.to_string(), value);
    };
    put("userId", Value::String(user.user_id));
    put("loginIds", Value::from(user.login_ids));
    for (key, value) in [
        ("name", user.name),
        ("givenName", user.given_name),
        ("middleName", user.middle_name),
        ("familyName", user.family_name),
        ("email", user.email),
        ("phone", user.phone),
        ("status", user.status),
        ("picture", user.picture),
    ] {
        if let Some(value) = value {
            put(key, Value::String(value));
        }
    }
    put("verifiedEmail", Value::Bool(user.verified_email));
    put("verifiedPhone", Value::Bool(user.verified_phone));
    put("roleNames", Value::from(user.role_names));
    if let Some(created) = user.created_time {
        put("createdTime", Value::from(created));
    }
    if let Some(totp) = user.totp {
        put("TOTP", Value::Bool(totp));
    }
    DescopeSession {
        session_jwt: session.session_jwt.expose().to_string(),
        refresh_jwt: session.refresh_jwt.map(|jwt| jwt.expose().to_string()),
        cookie_max_age: session.cookie_max_age,
        cookie_expiration: session.cookie_expiration,
        cookie_domain: session.cookie_domain,
        cookie_path: session.cookie_path,
        first_seen: session.first_seen,
        user: Value::Object(object),
    }
}

/// One look at a pending nOTP login: `pending` until the person has acted.
#[napi(object)]
pub struct DescopePendingSession {
    pub pending: bool,
    pub session: Option<DescopeSession>,
}

/// A new TOTP key in the three forms the seed lists (all carry the key).
#[napi(object)]
pub struct DescopeTotpEnrollment {
    /// The `otpauth://` URI (show it as a QR code).
    pub provisioning_url: String,
    /// That QR code as base64 PNG.
    pub image: String,
    /// The base32 key.
    pub key: String,
}

/// Roles and permissions in one tenant.
#[napi(object)]
pub struct DescopeTenantClaims {
    pub roles: Vec<String>,
    pub permissions: Vec<String>,
    pub extra: Map<String, Value>,
}

/// The claims of a valid session JWT.
#[napi(object)]
pub struct DescopeSessionClaims {
    /// `sub`: the Descope user ID.
    pub subject: String,
    pub issuer: String,
    pub issued_at: Option<f64>,
    pub expires_at: f64,
    pub roles: Vec<String>,
    pub permissions: Vec<String>,
    pub tenants: BTreeMap<String, DescopeTenantClaims>,
    /// Every claim, custom ones included.
    pub all: Map<String, Value>,
}

impl From<CoreClaims> for DescopeSessionClaims {
    fn from(claims: CoreClaims) -> Self {
        Self {
            subject: claims.subject,
            issuer: claims.issuer,
            issued_at: claims.issued_at.map(|t| t as f64),
            expires_at: claims.expires_at as f64,
            roles: claims.roles,
            permissions: claims.permissions,
            tenants: claims
                .tenants
                .into_iter()
                .map(|(id, t)| (id, DescopeTenantClaims { roles: t.roles, permissions: t.permissions, extra: t.extra }))
                .collect(),
            all: claims.all,
        }
    }
}

fn enrollment(enrollment: descope::TotpEnrollment) -> DescopeTotpEnrollment {
    DescopeTotpEnrollment {
        provisioning_url: enrollment.provisioning_url.expose().to_string(),
        image: enrollment.image.expose().to_string(),
        key: enrollment.key.expose().to_string(),
    }
}

fn config(options: DescopeOptions) -> authbridge::Result<DescopeConfig> {
    let mut config = DescopeConfig::new(&options.project_id)?;
    if let Some(url) = &options.base_url {
        config = config.base_url(url)?;
    }
    if let Some(key) = options.management_key {
        config = config.management_key(Secret::new(key))?;
    }
    let mut validation = SessionValidation::default();
    if let Some(leeway) = options.leeway_ms {
        validation.leeway = Duration::from_millis(u64::from(leeway));
    }
    if let Some(refresh) = options.min_key_refresh_ms {
        validation.min_key_refresh = Duration::from_millis(u64::from(refresh));
    }
    validation.audience = options.audience;
    Ok(config.session_validation(validation).transport(transport::config(options.transport)))
}

/// A Descope authentication client for one project. Create it once and share it (it pools
/// connections and caches the project's keys).
#[napi]
pub struct DescopeClient {
    inner: Arc<descope::DescopeClient>,
}

#[napi]
impl DescopeClient {
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, options: DescopeOptions) -> napi::Result<Self> {
        let client = check(&env, config(options).and_then(descope::DescopeClient::new))?;
        Ok(Self { inner: Arc::new(client) })
    }

    /// nOTP sign-up: starts signing up a new user (`loginId` may be empty: the WhatsApp
    /// number then becomes the login ID).
    #[napi(catch_unwind, ts_return_type = "Promise<DescopeNotpStart>")]
    pub fn notp_sign_up<'env>(
        &self,
        env: &'env Env,
        login_id: String,
        user: Option<DescopeUserDetails>,
        options: Option<DescopeNotpOptions>,
    ) -> napi::Result<PromiseRaw<'env, DescopeNotpStart>> {
        let client = self.inner.clone();
        let user: Option<CoreUser> = user.map(Into::into);
        let (options, signal) = notp_options(options);
        promise(
            env,
            signal.as_ref(),
            async move { client.notp_sign_up(&login_id, user.as_ref(), &options).await },
            |_, s| Ok(start(s)),
        )
    }

    /// nOTP sign-in: starts signing in an existing user.
    #[napi(catch_unwind, ts_return_type = "Promise<DescopeNotpStart>")]
    pub fn notp_sign_in<'env>(
        &self,
        env: &'env Env,
        login_id: String,
        options: Option<DescopeNotpOptions>,
    ) -> napi::Result<PromiseRaw<'env, DescopeNotpStart>> {
        let client = self.inner.clone();
        let (options, signal) = notp_options(options);
        promise(env, signal.as_ref(), async move { client.notp_sign_in(&login_id, &options).await }, |_, s| {
            Ok(start(s))
        })
    }

    /// nOTP sign-up-or-in: signs in, signing the user up first when the login ID is new.
    #[napi(catch_unwind, ts_return_type = "Promise<DescopeNotpStart>")]
    pub fn notp_sign_up_or_in<'env>(
        &self,
        env: &'env Env,
        login_id: String,
        options: Option<DescopeNotpOptions>,
    ) -> napi::Result<PromiseRaw<'env, DescopeNotpStart>> {
        let client = self.inner.clone();
        let (options, signal) = notp_options(options);
        promise(env, signal.as_ref(), async move { client.notp_sign_up_or_in(&login_id, &options).await }, |_, s| {
            Ok(start(s))
        })
    }

    /// Looks once at a pending nOTP login.
    #[napi(catch_unwind, ts_return_type = "Promise<DescopePendingSession>")]
    pub fn notp_pending_session<'env>(
        &self,
        env: &'env Env,
        pending_ref: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, DescopePendingSession>> {
        let client = self.inner.clone();
        let pending_ref = Secret::new(pending_ref);
        promise(
            env,
            signal_of(&options),
            async move { client.notp_pending_session(&pending_ref).await },
            |_, pending| {
                Ok(match pending {
                    PendingSession::Pending => DescopePendingSession { pending: true, session: None },
                    PendingSession::Ready(s) => DescopePendingSession { pending: false, session: Some(session(*s)) },
                })
            },
        )
    }

    /// Waits until the person has acted on a nOTP login. Options: `timeoutMs` (default
    /// 120 000; Descope's SDKs cap a wait at 10 minutes), `intervalMs` (at least 1 000) and
    /// `signal` (an `AbortSignal`). A refused or expired login rejects with
    /// `authentication_failed`.
    #[napi(
        catch_unwind,
        ts_args_type = "pendingRef: string, options?: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal }",
        ts_return_type = "Promise<DescopeSession>"
    )]
    pub fn wait_for_session<'env>(
        &self,
        env: &'env Env,
        pending_ref: String,
        options: Option<Object>,
    ) -> napi::Result<PromiseRaw<'env, DescopeSession>> {
        let client = self.inner.clone();
        let pending_ref = Secret::new(pending_ref);
        wait_promise(
            env,
            options.as_ref(),
            move |wait| async move { client.wait_for_session(&pending_ref, &wait).await },
            |_, s| Ok(session(s)),
        )
    }

    /// TOTP sign-up: the user is registered once a first code is verified.
    #[napi(catch_unwind, ts_return_type = "Promise<DescopeTotpEnrollment>")]
    pub fn totp_sign_up<'env>(
        &self,
        env: &'env Env,
        login_id: String,
        user: Option<DescopeUserDetails>,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, DescopeTotpEnrollment>> {
        let client = self.inner.clone();
        let user: Option<CoreUser> = user.map(Into::into);
        promise(env, signal_of(&options), async move { client.totp_sign_up(&login_id, user.as_ref()).await }, |_, e| {
            Ok(enrollment(e))
        })
    }

    /// TOTP sign-in / verify: a wrong code rejects with `authentication_failed`. With
    /// `refreshJwt`, the code is a step-up or second factor of that session.
    #[napi(catch_unwind, ts_return_type = "Promise<DescopeSession>")]
    pub fn totp_verify<'env>(
        &self,
        env: &'env Env,
        login_id: String,
        code: String,
        login_options: Option<DescopeLoginOptions>,
        refresh_jwt: Option<String>,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, DescopeSession>> {
        let client = self.inner.clone();
        let code = Secret::new(code);
        let login: Option<CoreLoginOptions> = login_options.map(Into::into);
        let refresh_jwt = refresh_jwt.map(Secret::new);
        promise(
            env,
            signal_of(&options),
            async move {
                match &refresh_jwt {
                    Some(jwt) => {
                        let login = login.unwrap_or_default();
                        client.totp_verify_for_session(&login_id, &code, &login, jwt).await
                    }
                    None => client.totp_verify(&login_id, &code, login.as_ref()).await,
                }
            },
            |_, s| Ok(session(s)),
        )
    }

    /// Add / Update Key: a new TOTP key for the signed-in user `refreshJwt` belongs to.
    #[napi(catch_unwind, ts_return_type = "Promise<DescopeTotpEnrollment>")]
    pub fn totp_update<'env>(
        &self,
        env: &'env Env,
        login_id: String,
        refresh_jwt: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, DescopeTotpEnrollment>> {
        let client = self.inner.clone();
        let refresh_jwt = Secret::new(refresh_jwt);
        promise(env, signal_of(&options), async move { client.totp_update(&login_id, &refresh_jwt).await }, |_, e| {
            Ok(enrollment(e))
        })
    }

    /// Validates a session JWT against the project's public keys and resolves with its
    /// claims; a refused token rejects with `.vendorCode` saying why.
    #[napi(catch_unwind, ts_return_type = "Promise<DescopeSessionClaims>")]
    pub fn validate_session<'env>(
        &self,
        env: &'env Env,
        session_jwt: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, DescopeSessionClaims>> {
        let client = self.inner.clone();
        let jwt = Secret::new(session_jwt);
        promise(env, signal_of(&options), async move { client.validate_session(&jwt).await }, |_, claims| {
            Ok(claims.into())
        })
    }
}

fn start(start: descope::NotpStart) -> DescopeNotpStart {
    DescopeNotpStart {
        pending_ref: start.pending_ref.expose().to_string(),
        redirect_url: start.redirect_url,
        image: start.image,
    }
}
