//! The portal on a hostile network: every way in that the NoPass protocol leaves open, tried
//! as an attacker would, with each access policy. Each attack must be refused and leave the
//! portal's state (record, sessions, hook calls) as it was.
//!
//! The scene: the NoPass server calls from 192.0.2.10 (directly, or through the reverse proxy
//! 10.0.0.1), the attacker from 203.0.113.66. The attacker can forge any header and body, and
//! holds whatever a browser holds: the login's handle.
#![cfg(all(feature = "nopass", feature = "sandbox"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod nopass_support;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use authbridge::nopass::{
    AccessPolicy, AuthorizationResult, Callback, HookFuture, IpRange, LoginSession, Portal, PortalConfig, PortalHooks,
    PortalRecord, PortalResponse, RequestHead, SessionState, SharedSecret, UsersAddition,
};
use authbridge::sandbox::{Sandbox, SimPortal};
use authbridge::Secret;
use nopass_support::*;
use serde_json::{json, Value};

const NOPASS_SERVER: &str = "192.0.2.10";
const PROXY: &str = "10.0.0.1";
const ATTACKER: &str = "203.0.113.66";
const SECRET_HEADER: &str = "X-Portal-Secret";
const SECRET: &str = "s3cr3t-set-by-the-reverse-proxy";

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

/// The access policies a deployment can choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    /// The NoPass server's addresses, reaching the portal directly.
    Sources,
    /// The same addresses, behind a trusted reverse proxy that appends `X-Forwarded-For`.
    ProxiedSources,
    /// A secret header the reverse proxy adds.
    SharedSecret,
    /// TLS client certificates on the embedded receiver.
    ClientCertificate,
    /// The explicit opt-in: no caller check; only the state machine stands.
    AnySource,
}

const POLICIES: [Policy; 5] =
    [Policy::Sources, Policy::ProxiedSources, Policy::SharedSecret, Policy::ClientCertificate, Policy::AnySource];

impl Policy {
    fn access(self) -> AccessPolicy {
        let nopass = || [IpRange::parse("192.0.2.0/24").unwrap()];
        match self {
            Policy::Sources => AccessPolicy::sources(nopass()),
            Policy::ProxiedSources => AccessPolicy::sources(nopass()).trusted_proxies([IpRange::parse(PROXY).unwrap()]),
            Policy::SharedSecret => AccessPolicy::shared_secret(SharedSecret::Header {
                name: SECRET_HEADER.into(),
                value: Secret::new(SECRET),
            }),
            Policy::ClientCertificate => AccessPolicy::client_certificate(),
            Policy::AnySource => AccessPolicy::any_source(),
        }
    }

    /// How the NoPass server's calls arrive under this policy.
    fn legitimate(self, head: RequestHead) -> RequestHead {
        match self {
            Policy::Sources | Policy::AnySource => head.peer(ip(NOPASS_SERVER)),
            Policy::ProxiedSources => head.peer(ip(PROXY)).header("X-Forwarded-For", NOPASS_SERVER),
            Policy::SharedSecret => head.peer(ip(PROXY)).header(SECRET_HEADER, SECRET),
            Policy::ClientCertificate => {
                RequestHead { client_certificate_verified: true, ..head.peer(ip(NOPASS_SERVER)) }
            }
        }
    }

