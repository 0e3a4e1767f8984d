//! The NoPass server stand-in (contract: `docs/vendors/nopass.md`).
//!
//! It plays both sides of the NoPass server:
//!
//! - it **serves** the two endpoints a portal calls, strictly, with `Authorization: Bearer
//!   <authToken>` as issued in registration:
//!
//!   | route                         | path                                           | body |
//!   |-------------------------------|------------------------------------------------|------|
//!   | `nopass.PreRegisterUser`      | `POST /api/UserRegistration/PreRegisterUser`    | `{"portalId","userId","clientIP","redirectUrl","socialNetwork","data":{"givenName","surName","phoneNumber","email"}}` |
//!   | `nopass.RequestAuthorization` | `POST /api/UserAuthentication/RequestAuthorization` | `{"portalId","userId"}` |
//!
//!   answering `{"errors":[],"result":{…}}`, or a 200 whose `errors` say why (a user who is
//!   not a NoPass user cannot log in; a registered user cannot pre-register again);
//! - given a portal URL ([`NoPassSim::set_portal_url`]) it **drives** the portal's callbacks
//!   the way the NoPass server does: registering the portal, completing a user's
//!   registration with the `otp` PreRegisterUser issued, sending a login's pictures and its
//!   decision, closing sessions, updating, deleting and adding users, disabling the service.
//!
//! The driver talks to the portal with its own plain HTTP client and reads the answers as
//! raw JSON, never with the portal's types, so a portal bug cannot hide in shared code.

mod driver;
mod picture;
mod server;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use futures_util::future::BoxFuture;
use rand::distr::{Alphanumeric, SampleString};

use super::sim::{answer_buffered, SimBody, SimRequest, SimResponse, Simulator};
use crate::Vendor;

pub use driver::CallbackReply;

const PRE_REGISTER_USER: &str = "/api/UserRegistration/PreRegisterUser";
const REQUEST_AUTHORIZATION: &str = "/api/UserAuthentication/RequestAuthorization";

/// The portal as the stand-in registered it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimPortal {
    /// The `portalId` the stand-in assigned.
    pub portal_id: String,
    /// The bearer token the stand-in expects on the portal's calls.
    pub auth_token: String,
    /// The sCode the portal answered in pre-registration.
    pub s_code: String,
}

/// A PreRegisterUser the stand-in received, waiting for the user to register.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SimPreRegistration {
    /// `userId`.
    pub user_id: String,
    /// The one-time code the stand-in issued, which completes the registration.
    pub otp: String,
    /// The link the stand-in answered for the user to register.
    pub register_link: String,
    /// `clientIP`, when sent.
    pub client_ip: Option<String>,
    /// `redirectUrl`, when sent.
    pub redirect_url: Option<String>,
    /// `data.givenName`, when sent.
    pub given_name: Option<String>,
    /// `data.surName`, when sent.
    pub sur_name: Option<String>,
    /// `data.phoneNumber`, when sent.
    pub phone_number: Option<String>,
    /// `data.email`, when sent.
    pub email: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    base_url: String,
    /// The portal's replicas; callbacks go to each in turn.
    portal_urls: Vec<String>,
    next_portal: usize,
    /// How many more times a callback that found no replica, or a 503, is delivered.
    redeliveries: u32,
    portal: Option<SimPortal>,
    /// NoPass accounts that can log in.
    users: BTreeSet<String>,
    pre_registrations: HashMap<String, SimPreRegistration>,
    /// `authId` → user, for every login started.
    logins: HashMap<String, String>,
    last_login: HashMap<String, String>,
}

/// The NoPass server stand-in's state and control API.
pub struct NoPassSim {
    state: Mutex<State>,
    http: reqwest::Client,
}

impl std::fmt::Debug for NoPassSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoPassSim").field("portal_urls", &self.state().portal_urls).finish_non_exhaustive()
    }
}

impl Default for NoPassSim {
    fn default() -> Self {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        Self { state: Mutex::new(State::default()), http }
    }
}

/// A random token of `len` letters and digits.
fn token(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), len)
}

/// An id shaped like the GUIDs the NoPass server uses (36 characters).
fn guid() -> String {
    let hex = |n: usize| -> String {
        (0..n).map(|_| char::from_digit(rand::random_range(0..16u32), 16).unwrap_or('0')).collect()
    };
    format!("{}-{}-{}-{}-{}", hex(8), hex(4), hex(4), hex(4), hex(12))
}

impl NoPassSim {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn set_base_url(&self, url: String) {
        self.state().base_url = url;
    }

    /// Where the portal's callbacks are (`http://host:port`, the mount path included if any).
    pub fn set_portal_url(&self, url: &str) {
        self.set_portal_urls(&[url]);
    }

    /// A portal running as several replicas behind no balancer: each callback goes to the
    /// next URL in turn, as a load balancer would spread them.
    pub fn set_portal_urls(&self, urls: &[&str]) {
        let mut state = self.state();
        state.portal_urls = urls.iter().map(|url| url.trim_end_matches('/').to_string()).collect();
        state.next_portal = 0;
    }

    /// The first of the portal's URLs.
    pub fn portal_url(&self) -> Option<String> {
        self.state().portal_urls.first().cloned()
    }

    /// Delivers a callback up to `times` more times when a replica cannot be reached or
    /// answers 503 (after a short pause), each time to the next replica, as the NoPass server
    /// retries. Off (0) by default, so a test sees every answer.
    pub fn set_redeliveries(&self, times: u32) {
        self.state().redeliveries = times;
    }

    /// The URL the next callback goes to (round-robin).
    fn next_portal_url(&self) -> Option<String> {
        let mut state = self.state();
        let count = state.portal_urls.len();
        let url = state.portal_urls.get(state.next_portal % count.max(1)).cloned();
        state.next_portal = state.next_portal.wrapping_add(1);
        url
    }

    /// The portal as registered by [`NoPassSim::register_portal`].
    pub fn registration(&self) -> Option<SimPortal> {
        self.state().portal.clone()
    }

    /// Takes `portal` as registered without calling the portal (for a portal registered by
    /// other means, e.g. callbacks a test handed to it directly).
    pub fn set_registration(&self, portal: SimPortal) {
        self.state().portal = Some(portal);
    }

    /// Makes `user_id` a NoPass user who can log in (as if registered earlier).
    pub fn add_user(&self, user_id: &str) {
        self.state().users.insert(user_id.to_string());
    }

    /// Whether `user_id` is a NoPass user who can log in.
    pub fn has_user(&self, user_id: &str) -> bool {
        self.state().users.contains(user_id)
    }

    /// The PreRegisterUser received for `user_id` and not completed yet.
    pub fn pre_registration(&self, user_id: &str) -> Option<SimPreRegistration> {
        self.state().pre_registrations.get(user_id).cloned()
    }

    /// The `authId` of the last login RequestAuthorization started for `user_id`.
    pub fn last_auth_id(&self, user_id: &str) -> Option<String> {
        self.state().last_login.get(user_id).cloned()
    }

    /// The user a login's `authId` was issued for.
    pub fn login_user(&self, auth_id: &str) -> Option<String> {
        self.state().logins.get(auth_id).cloned()
    }
}

impl Simulator for NoPassSim {
    fn vendor(&self) -> Vendor {
        Vendor::NoPass
    }

    fn route(&self, path: &str) -> Option<&'static str> {
        match path {
            PRE_REGISTER_USER => Some("nopass.PreRegisterUser"),
            REQUEST_AUTHORIZATION => Some("nopass.RequestAuthorization"),
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
