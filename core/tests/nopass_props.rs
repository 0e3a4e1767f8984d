//! No input makes the portal answer a 5xx or panic: random sequences of requests — methods,
//! paths in any case, content types, raw bytes and JSON made of the vendor's field names with
//! values of every type and length — against portals in every phase. Every answer is a
//! well-formed envelope (or the documented empty body).
//!
//! Requests come from the loopback address the portal's policy admits (now and then from
//! another one), so they reach the state machine rather than stop at the access check.
#![cfg(all(feature = "nopass", feature = "sandbox"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod nopass_support;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use authbridge::nopass::{
    Callback, Change, LoginSession, MemoryStore, PendingRegistration, Portal, PortalResponse, PortalStore, RequestHead,
    SessionOrigin, SessionState, StoreOp,
};
use nopass_support::*;
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

const KEYS: &[&str] = &[
    "adminId",
    "r",
    "settings",
    "portalId",
    "authToken",
    "authId",
    "image",
    "nextChange",
    "UserId",
    "otp",
    "givenName",
    "surName",
    "phoneNumber",
    "email",
    "login",
    "profileImageUrl",
    "session",
    "isAuthorized",
    "reason",
    "userId",
    "updates",
    "users",
    "isUseEmailAsLogin",
    "newValue",
    "forbiddenStore",
    "locale",
];

/// Values that reach deep into the state machine in the prepared portals.
const KNOWN: &[&str] = &[ADMIN_ID, PORTAL_ID, AUTH_TOKEN, "auth-1", "otp-1", "otp-2", "", "\u{0}", "é", "null"];

fn key() -> impl Strategy<Value = String> {
    (prop::sample::select(KEYS), any::<u32>()).prop_map(|(key, mask)| {
        // Random case per letter: keys are matched without regard to case.
        key.chars()
            .enumerate()
            .map(|(i, c)| if mask & (1 << (i % 32)) != 0 { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
            .collect()
    })
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        (-1e12f64..1e12).prop_map(|f| json!(f)),
        prop::sample::select(KNOWN).prop_map(|s| json!(s)),
        ".{0,24}".prop_map(Value::String),
        (0usize..3000).prop_map(|n| json!("x".repeat(n))),
        (0usize..64).prop_map(|n| json!(png_b64(n))),
        Just(json!("iVBORw0KGgo=")),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6).prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

fn json_body() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((key(), value()), 0..8)
        .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>()).to_string().into_bytes())
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => json_body(),
        1 => prop::collection::vec(any::<u8>(), 0..64),
        1 => ".{0,40}".prop_map(String::into_bytes),
        1 => Just(b"[]".to_vec()),
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (prop::sample::select(Callback::ALL.to_vec()), any::<bool>(), any::<bool>()).prop_map(|(c, lower, slash)| {
            let path = if lower { c.path().to_lowercase() } else { c.path() };
            if slash { format!("{path}/") } else { path }
        }),
        1 => "/api/PortalCommunication/.{0,12}",
        1 => ".{0,30}",
    ]
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        6 => prop::sample::select(vec![
            "application/json", "application/json-patch+json", "text/json; charset=utf-8", "TEXT/JSON",
        ]).prop_map(|s| Some(s.to_string())),
        1 => prop::sample::select(vec!["text/plain", "application/json; charset=latin1", ";", ""]).prop_map(|s| Some(s.to_string())),
        1 => Just(None),
        1 => ".{0,20}".prop_map(Some),
    ]
}

#[derive(Debug, Clone)]
struct Call {
    peer: IpAddr,
    method: String,
    path: String,
    content_type: Option<String>,
    content_length: Option<String>,
    body: Vec<u8>,
}

fn peer() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        9 => Just(LOOPBACK),
        1 => any::<[u8; 4]>().prop_map(IpAddr::from),
    ]
}

fn call() -> impl Strategy<Value = Call> {
    (
        peer(),
        prop_oneof![9 => Just("POST".to_string()), 1 => "[A-Za-z]{0,7}"],
        path(),
        content_type(),
        prop_oneof![8 => Just(None), 1 => "[0-9 -]{0,12}".prop_map(Some)],
        body(),
    )
        .prop_map(|(peer, method, path, content_type, content_length, body)| Call {
            peer,
            method,
            path,
            content_type,
            content_length,
            body,
        })
}

impl Call {
    async fn send(&self, portal: &Portal) -> PortalResponse {
        let mut head = RequestHead::new(&self.method, &self.path).peer(self.peer);
        if let Some(content_type) = &self.content_type {
            head = head.header("Content-Type", content_type);
        }
        if let Some(length) = &self.content_length {
            head = head.header("Content-Length", length);
        }
        portal.handle_request(head, &self.body).await
    }
}

fn sha256(value: &str) -> [u8; 32] {
    Sha256::digest(value.as_bytes()).into()
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64
}