    /// Every way an attacker can dress a request under this policy: forged forwarding
    /// headers, guessed secrets, no address at all. Under `AnySource` every request is let in.
    fn forgeries(self, head: RequestHead) -> Vec<RequestHead> {
        let from_attacker = || head.clone().peer(ip(ATTACKER));
        match self {
            Policy::Sources => vec![
                from_attacker(),
                from_attacker().header("X-Forwarded-For", NOPASS_SERVER),
                head.clone().header("X-Forwarded-For", NOPASS_SERVER),
            ],
            Policy::ProxiedSources => vec![
                // Through the proxy, which appends the attacker's real address to the forgery.
                head.clone().peer(ip(PROXY)).header("X-Forwarded-For", format!("{NOPASS_SERVER}, {ATTACKER}")),
                // Around the proxy, claiming to be it.
                from_attacker().header("X-Forwarded-For", NOPASS_SERVER),
                head.clone().peer(ip(PROXY)).header("X-Forwarded-For", "not-an-address"),
            ],
            Policy::SharedSecret => vec![
                from_attacker(),
                from_attacker().header(SECRET_HEADER, "s3cr3t-set-by-the-reverse-prox"),
                from_attacker().header(SECRET_HEADER, SECRET.to_uppercase()),
                from_attacker().header("Authorization", format!("Bearer {SECRET}")).header(SECRET_HEADER, ""),
            ],
            Policy::ClientCertificate => vec![from_attacker(), head.clone().peer(ip(NOPASS_SERVER))],
            Policy::AnySource => vec![from_attacker()],
        }
    }
}

/// A registered portal with one login started for alice, under one policy. Its host is as
/// careless as can be: it accepts every decision, on whatever data it gets.
struct Scene {
    policy: Policy,
    sandbox: Sandbox,
    portal: Portal,
    hooks: Arc<Recorder>,
    login: LoginSession,
    auth_id: String,
}

/// Everything an attack could change.
#[derive(Debug, PartialEq)]
struct Snapshot {
    record: PortalRecord,
    login: Option<LoginSession>,
    hook_calls: usize,
}

impl Scene {
    async fn new(policy: Policy) -> Self {
        Self::with(policy, |config| config).await
    }

