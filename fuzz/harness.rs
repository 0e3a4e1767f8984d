//! The `portal_handle` fuzz harness, shared by the fuzz target and the regression test that
//! replays the seeds and every crash ever found (`core/tests/nopass_fuzz_regressions.rs`).
//!
//! Input: byte 0 picks the phase (unregistered, pre-registered, registered with a pending login
//! `auth-1` and a pending `otp-1`, disabled) and whether decision hooks accept; the rest is
//! split at 0xFF bytes into up to 8 requests. In each request, byte 0 picks the callback (or
//! an unknown path), byte 1 the method, path case and content type, and the rest is the body.
//!
//! A panic, a 5xx, or an answer that is not the seed's envelope is a crash.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use authbridge::nopass::{
    AccessPolicy, Callback, Change, HookFuture, LoginSession, MemoryStore, Portal, PortalConfig, PortalHooks,
    PortalStore, SessionOrigin, SessionState, StoreOp, UserDeletion, UserRegistrationCheck, UserUpdate, UsersAddition,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const ADMIN_ID: &str = "JimTheAdmin";
const PORTAL_ID: &str = "ff34as4578sdjlkf";

/// Decision hooks answering what the flag says.
struct Decide(Arc<AtomicBool>);

impl Decide {
    fn answer(&self) -> HookFuture<bool> {
        let answer = self.0.load(Ordering::SeqCst);
        Box::pin(async move { Ok(answer) })
    }
}

impl PortalHooks for Decide {
    fn validate_user_registration(&self, _: UserRegistrationCheck) -> HookFuture<bool> {
        self.answer()
    }
    fn update_user(&self, _: UserUpdate) -> HookFuture<bool> {
        self.answer()
    }
    fn delete_user(&self, _: UserDeletion) -> HookFuture<bool> {
        self.answer()
    }
    fn add_users(&self, _: UsersAddition) -> HookFuture<bool> {
        self.answer()
    }
}

async fn post(portal: &Portal, callback: Callback, body: Value) -> u16 {
    portal
        .handle("POST", &callback.path(), [("Content-Type", "application/json")], body.to_string().as_bytes())
        .await
        .status
}

/// A login the portal started (as RequestAuthorization would have), known to the NoPass side
/// as `auth-1`.
fn pending_login() -> LoginSession {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    LoginSession {
        handle: "handle-1".into(),
        auth_digest: Some(Sha256::digest(b"auth-1").into()),
        user_id: "u".into(),
        origin: SessionOrigin::Login,
        state: SessionState::Pending,
        reason: None,
        image: None,
        next_change_ms: None,
        picture_expires_at_ms: None,
        pictures: 0,
        created_at_ms: now,
        expires_at_ms: now + 3_600_000,
        updated_at_ms: now,
        version: 1,
    }
}

async fn prepared(phase: u8, accept: bool) -> Portal {
    // Every caller is let in: the fuzzer plays the NoPass server, and the state machine
    // behind the access check is what is fuzzed.
    let config = PortalConfig::new(ADMIN_ID, "nDhTZvX82Et").expect("config").access(AccessPolicy::any_source());
    let accepting = Arc::new(AtomicBool::new(true));
    let store = Arc::new(MemoryStore::new());
    let portal =
        Portal::builder(config).shared_store(store.clone()).hooks(Decide(accepting.clone())).build().expect("portal");
    accepting.store(accept, Ordering::SeqCst);
    if phase == 0 {
        return portal;
    }
    assert_eq!(post(&portal, Callback::ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": 1 })).await, 200);
    if phase == 1 {
        return portal;
    }
    accepting.store(true, Ordering::SeqCst);
    let registration = json!({ "portalId": PORTAL_ID, "authToken": "token", "settings": "{}" });
    assert_eq!(post(&portal, Callback::ConfirmRegistration, registration).await, 200);
    for otp in ["otp-0", "otp-1"] {
        post(&portal, Callback::ValidateUserRegistration, json!({ "otp": otp, "login": "u" })).await;
    }
    let confirm = json!({ "otp": "otp-0", "portalId": PORTAL_ID, "session": { "authId": "auth-1", "login": "u" } });
    assert_eq!(post(&portal, Callback::ConfirmUserRegistration, confirm).await, 200);
    let version = store.load_portal().await.expect("record").version;
    let login = Change { portal_version: version, ops: vec![StoreOp::InsertSession(pending_login())] };
    store.apply(login).await.expect("login");
    if phase >= 3 {
        post(&portal, Callback::DisableService, json!({ "portalId": PORTAL_ID })).await;
    }
    accepting.store(accept, Ordering::SeqCst);
    portal
}

const CONTENT_TYPES: [Option<&str>; 6] = [
    Some("application/json"),
    Some("application/json-patch+json"),
    Some("text/json; charset=utf-8"),
    Some("text/plain"),
    Some("application/json; charset=latin1"),
    None,
];

const METHODS: [&str; 4] = ["POST", "POST", "GET", "post"];

pub fn check(response: &authbridge::nopass::PortalResponse) {
    assert!((200..500).contains(&response.status), "status {}: {}", response.status, response.body_text());
    if response.body.is_empty() {
        assert_eq!(response.status, 404, "only the vendor's 404 is empty");
        return;
    }
    let body: Value = serde_json::from_slice(&response.body).expect("the answer is JSON");
    let errors = body["errors"].as_array().expect("the envelope has errors");
    if response.status == 200 {
        assert!(errors.is_empty());
    } else {
        assert_eq!(errors.len(), 1);
        assert!(errors[0]["code"].as_str().is_some_and(|c| !c.is_empty() && c.len() <= 64));
        assert!(errors[0]["message"].as_str().is_some_and(|m| !m.is_empty() && m.chars().count() <= 2084));
    }
}

/// Runs one fuzz input: panics (assertion failures) are the crashes.
pub async fn run(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else { return };
    let portal = prepared(first % 4, first & 0x80 == 0).await;
    for request in rest.split(|b| *b == 0xFF).take(8) {
        let (selector, flags, body) = match request {
            [a, b, body @ ..] => (*a, *b, body),
            _ => (0, 0, request),
        };
        let path = match Callback::ALL.get(usize::from(selector) % 12) {
            Some(callback) if flags & 0x10 != 0 => callback.path().to_lowercase(),
            Some(callback) => callback.path(),
            None => format!("/api/PortalCommunication/{}", String::from_utf8_lossy(body)),
        };
        let method = METHODS[usize::from(flags & 0x03)];
        let mut headers = Vec::new();
        if let Some(content_type) = CONTENT_TYPES[usize::from((flags >> 5) % 6)] {
            headers.push(("Content-Type", content_type));
        }
        let response = portal.handle(method, &path, headers, body).await;
        check(&response);
    }
}
