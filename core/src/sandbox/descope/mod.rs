//! The Descope stand-in (contract: `docs/vendors/descope.md`).
//!
//! | route                      | request                                              |
//! |----------------------------|------------------------------------------------------|
//! | `descope.notp_signup`      | `POST /v1/auth/notp/{provider}/signup`               |
//! | `descope.notp_signin`      | `POST /v1/auth/notp/{provider}/signin`               |
//! | `descope.notp_signup_in`   | `POST /v1/auth/notp/{provider}/signup-in`            |
//! | `descope.pending_session`  | `POST /v1/auth/notp/pending-session`                 |
//! | `descope.totp_signup`      | `POST /v1/auth/totp/signup`                          |
//! | `descope.totp_verify`      | `POST /v1/auth/totp/verify`                          |
//! | `descope.totp_update`      | `POST /v1/auth/totp/update` (bearer with refresh JWT) |
//! | `descope.keys`             | `GET /v2/keys/<ProjectId>` (the JWKS)                |
//!
//! Every POST needs `Content-Type: application/json` and `Authorization: Bearer
//! <ProjectId>[:<RefreshJWT>][:<ManagementKey>]` naming a known project ([`DescopeSim::PROJECT_ID`]
//! unless more are added); a body that deviates from the documented shape gets the sandbox's
//! strict 400. Vendor errors are Descope's `{"errorCode","errorDescription","errorMessage"}`.
//! Session and refresh JWTs are RS256-signed and validate against the served JWKS, so an
//! official Descope SDK pointed at the stand-in can finish a login. The QR `image`s are a
//! valid 1×1 PNG, not a scannable code (no QR encoder is bundled).

mod notp;
mod signer;
mod state;
mod totp;
mod wire;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures_util::future::BoxFuture;
use http::{Method, StatusCode};
use serde_json::{json, Map, Value};

use super::sim::{
    answer_buffered, expect_content_type, expect_method, json_object, SimBody, SimRequest, SimResponse, Simulator,
};
use crate::Vendor;
use state::{Armed, Outcome, State};
use wire::{error, Bearer, BAD_ARGUMENTS, RATE_LIMITED};

/// A valid 1×1 PNG, base64: what the stand-in answers as a QR `image`.
const QR_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/// The Descope stand-in's state and control API.
pub struct DescopeSim {
    state: Mutex<State>,
}

impl Default for DescopeSim {
    fn default() -> Self {
        let mut state = State::default();
        state.projects.insert(Self::PROJECT_ID.to_string());
        state.providers.insert(crate::descope::DEFAULT_PROVIDER.to_string());
        Self { state: Mutex::new(state) }
    }
}

impl std::fmt::Debug for DescopeSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DescopeSim").finish_non_exhaustive()
    }
}

impl DescopeSim {
    /// The project every stand-in knows from the start.
    pub const PROJECT_ID: &'static str = "P2SandboxDescopeProject";
    /// The phone an approval comes from when neither the login nor [`Self::approve_as`] names one.
    pub const DEFAULT_PHONE: &'static str = notp::DEFAULT_USER_PHONE;

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn set_base_url(&self, url: String) {
        self.state().base_url = url;
    }

    /// Accepts requests for another project ID (its users are separate).
    pub fn add_project(&self, project_id: &str) {
        self.state().projects.insert(project_id.to_string());
    }

    /// The `iss` of tokens issued for `project_id`: the stand-in's URL ending in the ID.
    pub fn issuer(&self, project_id: &str) -> String {
        self.state().issuer(project_id)
    }

    /// Registers a user of [`Self::PROJECT_ID`] (verified phone = `login_id`); returns its user ID.
    pub fn add_user(&self, login_id: &str) -> String {
        let mut state = self.state();
        let details = Map::from_iter([("phone".to_string(), Value::String(login_id.to_string()))]);
        let user = state.new_user(Self::PROJECT_ID, login_id, details);
        user.registered = true;
        user.verified_phone = true;
        user.user_id.clone()
    }

