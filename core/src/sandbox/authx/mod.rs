//! The AuthX stand-in (contract: `docs/vendors/authx.md`).
//!
//! Routes, each at `/<Operation>` as in the seed's Request URLs:
//!
//! | route                    | request                                                        |
//! |--------------------------|----------------------------------------------------------------|
//! | `authx.AccessToken`      | POST (or GET), headers `ApplicationId`, `ApplicationKey`       |
//! | `authx.AddUser`          | POST JSON, bearer: `{guid:"",user_name,email,name{…},phone{mobile{…}},alias_name…}` |
//! | `authx.UpdateUser`       | POST JSON, bearer: the same with the user's `guid`             |
//! | `authx.DeleteUser`       | POST JSON, bearer: `{guid}`                                    |
//! | `authx.GeneratePin`      | POST JSON, bearer: `{guid,pin}`                                |
//! | `authx.VerifyPin`        | POST JSON, bearer: `{guid,pin}`                                |
//! | `authx.ProcessBiometric` | POST multipart/form-data, bearer: `processBiometrics` + `biometricdata` |
//!
//! Tokens expire after the configured lifetime ([`AuthxSim::set_token_lifetime`], or at once
//! with [`AuthxSim::expire_tokens`]); a missing, unknown or expired bearer answers 401 before
//! the operation runs. The stand-in starts with one application of each kind, whose
//! credentials are the seed's sample values ([`AuthxSim::APPLICATION_ID`] …), so programs in
//! other processes can use a sandbox they cannot configure.

mod biometric;
mod token;
mod upload_watch;
mod users;
mod wire;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures_util::future::BoxFuture;
use http::Method;
use rand::Rng;
use serde_json::Value;
use tokio::time::Instant;

use super::sim::{
    answer_buffered, expect_content_type, expect_method, json_object, SimBody, SimRequest, SimResponse, Simulator,
};
use crate::Vendor;

/// A user as the stand-in holds it (the control API's view).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuthxUser {
    /// The id AddUser issued.
    pub guid: String,
    /// `user_name`.
    pub user_name: String,
    /// `email`.
    pub email: String,
    /// `name.first_Name`.
    pub first_name: String,
    /// `name.last_Name`.
    pub last_name: String,
    /// `phone.mobile.countryCode` as stored (`+1` when the request left it out).
    pub country_code: String,
    /// `phone.mobile.number`.
    pub number: String,
    /// `alias_name` … `alias_name4`; an empty alias counts as none.
    pub aliases: [Option<String>; 5],
    /// Whether GeneratePin gave the user a PIN.
    pub has_pin: bool,
    /// The `authentication_id`s with an enrolled sample, ascending.
    pub enrolled: Vec<u8>,
}

/// What the stand-in saw of the last ProcessBiometric upload that passed the wire checks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuthxUpload {
    /// Size of the `biometricdata` part.
    pub bytes: u64,
    /// SHA-256 of the `biometricdata` part, hashed as it streamed in (hex in JSON).
    #[serde(serialize_with = "hex_digest")]
    pub sha256: [u8; 32],
    /// The request's `Content-Length`, if it had one (a chunked upload has none).
    pub content_length: Option<u64>,
    /// The `biometricdata` part's content type.
    pub data_content_type: String,
    /// The `processBiometrics` part.
    pub process_biometrics: Value,
}

struct User {
    profile: AuthxUser,
    pin: Option<String>,
    /// SHA-256 of the enrolled sample per `authentication_id`.
    biometrics: HashMap<u8, [u8; 32]>,
}

struct State {
    /// Manage API `ApplicationId` → `ApplicationKey`.
    applications: HashMap<String, String>,
    /// `application_key` → (`secret_key`, `host_name`).
    biometric_apps: HashMap<String, (String, String)>,
    token_lifetime: Duration,
    /// Token → when it expires.
    tokens: HashMap<String, Instant>,
    issued: Vec<String>,
    company_id: String,
    users: HashMap<String, User>,
    forced_outcomes: VecDeque<i64>,
    last_json: HashMap<&'static str, Value>,
    last_upload: Option<AuthxUpload>,
    /// How fast ProcessBiometric bodies are read, in bytes a second; `None`: as fast as they come.
    upload_rate: Option<u64>,
}

