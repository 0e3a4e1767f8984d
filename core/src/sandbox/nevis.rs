//! The nevisIDM stand-in (contract: `docs/vendors/nevisidm.md`).
//!
//! Routes, all `POST <base>/{clientExtId}/users/{userExtId}/<kind>/login/` with
//! `Content-Type: application/json`:
//!
//! | route                                 | body                              |
//! |---------------------------------------|-----------------------------------|
//! | `nevisidm.recovery_code_login`        | `{"code"}`                        |
//! | `nevisidm.password_login`             | `{"password"}`                    |
//! | `nevisidm.device_password_login`      | `{"password","credentialExtId"}`  |
//! | `nevisidm.context_password_login`     | `{"password","context"}`          |
//!
//! Unknown client, user or credential answer 404 `errors.noRecord` and a credential that is
//! not active 422 `errors.credentialNotActive`, with the seed's messages. Wrong passwords
//! answer 200 with statusCode 2, then 3 (one try left), then 4 (locked); with a temporary
//! lock policy the last one is 9 and the lock lifts after the configured time. A wrong or
//! used recovery code answers 400 `errors.invalidRecoveryCode` unless told otherwise
//! ([`NevisSim::set_recovery_code_failure`]; the seed documents neither).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use http::{Method, StatusCode};
use percent_encoding::percent_decode_str;
use serde_json::{json, Map, Value};

use super::sim::{
    answer_buffered, expect_content_type, expect_method, json_object, only_fields, string_field, SimBody, SimRequest,
    SimResponse, Simulator,
};
use crate::Vendor;

const BASE_PATH: &str = "/nevisidm/api/auth/v1/";

/// The state of a credential, as nevisIDM names it in its 422 messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialState {
    /// Usable.
    Active,
    /// Switched off by an administrator.
    Disabled,
    /// Locked by failed logins (or by the control API).
    Locked,
}

impl CredentialState {
    fn as_str(self) -> &'static str {
        match self {
            CredentialState::Active => "active",
            CredentialState::Disabled => "disabled",
            CredentialState::Locked => "locked",
        }
    }
}

/// Which of a user's credentials a control call means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialRef {
    /// The user's password.
    Password,
    /// The device password with this external id.
    DevicePassword(String),
    /// The context password of this context.
    ContextPassword(String),
}

/// How wrong passwords lock a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockPolicy {
    /// Failed logins in a row that lock the credential.
    pub max_failures: u32,
    /// `None`: the lock is permanent (statusCode 4). `Some(t)`: the lock lifts after `t`
    /// (statusCode 9).
    pub temporary_lock: Option<Duration>,
}

impl Default for LockPolicy {
    fn default() -> Self {
        Self { max_failures: 3, temporary_lock: None }
    }
}

#[derive(Debug)]
struct Credential {
    password: String,
    state: CredentialState,
    failures: u32,
    locked_until: Option<Instant>,
}

impl Credential {
    fn new(password: &str) -> Self {
        Self { password: password.to_string(), state: CredentialState::Active, failures: 0, locked_until: None }
    }
}

#[derive(Debug, Default)]
struct User {
    password: Option<Credential>,
    device_passwords: HashMap<String, Credential>,
    context_passwords: HashMap<String, Credential>,
    /// `None` until codes are issued; used codes are removed.
    recovery_codes: Option<HashSet<String>>,
}

#[derive(Debug)]
struct Client {
    name: String,
    users: HashMap<String, User>,
}

#[derive(Debug, Default)]
struct State {
    clients: HashMap<String, Client>,
    policy: LockPolicy,
    /// `(header name, exact value)` every request must carry, when set.
    required_auth: Option<(String, String)>,
    last_raw_path: Option<String>,
    /// Status and error code of a wrong or used recovery code, when not the default.
    recovery_failure: Option<(StatusCode, String)>,
}

/// The nevisIDM stand-in's state and control API.
#[derive(Debug, Default)]
pub struct NevisSim {
    state: Mutex<State>,
}

impl NevisSim {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a client. `name` is what 404 messages call it (`'Default'` in the seed).
    pub fn add_client(&self, client_ext_id: &str, name: &str) {
        self.state().clients.insert(client_ext_id.into(), Client { name: name.into(), users: HashMap::new() });
    }

    /// Adds a user with no credentials. The client must exist.
    pub fn add_user(&self, client_ext_id: &str, user_ext_id: &str) {
        if let Some(client) = self.state().clients.get_mut(client_ext_id) {
            client.users.entry(user_ext_id.into()).or_default();
        }
    }

    /// Sets the user's password credential.
    pub fn set_password(&self, client_ext_id: &str, user_ext_id: &str, password: &str) {
        self.with_user(client_ext_id, user_ext_id, |user| user.password = Some(Credential::new(password)));
    }

    /// Adds a device password with external id `credential_ext_id`.
    pub fn add_device_password(&self, client_ext_id: &str, user_ext_id: &str, credential_ext_id: &str, password: &str) {
        self.with_user(client_ext_id, user_ext_id, |user| {
            user.device_passwords.insert(credential_ext_id.into(), Credential::new(password));
        });
    }