    /// Registers a user of [`Self::PROJECT_ID`] with an active TOTP key; returns the key in base32.
    pub fn add_totp_user(&self, login_id: &str) -> String {
        let secret = totp::new_key();
        let mut state = self.state();
        let user = state.new_user(Self::PROJECT_ID, login_id, Map::new());
        user.registered = true;
        user.totp.active = Some(secret.clone());
        totp::base32(&secret)
    }

    /// Sets the project-level roles and permissions put in the user's session JWTs.
    pub fn set_roles(&self, login_id: &str, roles: &[&str], permissions: &[&str]) {
        if let Some(user) = self.state().users.get_mut(&(Self::PROJECT_ID.to_string(), login_id.to_string())) {
            user.roles = roles.iter().map(|s| s.to_string()).collect();
            user.permissions = permissions.iter().map(|s| s.to_string()).collect();
        }
    }

    /// Sets the user's roles and permissions in one tenant (the `tenants` claim).
    pub fn set_tenant(&self, login_id: &str, tenant_id: &str, roles: &[&str], permissions: &[&str]) {
        if let Some(user) = self.state().users.get_mut(&(Self::PROJECT_ID.to_string(), login_id.to_string())) {
            user.tenants.insert(tenant_id.to_string(), json!({ "roles": roles, "permissions": permissions }));
        }
    }

    /// The user object Descope would answer for `login_id` of [`Self::PROJECT_ID`].
    pub fn user(&self, login_id: &str) -> Option<Value> {
        let state = self.state();
        state.users.get(&(Self::PROJECT_ID.to_string(), login_id.to_string())).map(state::user_json)
    }

    /// Pending references of nOTP logins still waiting for the person, oldest first.
    pub fn waiting_logins(&self) -> Vec<String> {
        let state = self.state();
        let mut waiting: Vec<_> =
            state.pending.iter().filter(|(_, p)| p.outcome == Outcome::Waiting).map(|(r, p)| (p.created, r)).collect();
        waiting.sort();
        waiting.into_iter().map(|(_, r)| r.clone()).collect()
    }

    /// The person sends the message: the login completes as the login ID it named (or
    /// [`Self::DEFAULT_PHONE`]). `false` when the reference is unknown or no longer waiting.
    pub fn approve(&self, pending_ref: &str) -> bool {
        notp::decide(&mut self.state(), pending_ref, |p| Outcome::Approved { phone: notp::default_phone(p) })
    }

    /// The person with WhatsApp number `phone` sends the message (for logins started
    /// without a login ID, which then becomes `phone`).
    pub fn approve_as(&self, pending_ref: &str, phone: &str) -> bool {
        notp::decide(&mut self.state(), pending_ref, |_| Outcome::Approved { phone: phone.to_string() })
    }

    /// The login is refused: pending-session answers 401 `E066104` from now on.
    pub fn deny(&self, pending_ref: &str) -> bool {
        notp::decide(&mut self.state(), pending_ref, |_| Outcome::Denied)
    }

    /// The login expires now: pending-session answers 401 `E066102` from now on.
    pub fn expire(&self, pending_ref: &str) -> bool {
        notp::decide(&mut self.state(), pending_ref, |_| Outcome::Expired)
    }

    /// How long a nOTP login waits for the person before expiring (default 5 minutes).
    pub fn set_pending_ttl(&self, ttl: Duration) {
        self.state().pending_ttl = Some(ttl);
    }

    /// Lifetime of issued session JWTs (default 10 minutes).
    pub fn set_session_ttl(&self, ttl: Duration) {
        self.state().session_ttl = Some(ttl);
    }

    /// Returns refresh JWTs only as the `DSR` cookie, not in the body.
    pub fn set_refresh_in_cookie(&self, on: bool) {
        self.state().refresh_in_cookie = on;
    }

    /// Publishes an empty key set (`{"keys":[]}`) while `on`, as a project without signing
    /// keys would; tokens are still signed, so none of them validates meanwhile.
    pub fn set_no_published_keys(&self, on: bool) {
        self.state().no_published_keys = on;
    }

    /// Requires every request's bearer to end with `:<key>`.
    pub fn require_management_key(&self, key: &str) {
        self.state().management_key = Some(key.to_string());
    }

