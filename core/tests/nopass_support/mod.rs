//! Shared set-up of the NoPass portal tests: the vendor's example values (docs/vendors/nopass.md),
//! a portal wired to the sandbox's NoPass server, recording hooks, and a PNG maker.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use authbridge::nopass::{
    AccessPolicy, AuthorizationResult, Callback, HookError, HookFuture, NoPassServerConfig, PictureUpdate, Portal,
    PortalConfig, PortalHooks, PortalResponse, PortalStore, PreRegistration, Registration, RequestHead,
    ServiceDisabling, SessionClosing, UserDeletion, UserRegistration, UserRegistrationCheck, UserUpdate, UsersAddition,
};
use authbridge::sandbox::{Sandbox, SimPortal};
use authbridge::Vendor;
use base64::Engine;
use serde_json::{json, Value};

/// Seed 1's example values.
pub const ADMIN_ID: &str = "JimTheAdmin";
pub const R: u64 = 36729001;
pub const S_CODE: &str = "nDhTZvX82Et";
/// Seed 11's example `portalId`.
pub const PORTAL_ID: &str = "ff34as4578sdjlkf";
pub const AUTH_TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.portal-token";
pub const SETTINGS: &str = "{\"theme\":\"dark\"}";

/// Hooks that record every event (as JSON) and decide as told.
#[derive(Default)]
pub struct Recorder {
    pub events: Mutex<Vec<(String, Value)>>,
    /// The answer of every decision hook.
    pub accept: AtomicBool,
    /// Hooks that fail (by callback name).
    pub failing: Mutex<Vec<String>>,
    /// Hooks that panic (by callback name).
    pub panicking: Mutex<Vec<String>>,
}

impl Recorder {
    pub fn accepting() -> Arc<Self> {
        let recorder = Self::default();
        recorder.accept.store(true, Ordering::SeqCst);
        Arc::new(recorder)
    }

    pub fn refusing() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn fail(&self, callback: Callback) {
        self.failing.lock().unwrap().push(callback.name().into());
    }

    pub fn panic_on(&self, callback: Callback) {
        self.panicking.lock().unwrap().push(callback.name().into());
    }

    pub fn heal(&self) {
        self.failing.lock().unwrap().clear();
        self.panicking.lock().unwrap().clear();
    }

    /// The events recorded for one callback.
    pub fn events_of(&self, callback: Callback) -> Vec<Value> {
        self.events.lock().unwrap().iter().filter(|(n, _)| n == callback.name()).map(|(_, e)| e.clone()).collect()
    }

    fn record<T: serde::Serialize, R: Send + 'static>(&self, callback: Callback, event: T, answer: R) -> HookFuture<R> {
        let name = callback.name().to_string();
        if self.panicking.lock().unwrap().contains(&name) {
            return Box::pin(async move { panic!("hook {name} panics on purpose") });
        }
        if self.failing.lock().unwrap().contains(&name) {
            return Box::pin(async move { Err(HookError::new(format!("{name} fails on purpose"))) });
        }
        self.events.lock().unwrap().push((name, serde_json::to_value(event).unwrap()));
        Box::pin(async move { Ok(answer) })
    }

    fn decide(&self) -> bool {
        self.accept.load(Ordering::SeqCst)
    }
}

/// The recorder as the portal's hooks.
pub struct Hooks(pub Arc<Recorder>);

impl PortalHooks for Hooks {
    fn confirm_pre_registration(&self, e: PreRegistration) -> HookFuture<()> {
        self.0.record(Callback::ConfirmPreRegistration, e, ())
    }
    fn confirm_registration(&self, e: Registration) -> HookFuture<()> {
        self.0.record(Callback::ConfirmRegistration, e, ())
    }
    fn update_picture(&self, e: PictureUpdate) -> HookFuture<()> {
        self.0.record(Callback::UpdatePicture, e, ())
    }
    fn validate_user_registration(&self, e: UserRegistrationCheck) -> HookFuture<bool> {
        self.0.record(Callback::ValidateUserRegistration, e, self.0.decide())
    }
    fn confirm_user_registration(&self, e: UserRegistration) -> HookFuture<()> {
        self.0.record(Callback::ConfirmUserRegistration, e, ())
    }
    fn authorized_user(&self, e: AuthorizationResult) -> HookFuture<()> {
        self.0.record(Callback::AuthorizedUser, e, ())
    }
    fn update_user(&self, e: UserUpdate) -> HookFuture<bool> {
        self.0.record(Callback::UpdateUser, e, self.0.decide())
    }
    fn delete_user(&self, e: UserDeletion) -> HookFuture<bool> {
        self.0.record(Callback::DeleteUser, e, self.0.decide())
    }
    fn add_users(&self, e: UsersAddition) -> HookFuture<bool> {
        self.0.record(Callback::AddUsers, e, self.0.decide())
    }
    fn close_session(&self, e: SessionClosing) -> HookFuture<()> {
        self.0.record(Callback::CloseSession, e, ())
    }
    fn disable_service(&self, e: ServiceDisabling) -> HookFuture<()> {
        self.0.record(Callback::DisableService, e, ())
    }
}