    async fn with(policy: Policy, tune: impl FnOnce(PortalConfig) -> PortalConfig) -> Self {
        let sandbox = Sandbox::start().await.unwrap();
        let hooks = Recorder::accepting();
        let config = tune(config_for(&sandbox).access(policy.access()));
        let portal = Portal::builder(config).hooks(Hooks(hooks.clone())).build().unwrap();
        let pre = send_as(policy, &portal, Callback::ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": R }));
        assert_ok(&pre.await);
        let body = json!({ "settings": SETTINGS, "portalId": PORTAL_ID, "authToken": AUTH_TOKEN });
        assert_ok(&send_as(policy, &portal, Callback::ConfirmRegistration, body).await);
        sandbox.nopass().set_registration(SimPortal {
            portal_id: PORTAL_ID.into(),
            auth_token: AUTH_TOKEN.into(),
            s_code: S_CODE.into(),
        });
        sandbox.nopass().add_user("alice");
        let login = portal.request_authorization("alice").await.unwrap();
        let auth_id = sandbox.nopass().last_auth_id("alice").unwrap();
        Scene { policy, sandbox, portal, hooks, login, auth_id }
    }

    /// A call from the NoPass server.
    async fn send(&self, callback: Callback, body: Value) -> PortalResponse {
        send_as(self.policy, &self.portal, callback, body).await
    }

    /// The call as an attacker can make it: every forgery the policy allows to be tried.
    async fn attack(&self, callback: Callback, body: Value) -> Vec<PortalResponse> {
        let mut answers = Vec::new();
        for forged in self.policy.forgeries(head(callback)) {
            answers.push(self.portal.handle_request(forged, body.to_string().as_bytes()).await);
        }
        answers
    }

    async fn snapshot(&self) -> Snapshot {
        Snapshot {
            record: self.portal.status().await.unwrap(),
            login: self.portal.session(&self.login.handle).await.unwrap(),
            hook_calls: self.hooks.events.lock().unwrap().len(),
        }
    }

    /// Every answer is a refusal in the vendor's envelope: by the access policy (401/403 before
    /// anything is parsed) or, where the attacker gets in, with one of `codes`.
    #[track_caller]
    fn assert_all_refused(&self, answers: &[PortalResponse], codes: &[&str]) {
        assert!(!answers.is_empty());
        for answer in answers {
            let code = answer.error_code().unwrap_or_default();
            assert!(answer.status >= 400 && answer.status < 500, "{:?}: {}", self.policy, answer.body_text());
            let by_policy =
                matches!(code.as_str(), "forbidden_source" | "unauthorized" | "client_certificate_required");
            if self.policy == Policy::AnySource {
                assert!(codes.contains(&code.as_str()), "{:?}: {}", self.policy, answer.body_text());
            } else {
                assert!(by_policy, "{:?} let an attacker in: {}", self.policy, answer.body_text());
            }
            assert_eq!(answer.json()["errors"].as_array().map(Vec::len), Some(1), "{}", answer.body_text());
        }
    }
}

fn head(callback: Callback) -> RequestHead {
    RequestHead::new("POST", callback.path()).header("Content-Type", "application/json")
}

/// A call from the NoPass server, as it arrives under `policy`.
async fn send_as(policy: Policy, portal: &Portal, callback: Callback, body: Value) -> PortalResponse {
    portal.handle_request(policy.legitimate(head(callback)), body.to_string().as_bytes()).await
}

#[tokio::test]
async fn a_portal_is_not_built_without_an_access_policy() {
    let error = Portal::builder(PortalConfig::new(ADMIN_ID, S_CODE).unwrap()).build().unwrap_err();
    assert_eq!(error.code(), "config");
    assert!(error.to_string().contains("access policy"), "{error}");
    for (policy, field) in [
        (AccessPolicy::default(), "access"),
        (AccessPolicy::any_source().with_shared_secret(SharedSecret::Bearer(Secret::new(SECRET))), "access"),
        (AccessPolicy::shared_secret(SharedSecret::Bearer(Secret::new("short"))), "shared_secret"),
        (AccessPolicy::client_certificate().trusted_proxies([IpRange::parse(PROXY).unwrap()]), "trusted_proxies"),
    ] {
        let error = PortalConfig::new(ADMIN_ID, S_CODE).unwrap().access(policy).validate().unwrap_err();
        assert!(error.to_string().contains(field), "{error}");
    }
}

#[tokio::test]
async fn a_forged_authorization_is_refused_and_changes_nothing() {
    for policy in POLICIES {
        let scene = Scene::new(policy).await;
        let before = scene.snapshot().await;
        // The attacker knows what a browser knows (the handle) and, under every policy but
        // AnySource, even the authId itself.
        let known = if policy == Policy::AnySource { scene.login.handle.clone() } else { scene.auth_id.clone() };
        let answers = scene.attack(Callback::AuthorizedUser, json!({ "authId": known, "isAuthorized": true })).await;
        scene.assert_all_refused(&answers, &["unknown_auth_id"]);
        assert_eq!(scene.snapshot().await, before, "{policy:?}");
        assert_eq!(scene.portal.redeem_login(&scene.login.handle).await.unwrap_err().code(), "conflict");

        // The real NoPass server still gets through.
        let real = scene.send(Callback::AuthorizedUser, json!({ "authId": scene.auth_id, "isAuthorized": true })).await;
        assert_eq!(assert_ok(&real), json!(true), "{policy:?}");
    }
}

#[tokio::test]
async fn a_forged_picture_is_refused_and_changes_nothing() {
    for policy in POLICIES {
        let scene = Scene::new(policy).await;
        let before = scene.snapshot().await;
        let known = if policy == Policy::AnySource { scene.login.handle.clone() } else { scene.auth_id.clone() };
        let body = json!({ "authId": known, "image": png_b64(0), "nextChange": 30_000 });
        let answers = scene.attack(Callback::UpdatePicture, body).await;
        scene.assert_all_refused(&answers, &["unknown_auth_id"]);
        assert_eq!(scene.snapshot().await, before, "{policy:?}");
    }
}

#[tokio::test]
async fn a_lapsed_pre_registration_cannot_be_bound_by_anyone() {
    for policy in POLICIES {
        let sandbox = Sandbox::start().await.unwrap();
        let config = config_for(&sandbox).access(policy.access()).pre_registration_ttl(Duration::from_millis(200));
        let portal = Portal::builder(config).build().unwrap();
        let pre = json!({ "adminId": ADMIN_ID, "r": R });
        assert_ok(&send_as(policy, &portal, Callback::ConfirmPreRegistration, pre).await);
        assert_eq!(portal.status().await.unwrap().phase.as_str(), "pre_registered");
        tokio::time::sleep(Duration::from_millis(250)).await;
        let before = portal.status().await.unwrap();
        assert_eq!(before.phase.as_str(), "unregistered", "{policy:?}: the pre-registration did not lapse");

        // Whoever calls now — the attacker, or even a caller the policy lets in — cannot bind it.
        let body = json!({ "portalId": "attackers-portal", "authToken": "attackers-token" });
        let mut heads = policy.forgeries(head(Callback::ConfirmRegistration));
        heads.push(policy.legitimate(head(Callback::ConfirmRegistration)));
        for attempt in heads {
            let answer = portal.handle_request(attempt, body.to_string().as_bytes()).await;
            assert!(matches!(answer.status, 401 | 403 | 409), "{policy:?}: {}", answer.body_text());
            let code = answer.error_code().unwrap();
            assert!(
                ["forbidden_source", "unauthorized", "client_certificate_required", "not_pre_registered"]
                    .contains(&code.as_str()),
                "{code}"
            );
        }
        assert_eq!(portal.status().await.unwrap(), before, "{policy:?}");
    }
}

#[tokio::test]
async fn guessing_the_admin_id_is_throttled() {
    let sandbox = Sandbox::start().await.unwrap();
    let portal = Portal::builder(config_for(&sandbox).access(AccessPolicy::any_source())).build().unwrap();
    let attacker = ip(ATTACKER);
    let guess = |admin_id: &str| json!({ "adminId": admin_id, "r": R });
    for n in 0..3 {
        let answer = post_from(&portal, attacker, Callback::ConfirmPreRegistration, guess(&format!("guess{n}"))).await;
        assert_refused(&answer, 403, "admin_id_mismatch", &[]);
    }
    let answer = post_from(&portal, attacker, Callback::ConfirmPreRegistration, guess("guess3")).await;
    assert_refused(&answer, 403, "admin_id_mismatch", &[]);
    // Locked out now: even the right adminId is refused before it is compared.
    let answer = post_from(&portal, attacker, Callback::ConfirmPreRegistration, guess(ADMIN_ID)).await;
    assert_refused(&answer, 429, "too_many_attempts", &["adminId"]);
    let retry_after: u64 = answer.headers.iter().find(|(n, _)| n == "Retry-After").unwrap().1.parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert_eq!(portal.status().await.unwrap().phase.as_str(), "unregistered");
    // Another source is not locked out by the attacker's guesses.
    assert_ok(&post_from(&portal, ip(NOPASS_SERVER), Callback::ConfirmPreRegistration, guess(ADMIN_ID)).await);

    // Under a source policy the guesses do not even reach the comparison.
    let scene = Scene::new(Policy::Sources).await;
    let before = scene.snapshot().await;
    for n in 0..10 {
        let answers = scene.attack(Callback::ConfirmPreRegistration, guess(&format!("g{n}"))).await;
        scene.assert_all_refused(&answers, &[]);
    }
    assert_eq!(scene.snapshot().await, before);
}

#[tokio::test]
async fn a_registration_the_caller_made_up_authorises_nothing() {
    for policy in POLICIES {
        let scene = Scene::new(policy).await;
        let before = scene.snapshot().await;
        // The attacker's own registration: its otp, its login, and a session it names.
        let otp = "attacker-chosen-otp";
        let forged_auth_id = "11111111-2222-3333-4444-555555555555";
        let check = json!({ "otp": otp, "login": "alice", "email": "alice@example.com" });
        let confirm =
            json!({ "otp": otp, "portalId": PORTAL_ID, "session": { "authId": forged_auth_id, "login": "alice" } });
        let mut answers = scene.attack(Callback::ValidateUserRegistration, check.clone()).await;
        answers.extend(scene.attack(Callback::ConfirmUserRegistration, confirm.clone()).await);
        answers.extend(
            scene.attack(Callback::AuthorizedUser, json!({ "authId": forged_auth_id, "isAuthorized": true })).await,
        );
        if policy == Policy::AnySource {
            // The gullible host accepts the made-up registration; the portal completes it but
            // opens no session, and tells the hook where it came from.
            let [validated, confirmed, authorized] = &answers[..] else { panic!("{answers:?}") };
            assert_eq!(assert_ok(validated), json!(true));
            assert_eq!(assert_ok(confirmed), json!("OK"));
            assert_refused(authorized, 404, "unknown_auth_id", &[]);
            let seen = scene.hooks.events_of(Callback::ConfirmUserRegistration);
            assert_eq!(seen.len(), 1);
            assert_eq!((&seen[0]["origin"], &seen[0]["handle"]), (&json!("nopass_server"), &Value::Null));
            let checked = scene.hooks.events_of(Callback::ValidateUserRegistration);
            assert_eq!(checked[0]["origin"], json!("nopass_server"));
            let after = scene.snapshot().await;
            assert_eq!((after.record, after.login), (before.record.clone(), before.login.clone()));
        } else {
            scene.assert_all_refused(&answers, &[]);
            assert_eq!(scene.snapshot().await, before, "{policy:?}");
        }
        // Nothing the attacker holds redeems anything.
        for handle in [forged_auth_id, otp, "alice", scene.login.handle.as_str()] {
            assert!(scene.portal.redeem_login(handle).await.is_err(), "{policy:?}: {handle} was redeemed");
        }
    }
}

#[tokio::test]
async fn an_authorised_login_is_redeemed_once_and_expires_unredeemed() {
    let scene = Scene::with(Policy::Sources, |config| config.redeem_ttl(Duration::from_millis(300))).await;
    let authorize = json!({ "authId": scene.auth_id, "isAuthorized": true });
    assert_ok(&scene.send(Callback::AuthorizedUser, authorize.clone()).await);
    let (first, second) =
        tokio::join!(scene.portal.redeem_login(&scene.login.handle), scene.portal.redeem_login(&scene.login.handle));
    let (won, lost) = match (first, second) {
        (Ok(won), Err(lost)) | (Err(lost), Ok(won)) => (won, lost),
        other => panic!("a login must be redeemed exactly once: {other:?}"),
    };
    assert_eq!((won.user_id.as_str(), won.handle.as_str()), ("alice", scene.login.handle.as_str()));
    assert_eq!(lost.code(), "conflict");
    assert!(lost.to_string().contains("redeemed already"), "{lost}");
    let redeemed = scene.portal.session(&scene.login.handle).await.unwrap().unwrap();
    assert_eq!(redeemed.state, SessionState::Redeemed);
    // A replayed AuthorizedUser cannot make it redeemable again.
    assert_refused(&scene.send(Callback::AuthorizedUser, authorize).await, 409, "session_finished", &[]);
    assert_eq!(scene.portal.redeem_login(&scene.login.handle).await.unwrap_err().code(), "conflict");

    // A second login, authorised and left alone past the redeem time, expires.
    scene.portal.request_authorization("alice").await.unwrap();
    let late = scene.portal.request_authorization("alice").await.unwrap();
    let auth_id = scene.sandbox.nopass().last_auth_id("alice").unwrap();
    assert_ok(&scene.send(Callback::AuthorizedUser, json!({ "authId": auth_id, "isAuthorized": true })).await);
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(scene.portal.session(&late.handle).await.unwrap().unwrap().state, SessionState::Expired);
    let error = scene.portal.redeem_login(&late.handle).await.unwrap_err();
    assert_eq!(error.code(), "authentication_failed");
    assert!(error.to_string().contains("expired"), "{error}");
    assert_eq!(scene.portal.redeem_login("no-such-handle").await.unwrap_err().code(), "not_found");
}

#[tokio::test]
async fn concurrent_copies_of_a_callback_reach_the_hook_once() {
    // A hook that takes a while, so that every copy arrives while the first is being decided.
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let slow = SlowHooks(hooks.clone(), Duration::from_millis(200));
    let portal = Portal::builder(config_for(&sandbox)).hooks(slow).build().unwrap();
    register(&portal, Some(&sandbox)).await;
    sandbox.nopass().add_user("alice");
    portal.request_authorization("alice").await.unwrap();
    let auth_id = sandbox.nopass().last_auth_id("alice").unwrap();
    let body = json!({ "authId": auth_id, "isAuthorized": true });
    let copies = (0..16).map(|_| post(&portal, Callback::AuthorizedUser, body.clone()));
    let answers = futures_util::future::join_all(copies).await;
    let ok = answers.iter().filter(|a| a.status == 200).count();
    assert_eq!(ok, 1, "{:?}", answers.iter().map(PortalResponse::body_text).collect::<Vec<_>>());
    for refused in answers.iter().filter(|a| a.status != 200) {
        assert_eq!(refused.status, 409, "{}", refused.body_text());
        assert_eq!(refused.error_code().as_deref(), Some("session_finished"));
    }
    assert_eq!(hooks.events_of(Callback::AuthorizedUser).len(), 1);

    // A decision that leaves no state (AddUsers): a concurrent copy is refused, not re-asked.
    let body = json!({ "users": [{ "login": "bo" }], "portalId": PORTAL_ID });
    let answers = futures_util::future::join_all((0..8).map(|_| post(&portal, Callback::AddUsers, body.clone()))).await;
    assert_eq!(answers.iter().filter(|a| a.status == 200).count(), 1);
    assert!(answers.iter().filter(|a| a.status != 200).all(|a| a.error_code().as_deref() == Some("in_progress")));
    assert_eq!(hooks.events_of(Callback::AddUsers).len(), 1);
}

/// Hooks that take their time before deciding as the recorder says.
struct SlowHooks(Arc<Recorder>, Duration);

impl PortalHooks for SlowHooks {
    fn add_users(&self, event: UsersAddition) -> HookFuture<bool> {
        let (answer, pause) = (Hooks(self.0.clone()).add_users(event), self.1);
        Box::pin(async move {
            tokio::time::sleep(pause).await;
            answer.await
        })
    }
    fn authorized_user(&self, event: AuthorizationResult) -> HookFuture<()> {
        let (answer, pause) = (Hooks(self.0.clone()).authorized_user(event), self.1);
        Box::pin(async move {
            tokio::time::sleep(pause).await;
            answer.await
        })
    }
}

#[tokio::test]
async fn a_hook_past_its_deadline_gets_a_503_and_changes_nothing() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let config = config_for(&sandbox).hook_timeout(Duration::from_millis(100));
    let portal = Portal::builder(config).hooks(SlowHooks(hooks, Duration::from_secs(3600))).build().unwrap();
    register(&portal, Some(&sandbox)).await;
    sandbox.nopass().add_user("alice");
    let login = portal.request_authorization("alice").await.unwrap();
    let auth_id = sandbox.nopass().last_auth_id("alice").unwrap();
    let started = std::time::Instant::now();
    let answer = post(&portal, Callback::AuthorizedUser, json!({ "authId": auth_id, "isAuthorized": true })).await;
    assert!(started.elapsed() < Duration::from_secs(5), "the deadline did not hold");
    assert_refused(&answer, 503, "hook_timeout", &["AuthorizedUser"]);
    assert!(answer.headers.iter().any(|(name, value)| name == "Retry-After" && value == "1"), "{:?}", answer.headers);
    assert_eq!(portal.session(&login.handle).await.unwrap().unwrap(), login, "a missed deadline changed the session");
}
