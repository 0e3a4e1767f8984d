//! What the Descope stand-in remembers: projects, users, TOTP keys, pending nOTP logins,
//! and how it turns a finished login into Descope's session answer.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::super::sim::SimResponse;
use super::signer::Signer;

/// Lifetimes the stand-in gives its tokens and pending logins unless told otherwise.
pub(super) const SESSION_TTL: Duration = Duration::from_secs(600);
pub(super) const REFRESH_TTL: Duration = Duration::from_secs(28 * 24 * 3600);
pub(super) const PENDING_TTL: Duration = Duration::from_secs(300);

/// A user of one project.
#[derive(Debug, Clone, Default)]
pub(super) struct User {
    pub user_id: String,
    pub login_id: String,
    pub details: Map<String, Value>,
    pub verified_phone: bool,
    pub roles: Vec<String>,
    pub permissions: Vec<String>,
    pub tenants: Map<String, Value>,
    pub created: u64,
    /// Signed up (a TOTP sign-up is completed by its first verified code).
    pub registered: bool,
    pub totp: Totp,
}

/// A user's TOTP keys (raw bytes) and the last time step a code was accepted for.
#[derive(Debug, Clone, Default)]
pub(super) struct Totp {
    pub active: Option<Vec<u8>>,
    /// A key from sign-up or update that becomes active with its first verified code.
    pub pending: Option<Vec<u8>>,
    pub last_step: Option<u64>,
}

/// Which nOTP start call opened a pending login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Start {
    Up,
    In,
    UpOrIn,
}

/// Where a pending nOTP login stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    Waiting,
    /// Approved by the person whose WhatsApp number is `phone`.
    Approved {
        phone: String,
    },
    Denied,
    Expired,
    /// Its session was collected; the reference is spent.
    Collected,
}

#[derive(Debug, Clone)]
pub(super) struct Pending {
    pub project_id: String,
    pub start: Start,
    pub login_id: String,
    pub details: Map<String, Value>,
    pub custom_claims: Map<String, Value>,
    pub created: Instant,
    pub outcome: Outcome,
}

/// An error answer armed through the stand-in's own control API.
#[derive(Debug, Clone)]
pub(super) struct Armed {
    pub status: StatusCode,
    pub code: String,
    pub retry_after: Option<u64>,
    pub remaining: u32,
}

#[derive(Default)]
pub(super) struct State {
    pub base_url: String,
    pub projects: HashSet<String>,
    pub management_key: Option<String>,
    pub providers: HashSet<String>,
    /// Users by (project, login ID).
    pub users: HashMap<(String, String), User>,
    pub pending: HashMap<String, Pending>,
    pub pending_ttl: Option<Duration>,
    pub session_ttl: Option<Duration>,
    pub refresh_in_cookie: bool,
    /// The JWKS is answered as `{"keys":[]}`.
    pub no_published_keys: bool,
    pub armed: HashMap<&'static str, VecDeque<Armed>>,
    pub last_bodies: HashMap<&'static str, Value>,
    pub last_sdk: Option<(String, String)>,
    pub last_authorization: Option<String>,
    pub next_user: u64,
    pub signer: Option<Signer>,
}

pub(super) fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl State {
    pub(super) fn signer(&mut self) -> &mut Signer {
        self.signer.get_or_insert_with(Signer::new)
    }

    /// `iss` of the project's tokens: a URL ending in the project ID, as Descope issues them.
    pub(super) fn issuer(&self, project_id: &str) -> String {
        format!("{}/{project_id}", self.base_url.trim_end_matches('/'))
    }

    /// Creates a user (not yet registered).
    pub(super) fn new_user(&mut self, project_id: &str, login_id: &str, details: Map<String, Value>) -> &mut User {
        self.next_user += 1;
        let user = User {
            user_id: format!("U{:026}", self.next_user),
            login_id: login_id.to_string(),
            details,
            created: unix_now(),
            ..User::default()
        };
        let key = (project_id.to_string(), login_id.to_string());
        self.users.insert(key.clone(), user);
        self.users.entry(key).or_default()
    }

    /// Descope's session answer for `user`, signed with the current key.
    pub(super) fn session_answer(
        &mut self,
        project_id: &str,
        key: &(String, String),
        method: &str,
        first_seen: bool,
        custom_claims: &Map<String, Value>,
    ) -> SimResponse {
        let Some(user) = self.users.get(key).cloned() else {
            return SimResponse::empty(StatusCode::INTERNAL_SERVER_ERROR);
        };
        let now = unix_now();
        let session_ttl = self.session_ttl.unwrap_or(SESSION_TTL).as_secs();
        let issuer = self.issuer(project_id);
        let mut session = json!({
            "sub": user.user_id, "iss": issuer, "iat": now, "exp": now + session_ttl, "drn": "DS",
            "amr": [method], "roles": user.roles, "permissions": user.permissions,
        });
        if !user.tenants.is_empty() {
            session["tenants"] = Value::Object(user.tenants.clone());
        }
        for (name, value) in custom_claims {
            session[name] = value.clone();
        }
        let refresh =
            json!({ "sub": user.user_id, "iss": issuer, "iat": now, "exp": now + REFRESH_TTL.as_secs(), "drn": "DSR" });
        let signer = self.signer();
        let (session_jwt, refresh_jwt) = (signer.sign(&session), signer.sign(&refresh));
        let mut body = json!({
            "sessionJwt": session_jwt,
            "cookieDomain": "",
            "cookiePath": "/",
            "cookieMaxAge": REFRESH_TTL.as_secs(),
            "cookieExpiration": now + REFRESH_TTL.as_secs(),
            "firstSeen": first_seen,
            "user": user_json(&user),
        });
        if self.refresh_in_cookie {
            let cookie = format!(
                "DSR={refresh_jwt}; Path=/; Max-Age={}; HttpOnly; Secure; SameSite=Strict",
                REFRESH_TTL.as_secs()
            );
            SimResponse::json(StatusCode::OK, &body).with_header(http::header::SET_COOKIE, &cookie)
        } else {
            body["refreshJwt"] = Value::String(refresh_jwt);
            SimResponse::json(StatusCode::OK, &body)
        }
    }
}

/// The user object of Descope answers.
pub(super) fn user_json(user: &User) -> Value {
    let text = |name: &str| user.details.get(name).cloned().unwrap_or(Value::String(String::new()));
    json!({
        "userId": user.user_id,
        "loginIds": [user.login_id],
        "name": text("name"),
        "givenName": text("givenName"),
        "middleName": text("middleName"),
        "familyName": text("familyName"),
        "email": text("email"),
        "phone": text("phone"),
        "verifiedEmail": false,
        "verifiedPhone": user.verified_phone,
        "status": "enabled",
        "roleNames": user.roles,
        "userTenants": [],
        "createdTime": user.created,
        "totp": user.totp.active.is_some(),
        "picture": "",
        "customAttributes": {},
    })
}