/// A pending session under `handle`, known to callbacks by `auth_id` when given.
fn pending_session(handle: &str, auth_id: Option<&str>, origin: SessionOrigin) -> LoginSession {
    let now = now_ms();
    LoginSession {
        handle: handle.into(),
        auth_digest: auth_id.map(sha256),
        user_id: "u".into(),
        origin,
        state: SessionState::Pending,
        reason: None,
        image: None,
        next_change_ms: None,
        picture_expires_at_ms: None,
        pictures: 0,
        created_at_ms: now,
        expires_at_ms: now + Duration::from_secs(3600).as_millis() as u64,
        updated_at_ms: now,
        version: 1,
    }
}

/// A portal in one of its phases. Once registered it knows a pending login `auth-1` (as
/// RequestAuthorization would have stored it), a registration the NoPass server started and
/// the host accepted (`otp-1`), and one the portal started with its pending session (`otp-2`).
async fn prepared(phase: u8, accept: bool) -> Portal {
    let hooks = if accept { Recorder::accepting() } else { Recorder::refusing() };
    let store: Arc<MemoryStore> = Arc::new(MemoryStore::new());
    let portal = portal_with(config(), &hooks, Some(store.clone()));
    if phase == 0 {
        return portal;
    }
    if phase == 1 {
        post(&portal, Callback::ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": 1 })).await;
        return portal;
    }
    register(&portal, None).await;
    hooks.accept.store(true, std::sync::atomic::Ordering::SeqCst);
    for otp in ["otp-0", "otp-1"] {
        post(&portal, Callback::ValidateUserRegistration, json!({ "otp": otp, "login": "u" })).await;
    }
    // A registration the NoPass server started completes but no longer opens a session, so the
    // known login is put in the store as RequestAuthorization would have.
    let confirm = json!({ "otp": "otp-0", "portalId": PORTAL_ID, "session": { "authId": "auth-0", "login": "u" } });
    assert_eq!(post(&portal, Callback::ConfirmUserRegistration, confirm).await.status, 200);
    let now = now_ms();
    let portal_version = store.load_portal().await.unwrap().version;
    let ops = vec![
        StoreOp::InsertSession(pending_session("login-handle", Some("auth-1"), SessionOrigin::Login)),
        StoreOp::PutRegistration(PendingRegistration {
            digest: sha256("otp-2"),
            user_id: Some("u".into()),
            handle: Some("registration-handle".into()),
            created_at_ms: now,
            expires_at_ms: now + 3_600_000,
        }),
        StoreOp::InsertSession(pending_session("registration-handle", None, SessionOrigin::Registration)),
    ];
    store.apply(Change { portal_version, ops }).await.unwrap();
    assert_eq!(portal.session("login-handle").await.unwrap().unwrap().state, SessionState::Pending);
    hooks.accept.store(accept, std::sync::atomic::Ordering::SeqCst);
    if phase == 3 {
        post(&portal, Callback::DisableService, json!({ "portalId": PORTAL_ID })).await;
    }
    portal
}

fn check(call: &Call, response: &PortalResponse) -> Result<(), TestCaseError> {
    prop_assert!((200..500).contains(&response.status), "{call:?} gave {}: {}", response.status, response.body_text());
    if response.body.is_empty() {
        // Only the vendor's empty 404 (pre-registration once registered) is empty here.
        prop_assert_eq!(response.status, 404);
        return Ok(());
    }
    let body: Value = serde_json::from_slice(&response.body).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let errors = body["errors"].as_array().ok_or_else(|| TestCaseError::fail("no errors list"))?;
    if response.status == 200 {
        prop_assert!(errors.is_empty());
    } else {
        prop_assert_eq!(errors.len(), 1);
        let code = errors[0]["code"].as_str().unwrap_or_default();
        let message = errors[0]["message"].as_str().unwrap_or_default();
        prop_assert!(!code.is_empty() && code.chars().count() <= 64);
        prop_assert!(!message.is_empty() && message.chars().count() <= 2084);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_input_gives_a_server_error_or_a_panic(
        phase in 0u8..4,
        accept in any::<bool>(),
        calls in prop::collection::vec(call(), 1..8),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let portal = prepared(phase, accept).await;
            for call in &calls {
                let response = call.send(&portal).await;
                check(call, &response)?;
            }
            Ok::<(), TestCaseError>(())
        })?;
    }

    #[test]
    fn every_callback_survives_any_json_body(
        phase in 0u8..4,
        callback in prop::sample::select(Callback::ALL.to_vec()),
        body in json_body(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let portal = prepared(phase, true).await;
            let call = Call {
                peer: LOOPBACK, method: "POST".into(), path: callback.path(),
                content_type: Some("application/json".into()), content_length: None, body,
            };
            let response = call.send(&portal).await;
            check(&call, &response)
        })?;
    }
}