    /// Adds a context password for `context`.
    pub fn add_context_password(&self, client_ext_id: &str, user_ext_id: &str, context: &str, password: &str) {
        self.with_user(client_ext_id, user_ext_id, |user| {
            user.context_passwords.insert(context.into(), Credential::new(password));
        });
    }

    /// Issues single-use recovery codes.
    pub fn add_recovery_codes(&self, client_ext_id: &str, user_ext_id: &str, codes: &[&str]) {
        self.with_user(client_ext_id, user_ext_id, |user| {
            user.recovery_codes.get_or_insert_with(HashSet::new).extend(codes.iter().map(|c| c.to_string()));
        });
    }

    /// Sets a credential's state (disable it, lock it, or make it active and reset failures).
    pub fn set_state(
        &self,
        client_ext_id: &str,
        user_ext_id: &str,
        credential: &CredentialRef,
        state: CredentialState,
    ) {
        self.with_user(client_ext_id, user_ext_id, |user| {
            if let Some(cred) = credential_mut(user, credential) {
                cred.state = state;
                cred.failures = 0;
                cred.locked_until = None;
            }
        });
    }

    /// The state of a credential, if it exists.
    pub fn credential_state(
        &self,
        client_ext_id: &str,
        user_ext_id: &str,
        credential: &CredentialRef,
    ) -> Option<CredentialState> {
        let mut state = self.state();
        let user = state.clients.get_mut(client_ext_id)?.users.get_mut(user_ext_id)?;
        credential_mut(user, credential).map(|c| c.state)
    }

    /// How wrong passwords lock credentials from now on.
    pub fn set_lock_policy(&self, policy: LockPolicy) {
        self.state().policy = policy;
    }

    /// Answers a wrong or used recovery code with HTTP `status` and error code `code` instead
    /// of 400 `errors.invalidRecoveryCode`: the seed documents neither, and deployments differ
    /// (e.g. 403 `errors.recoveryCodeUsed`).
    pub fn set_recovery_code_failure(&self, status: u16, code: &str) {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        self.state().recovery_failure = Some((status, code.to_string()));
    }

    /// Requires every request to carry header `name` with exactly `value` (else 401).
    pub fn require_header(&self, name: &str, value: &str) {
        self.state().required_auth = Some((name.to_ascii_lowercase(), value.into()));
    }

    /// The raw (still percent-encoded) path of the last request, for encoding checks.
    pub fn last_raw_path(&self) -> Option<String> {
        self.state().last_raw_path.clone()
    }

    fn with_user(&self, client_ext_id: &str, user_ext_id: &str, change: impl FnOnce(&mut User)) {
        if let Some(user) = self.state().clients.get_mut(client_ext_id).and_then(|c| c.users.get_mut(user_ext_id)) {
            change(user);
        }
    }

    fn answer(&self, route: &'static str, request: &SimRequest, body: &[u8]) -> Result<SimResponse, SimResponse> {
        expect_method(request, Method::POST)?;
        let mut state = self.state();
        state.last_raw_path = Some(request.path.clone());
        if let Some((name, value)) = &state.required_auth {
            let sent = request.headers.get(name.as_str()).and_then(|v| v.to_str().ok());
            if sent != Some(value.as_str()) {
                return Ok(SimResponse::json(
                    StatusCode::UNAUTHORIZED,
                    &errors("errors.unauthorized", "Authentication to nevisIDM is required"),
                ));
            }
        }
        expect_content_type(request, &["application/json"])?;
        let (client_ext_id, user_ext_id) = path_ids(&request.path)?;
        let object = json_object(body)?;
        let policy = state.policy;
        let recovery_failure = state.recovery_failure.clone();
        let client = match state.clients.get_mut(&client_ext_id) {
            Some(client) => client,
            None => {
                return Ok(not_found(format!("There is no client with external identifier '{client_ext_id}'")));
            }
        };
        let client_name = client.name.clone();
        let Some(user) = client.users.get_mut(&user_ext_id) else {
            return Ok(not_found(format!(
                "There is no user with external identifier '{user_ext_id}' in client '{client_name}'"
            )));
        };
        match route {
            "nevisidm.recovery_code_login" => recovery_login(user, &user_ext_id, &object, recovery_failure),
            _ => password_login(route, user, &user_ext_id, &object, policy),
        }
    }
}

impl Simulator for NevisSim {
    fn vendor(&self) -> Vendor {
        Vendor::Nevis
    }