/// The vendor's example portal, serving callers on this machine only (the sandbox's NoPass server
/// and [`post`]).
pub fn config() -> PortalConfig {
    PortalConfig::new(ADMIN_ID, S_CODE).unwrap().access(AccessPolicy::loopback())
}

/// The address [`post`] calls from.
pub const LOOPBACK: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

/// A portal wired to the sandbox's NoPass server.
pub fn config_for(sandbox: &Sandbox) -> PortalConfig {
    config().server(NoPassServerConfig::new(&sandbox.url(Vendor::NoPass).unwrap()).unwrap())
}

pub fn portal_with(config: PortalConfig, hooks: &Arc<Recorder>, store: Option<Arc<dyn PortalStore>>) -> Portal {
    let mut builder = Portal::builder(config).hooks(Hooks(hooks.clone()));
    if let Some(store) = store {
        builder = builder.shared_store(store);
    }
    builder.build().unwrap()
}

/// POSTs `body` to a callback as the NoPass server does (`application/json-patch+json`), from
/// this machine.
pub async fn post(portal: &Portal, callback: Callback, body: Value) -> PortalResponse {
    post_from(portal, LOOPBACK, callback, body).await
}

/// [`post`] from another address.
pub async fn post_from(portal: &Portal, peer: std::net::IpAddr, callback: Callback, body: Value) -> PortalResponse {
    let head =
        RequestHead::new("POST", callback.path()).header("Content-Type", "application/json-patch+json").peer(peer);
    portal.handle_request(head, body.to_string().as_bytes()).await
}

/// Registers the portal with the vendor's example values, and tells the sandbox (when given) it
/// is registered so the portal's own calls are accepted.
pub async fn register(portal: &Portal, sandbox: Option<&Sandbox>) {
    let pre = post(portal, Callback::ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": R })).await;
    assert_eq!(pre.status, 200, "{}", pre.body_text());
    let reg = post(
        portal,
        Callback::ConfirmRegistration,
        json!({ "settings": SETTINGS, "portalId": PORTAL_ID, "authToken": AUTH_TOKEN }),
    )
    .await;
    assert_eq!(reg.status, 200, "{}", reg.body_text());
    if let Some(sandbox) = sandbox {
        sandbox.nopass().set_registration(SimPortal {
            portal_id: PORTAL_ID.into(),
            auth_token: AUTH_TOKEN.into(),
            s_code: S_CODE.into(),
        });
    }
}

/// Asserts a refusal: status, error code, and (when given) a message fragment.
#[track_caller]
pub fn assert_refused(response: &PortalResponse, status: u16, code: &str, message_has: &[&str]) {
    assert_eq!(response.status, status, "{}", response.body_text());
    assert_eq!(response.error_code().as_deref(), Some(code), "{}", response.body_text());
    let message = response.error_message().unwrap_or_default();
    for part in message_has {
        assert!(message.contains(part), "message {message:?} lacks {part:?}");
    }
    assert_eq!(response.json()["errors"].as_array().map(Vec::len), Some(1));
}

/// Asserts a success in the envelope and returns its `result`.
#[track_caller]
pub fn assert_ok(response: &PortalResponse) -> Value {
    assert_eq!(response.status, 200, "{}", response.body_text());
    let body = response.json();
    assert_eq!(body["errors"], json!([]), "{}", response.body_text());
    body["result"].clone()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
    }
    c ^ 0xFFFF_FFFF
}

fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
}

/// A PNG-8 with `padding` extra bytes in a private ancillary chunk (to make big pictures).
pub fn png(padding: usize) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = 1u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&1u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 3, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"PLTE", &[10, 20, 30]);
    if padding > 0 {
        chunk(&mut out, b"prVt", &vec![7u8; padding]);
    }
    chunk(&mut out, b"IDAT", &[0x78, 0x01, 0x01, 0x02, 0x00, 0xfd, 0xff, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]);
    chunk(&mut out, b"IEND", &[]);
    out
}

pub fn png_b64(padding: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(png(padding))
}

/// A pending login the portal started for `user{n}`: handle `h{n}`, known to the NoPass side
/// as `auth-{n}`, ten minutes to run, at `version` (with as many pictures).
pub fn pending_login(n: usize, version: u64) -> authbridge::nopass::LoginSession {
    use sha2::Digest;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    authbridge::nopass::LoginSession {
        handle: format!("h{n}"),
        auth_digest: Some(sha2::Sha256::digest(format!("auth-{n}")).into()),
        user_id: format!("user{n}"),
        origin: authbridge::nopass::SessionOrigin::Login,
        state: authbridge::nopass::SessionState::Pending,
        reason: None,
        image: None,
        next_change_ms: None,
        picture_expires_at_ms: None,
        pictures: version as u32,
        created_at_ms: now,
        expires_at_ms: now + 600_000,
        updated_at_ms: now,
        version,
    }
}