    /// Accepts another nOTP provider path segment besides `whatsapp`.
    pub fn add_notp_provider(&self, provider: &str) {
        self.state().providers.insert(provider.to_string());
    }

    /// Answers the next `times` requests on `route` with 429, Descope's `E130429` body and,
    /// when given, `Retry-After: <seconds>`.
    pub fn rate_limit(&self, route: &str, times: u32, retry_after: Option<u64>) {
        self.fail_next(route, 429, Some(RATE_LIMITED), retry_after, times);
    }

    /// Answers the next `times` requests on `route` with `status` and a Descope error body
    /// of `error_code` (or an empty body when `None`), without handling them.
    pub fn fail_next(&self, route: &str, status: u16, error_code: Option<&str>, retry_after: Option<u64>, times: u32) {
        let route: &'static str = match ROUTES.iter().find(|r| **r == route) {
            Some(route) => route,
            None => return,
        };
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let armed =
            Armed { status, code: error_code.unwrap_or_default().to_string(), retry_after, remaining: times.max(1) };
        self.state().armed.entry(route).or_default().push_back(armed);
    }

    /// Signs `claims` as the stand-in signs its tokens (RS256, current `kid`): for tests that
    /// need expired, foreign or otherwise crafted tokens.
    pub fn sign_jwt(&self, claims: &Value) -> String {
        self.state().signer().sign(claims)
    }

    /// The `kid` new tokens are signed with.
    pub fn signing_kid(&self) -> String {
        self.state().signer().kid().to_string()
    }

    /// Signs with a new key from now on; the previous keys stay published.
    pub fn rotate_signing_key(&self) {
        self.state().signer().rotate();
    }

    /// The JSON body of the last accepted request on `route`.
    pub fn last_request_body(&self, route: &str) -> Option<Value> {
        self.state().last_bodies.get(route).cloned()
    }

    /// `x-descope-sdk-name` and `x-descope-sdk-version` of the last request.
    pub fn last_sdk_headers(&self) -> Option<(String, String)> {
        self.state().last_sdk.clone()
    }

    /// The raw `Authorization` header of the last request (test double only).
    pub fn last_authorization(&self) -> Option<String> {
        self.state().last_authorization.clone()
    }

    fn answer(&self, route: &'static str, request: &SimRequest, body: &[u8]) -> Result<SimResponse, SimResponse> {
        let mut state = self.state();
        let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        if let (Some(name), Some(version)) = (header("x-descope-sdk-name"), header("x-descope-sdk-version")) {
            state.last_sdk = Some((name, version));
        }
        state.last_authorization = header("authorization");
        if let Some(answer) = armed_answer(&mut state, route) {
            return Ok(answer);
        }
        if route == "descope.keys" {
            expect_method(request, Method::GET)?;
            let project_id = request.path.rsplit('/').next().unwrap_or_default();
            if !state.projects.contains(project_id) {
                return Ok(error(StatusCode::BAD_REQUEST, BAD_ARGUMENTS, "Request is invalid", "Unknown project"));
            }
            let jwks = if state.no_published_keys { json!({ "keys": [] }) } else { state.signer().jwks() };
            return Ok(SimResponse::json(StatusCode::OK, &jwks));
        }
        expect_method(request, Method::POST)?;
        expect_content_type(request, &["application/json"])?;
        let bearer = match wire::bearer(request, state.management_key.is_some()) {
            Ok(bearer) => bearer,
            Err(answer) => return Ok(answer),
        };
        if !state.projects.contains(&bearer.project_id) {
            return Ok(error(StatusCode::UNAUTHORIZED, BAD_ARGUMENTS, "Unauthorized", "Unknown project ID"));
        }
        if state.management_key.is_some() && bearer.management_key != state.management_key {
            return Ok(error(StatusCode::UNAUTHORIZED, BAD_ARGUMENTS, "Unauthorized", "Invalid management key"));
        }
        let object = json_object(body)?;
        state.last_bodies.insert(route, Value::Object(object.clone()));
        match route {
            "descope.notp_signup" | "descope.notp_signin" | "descope.notp_signup_in" => {
                let provider = request.path.split('/').nth(4).unwrap_or_default();
                if !state.providers.contains(provider) {
                    return Ok(error(StatusCode::BAD_REQUEST, BAD_ARGUMENTS, "Request is invalid", "Unknown provider"));
                }
                notp::start(&mut state, route, &bearer, &object)
            }
            "descope.pending_session" => notp::pending_session(&mut state, &bearer, &object),
            "descope.totp_signup" => totp::sign_up(&mut state, &bearer, &object),
            "descope.totp_verify" => totp::verify(&mut state, &bearer, &object),
            _ => totp::update(&mut state, &bearer, &object),
        }
    }
}