/// The AuthX stand-in's state and control API.
pub struct AuthxSim {
    state: Mutex<State>,
    /// ProcessBiometric uploads whose body never arrived whole (see `upload_watch.rs`).
    aborted_uploads: Arc<AtomicU64>,
}

impl std::fmt::Debug for AuthxSim {
    /// Counts only: the state holds keys, tokens and PINs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state();
        f.debug_struct("AuthxSim")
            .field("applications", &state.applications.len())
            .field("tokens", &state.tokens.len())
            .field("users", &state.users.len())
            .finish_non_exhaustive()
    }
}

impl Default for AuthxSim {
    fn default() -> Self {
        let mut applications = HashMap::new();
        applications.insert(Self::APPLICATION_ID.to_string(), Self::APPLICATION_KEY.to_string());
        let mut biometric_apps = HashMap::new();
        biometric_apps.insert(
            Self::BIOMETRIC_APPLICATION_KEY.to_string(),
            (Self::BIOMETRIC_SECRET_KEY.to_string(), Self::HOST_NAME.to_string()),
        );
        let state = State {
            applications,
            biometric_apps,
            token_lifetime: Self::DEFAULT_TOKEN_LIFETIME,
            tokens: HashMap::new(),
            issued: Vec::new(),
            company_id: "10022513".into(),
            users: HashMap::new(),
            forced_outcomes: VecDeque::new(),
            last_json: HashMap::new(),
            last_upload: None,
            upload_rate: None,
        };
        Self { state: Mutex::new(state), aborted_uploads: Arc::default() }
    }
}

impl AuthxSim {
    /// The Manage API `ApplicationId` the stand-in accepts from the start (the seed's sample).
    pub const APPLICATION_ID: &'static str = "3128e336-64f9-e294-17b5-ed1f34d76f79";
    /// Its `ApplicationKey`.
    pub const APPLICATION_KEY: &'static str = "2f924cad-98c5-3631-b3a4-e107dee7e014";
    /// The biometric `application_parameters.application_key` accepted from the start.
    pub const BIOMETRIC_APPLICATION_KEY: &'static str = "BDD0D146-09DF-452B-AAD0-2B5F4E91F748";
    /// Its `secret_key`.
    pub const BIOMETRIC_SECRET_KEY: &'static str = "B1B1620C-091A-48A6-AA99-C80AA7B07137";
    /// Its `host_name` (the tenant host code).
    pub const HOST_NAME: &'static str = "hu1tjtwu";
    /// `expires_in` of the seed's sample token (about 14 days).
    pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(1_209_599);

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Accepts another Manage API application for AccessToken.
    pub fn add_application(&self, application_id: &str, application_key: &str) {
        self.state().applications.insert(application_id.into(), application_key.into());
    }

    /// Accepts another application in ProcessBiometric's `application_parameters`.
    pub fn add_biometric_app(&self, application_key: &str, secret_key: &str, host_name: &str) {
        self.state().biometric_apps.insert(application_key.into(), (secret_key.into(), host_name.into()));
    }