    fn route(&self, path: &str) -> Option<&'static str> {
        let rest = path.strip_prefix(BASE_PATH)?;
        let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
        match segments.as_slice() {
            [_, "users", _, "recovery-codes", "login"] => Some("nevisidm.recovery_code_login"),
            [_, "users", _, "password", "login"] => Some("nevisidm.password_login"),
            [_, "users", _, "device-password", "login"] => Some("nevisidm.device_password_login"),
            [_, "users", _, "context-password", "login"] => Some("nevisidm.context_password_login"),
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

/// The two ids from the path, percent-decoded; the seed's trailing slash is required.
fn path_ids(path: &str) -> Result<(String, String), SimResponse> {
    if !path.ends_with('/') {
        return Err(SimResponse::strict("path must end with '/' as in the seed"));
    }
    let rest = path.strip_prefix(BASE_PATH).unwrap_or_default();
    let mut segments = rest.split('/');
    let decode = |s: Option<&str>| -> Result<String, SimResponse> {
        let raw = s.unwrap_or_default();
        let decoded =
            percent_decode_str(raw).decode_utf8().map_err(|_| SimResponse::strict("path segment is not UTF-8"))?;
        if decoded.is_empty() {
            return Err(SimResponse::strict("empty path segment"));
        }
        Ok(decoded.into_owned())
    };
    let client = decode(segments.next())?;
    segments.next();
    let user = decode(segments.next())?;
    Ok((client, user))
}

fn recovery_login(
    user: &mut User,
    user_ext_id: &str,
    object: &Map<String, Value>,
    failure: Option<(StatusCode, String)>,
) -> Result<SimResponse, SimResponse> {
    only_fields(object, &["code"])?;
    let code = string_field(object, "code")?;
    let Some(codes) = user.recovery_codes.as_mut() else {
        return Ok(not_found(format!("No recovery code credential defined for user '{user_ext_id}'")));
    };
    if codes.remove(code) {
        let mut answer = SimResponse::empty(StatusCode::NO_CONTENT);
        answer.headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
        Ok(answer)
    } else {
        let (status, code) = failure.unwrap_or((StatusCode::BAD_REQUEST, "errors.invalidRecoveryCode".to_string()));
        Ok(SimResponse::json(
            status,
            &errors(&code, &format!("The recovery code is not valid or was already used for user '{user_ext_id}'")),
        ))
    }
}

fn password_login(
    route: &str,
    user: &mut User,
    user_ext_id: &str,
    object: &Map<String, Value>,
    policy: LockPolicy,
) -> Result<SimResponse, SimResponse> {
    let (credential, missing, inactive) = match route {
        "nevisidm.password_login" => {
            only_fields(object, &["password"])?;
            (
                user.password.as_mut(),
                format!("No password credential defined for user '{user_ext_id}'"),
                "The password credential is not active (current state '{state}') of user '{user}'".to_string(),
            )
        }
        "nevisidm.device_password_login" => {
            only_fields(object, &["password", "credentialExtId"])?;
            let ext_id = string_field(object, "credentialExtId")?;
            (
                user.device_passwords.get_mut(ext_id),
                format!("No device password defined for user '{user_ext_id}' with extId '{ext_id}'"),
                "The device password is not active (current state '{state}') of user '{user}'".to_string(),
            )
        }
        _ => {
            only_fields(object, &["password", "context"])?;
            let context = string_field(object, "context")?;
            (
                user.context_passwords.get_mut(context),
                format!("No context password defined for user '{user_ext_id}' with context '{context}'"),
                format!("The context password is not active (current state '{{state}}') in context '{context}' of user '{{user}}'"),
            )
        }
    };
    let password = string_field(object, "password")?;
    let Some(credential) = credential else {
        return Ok(not_found(missing));
    };
    if let Some(until) = credential.locked_until {
        if Instant::now() >= until {
            credential.locked_until = None;
            credential.state = CredentialState::Active;
            credential.failures = 0;
        }
    }
    if credential.state != CredentialState::Active {
        let message = inactive.replace("{state}", credential.state.as_str()).replace("{user}", user_ext_id);
        return Ok(SimResponse::json(
            StatusCode::UNPROCESSABLE_ENTITY,
            &errors("errors.credentialNotActive", &message),
        ));
    }
    if credential.password == password {
        credential.failures = 0;
        return Ok(status(5, "Login Ok"));
    }
    credential.failures += 1;
    let left = policy.max_failures.saturating_sub(credential.failures);
    Ok(match (left, policy.temporary_lock) {
        (0, None) => {
            credential.state = CredentialState::Locked;
            status(4, "Login failed, the credential is now locked")
        }
        (0, Some(duration)) => {
            credential.state = CredentialState::Locked;
            credential.locked_until = Some(Instant::now() + duration);
            status(9, "Login failed, the credential is temporarily locked")
        }
        (1, _) => status(3, "Login failed, the credential will be locked after the next failure"),
        _ => status(2, "Login failed"),
    })
}

fn credential_mut<'a>(user: &'a mut User, credential: &CredentialRef) -> Option<&'a mut Credential> {
    match credential {
        CredentialRef::Password => user.password.as_mut(),
        CredentialRef::DevicePassword(id) => user.device_passwords.get_mut(id),
        CredentialRef::ContextPassword(context) => user.context_passwords.get_mut(context),
    }
}

fn status(code: i64, description: &str) -> SimResponse {
    SimResponse::json(StatusCode::OK, &json!({ "statusCode": code, "description": description }))
}

fn errors(code: &str, message: &str) -> Value {
    json!({ "errors": [{ "code": code, "message": message }] })
}

fn not_found(message: String) -> SimResponse {
    SimResponse::json(StatusCode::NOT_FOUND, &errors("errors.noRecord", &message))
}
