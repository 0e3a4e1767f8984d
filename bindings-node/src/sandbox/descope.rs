//! Control API of the Descope stand-in: users, TOTP keys, the person acting on a nOTP login,
//! failures, and the signing keys of its session JWTs.

use std::sync::Arc;
use std::time::Duration;

use authbridge::sandbox::DescopeSim;
use napi::Env;
use napi_derive::napi;
use serde_json::Value;

use super::{Sandbox, Shared};

/// The Descope stand-in's control API (`sandbox.descope`).
#[napi]
pub struct DescopeSandbox {
    shared: Arc<Shared>,
}

impl DescopeSandbox {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

fn strs(values: &[String]) -> Vec<&str> {
    values.iter().map(String::as_str).collect()
}

fn ms(value: u32) -> Duration {
    Duration::from_millis(u64::from(value))
}

#[napi]
impl DescopeSandbox {
    /// The project every stand-in knows from the start.
    #[napi(getter)]
    pub fn project_id(&self) -> &'static str {
        DescopeSim::PROJECT_ID
    }

    /// The phone an approval comes from when nothing names one.
    #[napi(getter)]
    pub fn default_phone(&self) -> &'static str {
        DescopeSim::DEFAULT_PHONE
    }

    /// Accepts requests for another project ID.
    #[napi(catch_unwind)]
    pub fn add_project(&self, env: Env, project_id: String) -> napi::Result<()> {
        self.shared.with(&env, |s| s.descope().add_project(&project_id))
    }

    /// The `iss` of tokens issued for `projectId`.
    #[napi(catch_unwind)]
    pub fn issuer(&self, env: Env, project_id: String) -> napi::Result<String> {
        self.shared.with(&env, |s| s.descope().issuer(&project_id))
    }

    /// Registers a user (verified phone = `loginId`); returns its user ID.
    #[napi(catch_unwind)]
    pub fn add_user(&self, env: Env, login_id: String) -> napi::Result<String> {
        self.shared.with(&env, |s| s.descope().add_user(&login_id))
    }

    /// Registers a user with an active TOTP key; returns the key in base32.
    #[napi(catch_unwind)]
    pub fn add_totp_user(&self, env: Env, login_id: String) -> napi::Result<String> {
        self.shared.with(&env, |s| s.descope().add_totp_user(&login_id))
    }

    /// Project-level roles and permissions put in the user's session JWTs.
    #[napi(catch_unwind)]
    pub fn set_roles(
        &self,
        env: Env,
        login_id: String,
        roles: Vec<String>,
        permissions: Vec<String>,
    ) -> napi::Result<()> {
        self.shared.with(&env, |s| s.descope().set_roles(&login_id, &strs(&roles), &strs(&permissions)))
    }

    /// The user's roles and permissions in one tenant.
    #[napi(catch_unwind)]
    pub fn set_tenant(
        &self,
        env: Env,
        login_id: String,
        tenant_id: String,
        roles: Vec<String>,
        permissions: Vec<String>,
    ) -> napi::Result<()> {
        self.shared.with(&env, |s| s.descope().set_tenant(&login_id, &tenant_id, &strs(&roles), &strs(&permissions)))
    }

    /// The user object Descope would answer for `loginId`, or `null`.
    #[napi(catch_unwind)]
    pub fn user(&self, env: Env, login_id: String) -> napi::Result<Option<Value>> {
        self.shared.with(&env, |s| s.descope().user(&login_id))
    }

    /// Pending references of nOTP logins still waiting for the person, oldest first.
    #[napi(catch_unwind)]
    pub fn waiting_logins(&self, env: Env) -> napi::Result<Vec<String>> {
        self.shared.with(&env, |s| s.descope().waiting_logins())
    }

    /// The person sends the message. False when the reference is unknown or done.
    #[napi(catch_unwind)]
    pub fn approve(&self, env: Env, pending_ref: String) -> napi::Result<bool> {
        self.shared.with(&env, |s| s.descope().approve(&pending_ref))
    }

    /// The person with WhatsApp number `phone` sends the message.
    #[napi(catch_unwind)]
    pub fn approve_as(&self, env: Env, pending_ref: String, phone: String) -> napi::Result<bool> {
        self.shared.with(&env, |s| s.descope().approve_as(&pending_ref, &phone))
    }

    /// The login is refused.
    #[napi(catch_unwind)]
    pub fn deny(&self, env: Env, pending_ref: String) -> napi::Result<bool> {
        self.shared.with(&env, |s| s.descope().deny(&pending_ref))
    }

    /// The login expires now.
    #[napi(catch_unwind)]
    pub fn expire(&self, env: Env, pending_ref: String) -> napi::Result<bool> {
        self.shared.with(&env, |s| s.descope().expire(&pending_ref))
    }

    /// How long (ms) a nOTP login waits for the person.
    #[napi(catch_unwind)]
    pub fn set_pending_ttl(&self, env: Env, ttl_ms: u32) -> napi::Result<()> {
        self.shared.with(&env, |s| s.descope().set_pending_ttl(ms(ttl_ms)))
    }

    /// Lifetime (ms) of issued session JWTs.
    #[napi(catch_unwind)]
    pub fn set_session_ttl(&self, env: Env, ttl_ms: u32) -> napi::Result<()> {
        self.shared.with(&env, |s| s.descope().set_session_ttl(ms(ttl_ms)))
    }

    /// Returns refresh JWTs only as the `DSR` cookie, not in the body.
    #[napi(catch_unwind)]
    pub fn set_refresh_in_cookie(&self, env: Env, on: bool) -> napi::Result<()> {
        self.shared.with(&env, |s| s.descope().set_refresh_in_cookie(on))
    }

    /// Requires every request's bearer to end with `:<key>`.
    #[napi(catch_unwind)]
    pub fn require_management_key(&self, env: Env, key: String) -> napi::Result<()> {
        self.shared.with(&env, |s| s.descope().require_management_key(&key))
    }

    /// Accepts another nOTP provider path segment besides `whatsapp`.
    #[napi(catch_unwind)]
    pub fn add_notp_provider(&self, env: Env, provider: String) -> napi::Result<()> {
        self.shared.with(&env, |s| s.descope().add_notp_provider(&provider))
    }

    /// Answers the next `times` requests on `route` with 429 `E130429` and, when given,
    /// `Retry-After: <seconds>`.
    #[napi(catch_unwind)]
    pub fn rate_limit(
        &self,
        env: Env,
        route: String,
        times: u32,
        retry_after_seconds: Option<u32>,
    ) -> napi::Result<()> {
        self.shared.with(&env, |s| s.descope().rate_limit(&route, times, retry_after_seconds.map(u64::from)))
    }

    /// Answers the next `times` requests on `route` with `status` and a Descope error body of
    /// `errorCode` (empty when `null`).
    #[napi(catch_unwind)]
    pub fn fail_next(
        &self,
        env: Env,
        route: String,
        status: u16,
        error_code: Option<String>,
        retry_after_seconds: Option<u32>,
        times: u32,
    ) -> napi::Result<()> {
        self.shared.with(&env, |s| {
            s.descope().fail_next(&route, status, error_code.as_deref(), retry_after_seconds.map(u64::from), times)
        })
    }

    /// Signs `claims` as the stand-in signs its tokens (for crafted tokens in tests).
    #[napi(catch_unwind)]
    pub fn sign_jwt(&self, env: Env, claims: Value) -> napi::Result<String> {
        self.shared.with(&env, |s| s.descope().sign_jwt(&claims))
    }

    /// The `kid` new tokens are signed with.
    #[napi(catch_unwind)]
    pub fn signing_kid(&self, env: Env) -> napi::Result<String> {
        self.shared.with(&env, |s| s.descope().signing_kid())
    }

    /// Signs with a new key from now on; the previous keys stay published.
    #[napi(catch_unwind)]
    pub fn rotate_signing_key(&self, env: Env) -> napi::Result<()> {
        self.shared.with(&env, |s| s.descope().rotate_signing_key())
    }

    /// The JSON body of the last accepted request on `route`, or `null`.
    #[napi(catch_unwind)]
    pub fn last_request_body(&self, env: Env, route: String) -> napi::Result<Option<Value>> {
        self.shared.with(&env, |s| s.descope().last_request_body(&route))
    }

    /// `[x-descope-sdk-name, x-descope-sdk-version]` of the last request, or `null`.
    #[napi(catch_unwind)]
    pub fn last_sdk_headers(&self, env: Env) -> napi::Result<Option<Vec<String>>> {
        self.shared.with(&env, |s| s.descope().last_sdk_headers().map(|(name, version)| vec![name, version]))
    }

    /// The raw `Authorization` header of the last request (test double only).
    #[napi(catch_unwind)]
    pub fn last_authorization(&self, env: Env) -> napi::Result<Option<String>> {
        self.shared.with(&env, |s| s.descope().last_authorization())
    }
}

// One `impl` block per vendor, so that each vendor's accessor exists only when its feature
// (and module) is compiled in.
#[napi]
impl Sandbox {
    /// The Descope stand-in's control API.
    #[napi(getter, catch_unwind)]
    pub fn descope(&self) -> DescopeSandbox {
        DescopeSandbox::new(self.shared.clone())
    }
}