    /// The lifetime (`expires_in`) of tokens issued from now on.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.state().token_lifetime = lifetime;
    }

    /// Ends every token issued so far: calls carrying one get 401 from now on.
    pub fn expire_tokens(&self) {
        let now = Instant::now();
        for expires in self.state().tokens.values_mut() {
            *expires = now;
        }
    }

    /// Every access token issued, oldest first.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.state().issued.clone()
    }

    /// The user with this `guid`.
    pub fn user(&self, guid: &str) -> Option<AuthxUser> {
        self.state().users.get(guid).map(|u| u.profile.clone())
    }

    /// The user with this `user_name`.
    pub fn user_named(&self, user_name: &str) -> Option<AuthxUser> {
        self.state().users.values().find(|u| u.profile.user_name == user_name).map(|u| u.profile.clone())
    }

    /// How many users the stand-in holds.
    pub fn user_count(&self) -> usize {
        self.state().users.len()
    }

    /// The next ProcessBiometric that passes the wire and token checks answers `response_code`
    /// instead of comparing samples (to produce FaceQualityPoor, TooManyFace, …). Queued codes
    /// are used in order.
    pub fn queue_biometric_outcome(&self, response_code: i64) {
        self.state().forced_outcomes.push_back(response_code);
    }

    /// The JSON body of the last request on a JSON route (`authx.AddUser`, …), as received.
    pub fn last_request(&self, route: &str) -> Option<Value> {
        self.state().last_json.get(route).cloned()
    }

    /// What the last accepted ProcessBiometric upload carried.
    pub fn last_upload(&self) -> Option<AuthxUpload> {
        self.state().last_upload.clone()
    }

    /// Reads ProcessBiometric bodies at no more than `bytes_per_second` from now on (`None`:
    /// as fast as they arrive), so that a test can cancel an upload while it is in flight.
    pub fn set_upload_rate(&self, bytes_per_second: Option<u64>) {
        self.state().upload_rate = bytes_per_second;
    }

    /// How many ProcessBiometric uploads were abandoned by the client before their whole body
    /// arrived (the body broke off, or the connection closed under the request).
    pub fn aborted_uploads(&self) -> u64 {
        self.aborted_uploads.load(Ordering::SeqCst)
    }

    fn upload_rate(&self) -> Option<u64> {
        self.state().upload_rate
    }

    fn aborted_uploads_counter(&self) -> Arc<AtomicU64> {
        self.aborted_uploads.clone()
    }

    fn json_route(&self, route: &'static str, request: &SimRequest, body: &[u8]) -> Result<SimResponse, SimResponse> {
        let mut state = self.state();
        if route == "authx.AccessToken" {
            return token::access_token(&mut state, request);
        }
        expect_method(request, Method::POST)?;
        token::authorize(&state, request)?;
        expect_content_type(request, &["application/json"])?;
        let object = json_object(body)?;
        state.last_json.insert(route, Value::Object(object.clone()));
        match route {
            "authx.AddUser" => users::add_user(&mut state, &object),
            "authx.UpdateUser" => users::update_user(&mut state, &object),
            "authx.DeleteUser" => users::delete_user(&mut state, &object),
            "authx.GeneratePin" => users::generate_pin(&mut state, &object),
            _ => users::verify_pin(&mut state, &object),
        }
    }
}

impl Simulator for AuthxSim {
    fn vendor(&self) -> Vendor {
        Vendor::AuthX
    }

    fn route(&self, path: &str) -> Option<&'static str> {
        Some(match path {
            "/AccessToken" => "authx.AccessToken",
            "/AddUser" => "authx.AddUser",
            "/UpdateUser" => "authx.UpdateUser",
            "/DeleteUser" => "authx.DeleteUser",
            "/GeneratePin" => "authx.GeneratePin",
            "/VerifyPin" => "authx.VerifyPin",
            "/ProcessBiometric" => "authx.ProcessBiometric",
            _ => return None,
        })
    }

    fn handle(
        self: Arc<Self>,
        route: &'static str,
        request: SimRequest,
        body: SimBody,
    ) -> BoxFuture<'static, SimResponse> {
        if route == "authx.ProcessBiometric" {
            return Box::pin(biometric::process_biometric(self, request, body));
        }
        answer_buffered(body, move |body| self.json_route(route, &request, body))
    }
}

/// A random version 4 UUID, the form of AuthX's `guid`.
fn hex_digest<S: serde::Serializer>(digest: &[u8; 32], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&data_encoding::HEXLOWER.encode(digest))
}

fn random_uuid() -> String {
    let mut b: [u8; 16] = rand::rng().random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}