/// Every route name of the stand-in.
const ROUTES: [&str; 8] = [
    "descope.notp_signup",
    "descope.notp_signin",
    "descope.notp_signup_in",
    "descope.pending_session",
    "descope.totp_signup",
    "descope.totp_verify",
    "descope.totp_update",
    "descope.keys",
];

/// The next armed error of `route`, if any.
fn armed_answer(state: &mut State, route: &'static str) -> Option<SimResponse> {
    let queue = state.armed.get_mut(route)?;
    let armed = queue.front_mut()?;
    armed.remaining -= 1;
    let armed = if armed.remaining == 0 { queue.pop_front()? } else { armed.clone() };
    let mut answer = if armed.code.is_empty() {
        SimResponse::empty(armed.status)
    } else {
        let description = if armed.status == StatusCode::TOO_MANY_REQUESTS { "Rate limit exceeded" } else { "Error" };
        error(armed.status, &armed.code, description, "armed by the sandbox control API")
    };
    if let Some(seconds) = armed.retry_after {
        answer = answer.with_header(http::header::RETRY_AFTER, &seconds.to_string());
    }
    Some(answer)
}

/// The user ID a request's refresh JWT belongs to, or the 401 to answer. The token must be
/// one of the stand-in's own (signature, expiry), a refresh token (`drn` = `DSR`), and
/// issued for the request's project.
fn refresh_subject(state: &mut State, project_id: &str, bearer: &Bearer) -> Result<String, SimResponse> {
    let refused = |message: &str| error(StatusCode::UNAUTHORIZED, BAD_ARGUMENTS, "Unauthorized", message);
    let token = bearer.refresh_jwt.as_deref().ok_or_else(|| refused("A refresh JWT is required"))?;
    let issuer = state.issuer(project_id);
    let claims = state.signer().verify(token).ok_or_else(|| refused("Invalid refresh JWT"))?;
    let is_refresh = claims.get("drn").and_then(Value::as_str) == Some("DSR");
    if !is_refresh || claims.get("iss").and_then(Value::as_str) != Some(issuer.as_str()) {
        return Err(refused("Invalid refresh JWT"));
    }
    claims.get("sub").and_then(Value::as_str).map(str::to_string).ok_or_else(|| refused("Invalid refresh JWT"))
}

impl Simulator for DescopeSim {
    fn vendor(&self) -> Vendor {
        Vendor::Descope
    }

    fn route(&self, path: &str) -> Option<&'static str> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match segments.as_slice() {
            ["v1", "auth", "notp", "pending-session"] => Some("descope.pending_session"),
            ["v1", "auth", "notp", _, "signup"] => Some("descope.notp_signup"),
            ["v1", "auth", "notp", _, "signin"] => Some("descope.notp_signin"),
            ["v1", "auth", "notp", _, "signup-in"] => Some("descope.notp_signup_in"),
            ["v1", "auth", "totp", "signup"] => Some("descope.totp_signup"),
            ["v1", "auth", "totp", "verify"] => Some("descope.totp_verify"),
            ["v1", "auth", "totp", "update"] => Some("descope.totp_update"),
            ["v2", "keys", project] if !project.is_empty() => Some("descope.keys"),
            _ => None,
        }
    }

    fn handle(
        self: Arc<Self>,
        route: &'static str,
        request: SimRequest,
        body: SimBody,
    ) -> BoxFuture<'static, SimResponse> {
        answer_buffered(body, move |body| self.answer(route, &request, body))
    }
}
