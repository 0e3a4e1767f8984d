//! The portal's state machine: order of callbacks, re-registration and a lapsing
//! pre-registration, `portalId`, `otp` and `authId` ownership, registrations that do or do not
//! open a session, DisableService, host decisions, redeeming a login once, and hook or store
//! failures that must leave the state as it was.
//!
//! Sessions are read by their browser handle; callbacks name them by the `authId` the
//! sandbox's NoPass server issued (`last_auth_id`), which the host side never sees.
#![cfg(all(feature = "nopass", feature = "sandbox"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod nopass_support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use authbridge::nopass::{
    Callback, Change, LoginSession, MemoryStore, PendingRegistration, Portal, PortalRecord, PortalStore, SessionKey,
    SessionOrigin, SessionState, StoreFuture, UserPreRegistration,
};
use authbridge::sandbox::Sandbox;
use authbridge::{CancellationToken, Error, WaitOptions};
use nopass_support::*;
use serde_json::{json, Value};

/// A body each callback would accept in a registered portal (with `auth_id` and `otp` where
/// the callback needs them).
fn body_for(callback: Callback, auth_id: &str, otp: &str) -> Value {
    match callback {
        Callback::ConfirmPreRegistration => json!({ "adminId": ADMIN_ID, "r": R }),
        Callback::ConfirmRegistration => json!({ "portalId": PORTAL_ID, "authToken": AUTH_TOKEN }),
        Callback::UpdatePicture => json!({ "authId": auth_id, "image": png_b64(0), "nextChange": 30000 }),
        Callback::ValidateUserRegistration => json!({ "otp": otp, "login": "u" }),
        Callback::ConfirmUserRegistration => json!({ "otp": otp, "portalId": PORTAL_ID }),
        Callback::AuthorizedUser => json!({ "authId": auth_id, "isAuthorized": true }),
        Callback::UpdateUser => json!({ "userId": "u", "portalId": PORTAL_ID, "updates": {} }),
        Callback::DeleteUser => json!({ "userId": "u", "portalId": PORTAL_ID }),
        Callback::AddUsers => json!({ "users": [], "portalId": PORTAL_ID }),
        Callback::CloseSession => json!({ "userId": "", "portalId": PORTAL_ID, "authId": auth_id }),
        Callback::DisableService => json!({ "portalId": PORTAL_ID }),
    }
}

/// The `authId` the sandbox's NoPass server issued for the last login of `user`: what its
/// callbacks carry (the portal hands it to no one).
fn auth_id_of(sandbox: &Sandbox, user: &str) -> String {
    sandbox.nopass().last_auth_id(user).expect("the NoPass server issued an authId")
}

/// A registered portal on the sandbox, with a login started for `user`, and the `authId` the
/// NoPass server issued for it.
async fn logged_in(sandbox: &Sandbox, hooks: &Arc<Recorder>, user: &str) -> (Portal, LoginSession, String) {
    let portal = portal_with(config_for(sandbox), hooks, None);
    register(&portal, Some(sandbox)).await;
    sandbox.nopass().add_user(user);
    let login = portal.request_authorization(user).await.unwrap();
    let auth_id = auth_id_of(sandbox, user);
    (portal, login, auth_id)
}

#[tokio::test]
async fn nothing_but_registration_before_registration() {
    let hooks = Recorder::accepting();
    let portal = portal_with(config(), &hooks, None);
    for callback in Callback::ALL {
        if matches!(callback, Callback::ConfirmPreRegistration | Callback::ConfirmRegistration) {
            continue;
        }
        let response = post(&portal, callback, body_for(callback, "a", "o")).await;
        assert_refused(&response, 409, "not_registered", &[callback.name()]);
    }
    let early = post(&portal, Callback::ConfirmRegistration, body_for(Callback::ConfirmRegistration, "", "")).await;
    assert_refused(&early, 409, "not_pre_registered", &["ConfirmPreRegistration"]);
    assert_eq!(portal.status().await.unwrap(), PortalRecord::default());
    assert!(hooks.events.lock().unwrap().is_empty(), "no hook runs for a refused callback");

    // A wrong adminId does not pre-register.
    let wrong = post(&portal, Callback::ConfirmPreRegistration, json!({ "adminId": "JimTheAdmiN", "r": 1 })).await;
    assert_refused(&wrong, 403, "admin_id_mismatch", &["adminId"]);
    let wrong = post(&portal, Callback::ConfirmRegistration, body_for(Callback::ConfirmRegistration, "", "")).await;
    assert_eq!(wrong.status, 409);
    // Pre-registration may be repeated until registration.
    for r in [1, 2] {
        assert_eq!(
            assert_ok(&post(&portal, Callback::ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": r })).await)
                ["r"],
            json!(r + 1)
        );
    }
    assert_ok(&post(&portal, Callback::ConfirmRegistration, body_for(Callback::ConfirmRegistration, "", "")).await);
}

#[tokio::test]
async fn a_registered_portal_cannot_be_registered_again() {
    let hooks = Recorder::accepting();
    let portal = portal_with(config(), &hooks, None);
    register(&portal, None).await;
    let before = portal.status().await.unwrap();

    // The vendor: an empty 404, as if the endpoint did not exist.
    let again = post(&portal, Callback::ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": 5 })).await;
    assert_eq!((again.status, again.body.len(), again.content_type), (404, 0, None));
    for portal_id in [PORTAL_ID, "attacker-portal"] {
        let body = json!({ "portalId": portal_id, "authToken": "stolen", "settings": "x" });
        let rebind = post(&portal, Callback::ConfirmRegistration, body).await;
        assert_refused(&rebind, 409, "already_registered", &[]);
    }
    let after = portal.status().await.unwrap();
    assert_eq!(after, before);
    assert_eq!(after.auth_token.unwrap().expose(), AUTH_TOKEN);
}

/// New: a pre-registration not confirmed within `pre_registration_ttl` lapses, so a
/// half-registered portal cannot be bound by a ConfirmRegistration that comes later; the
/// NoPass server pre-registers again.
#[tokio::test]
async fn a_pre_registration_lapses_unless_registration_follows_in_time() {
    let hooks = Recorder::accepting();
    let portal = portal_with(config().pre_registration_ttl(Duration::from_millis(100)), &hooks, None);
    assert_ok(&post(&portal, Callback::ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": 1 })).await);
    assert_eq!(portal.status().await.unwrap().phase.as_str(), "pre_registered");
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(portal.status().await.unwrap().phase.as_str(), "unregistered");

    let late = post(&portal, Callback::ConfirmRegistration, body_for(Callback::ConfirmRegistration, "", "")).await;
    assert_refused(&late, 409, "not_pre_registered", &["ConfirmPreRegistration"]);
    let status = portal.status().await.unwrap();
    assert_eq!((status.portal_id, status.auth_token), (None, None));
    assert!(hooks.events_of(Callback::ConfirmRegistration).is_empty());

    // Pre-registered again, and confirmed in time: registered.
    assert_ok(&post(&portal, Callback::ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": 2 })).await);
    assert_ok(&post(&portal, Callback::ConfirmRegistration, body_for(Callback::ConfirmRegistration, "", "")).await);
    assert_eq!(portal.status().await.unwrap().phase.as_str(), "registered");
}

#[tokio::test]
async fn every_portal_id_must_match_the_registered_one() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let (portal, login, auth_id) = logged_in(&sandbox, &hooks, "u1").await;
    let started = portal.pre_register_user(UserPreRegistration::new("u2")).await.unwrap();
    for callback in [
        Callback::ConfirmUserRegistration,
        Callback::UpdateUser,
        Callback::DeleteUser,
        Callback::AddUsers,
        Callback::CloseSession,
        Callback::DisableService,
    ] {
        let mut body = body_for(callback, &auth_id, started.otp.expose());
        body["portalId"] = json!("ff34as4578sdjlkg");
        let response = post(&portal, callback, body).await;
        assert_refused(&response, 403, "portal_id_mismatch", &["portalId"]);
    }
    // Nothing was used up or changed by those.
    assert_eq!(portal.session(&login.handle).await.unwrap().unwrap().state, SessionState::Pending);
    assert_eq!(portal.status().await.unwrap().phase.as_str(), "registered");
    let body = body_for(Callback::ConfirmUserRegistration, "", started.otp.expose());
    assert_ok(&post(&portal, Callback::ConfirmUserRegistration, body).await);
}

#[tokio::test]
async fn an_otp_works_once_and_only_if_this_portal_issued_it_and_authorises_the_registration_once() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let portal = portal_with(config_for(&sandbox), &hooks, None);
    register(&portal, Some(&sandbox)).await;
    let started = portal.pre_register_user(UserPreRegistration::new("u1")).await.unwrap();
    let otp = started.otp.expose().to_string();

    let unknown = post(
        &portal,
        Callback::ConfirmUserRegistration,
        body_for(Callback::ConfirmUserRegistration, "", "never-issued"),
    )
    .await;
    assert_refused(&unknown, 403, "otp_refused", &["otp"]);
    // The issued otp with its last character changed (to one it surely is not).
    let last = if otp.ends_with('x') { 'y' } else { 'x' };
    let almost = format!("{}{last}", &otp[..otp.len() - 1]);
    let almost =
        post(&portal, Callback::ConfirmUserRegistration, body_for(Callback::ConfirmUserRegistration, "", &almost))
            .await;
    assert_eq!(almost.status, 403);

    // Nothing authorised the registration's session yet.
    let waiting = portal.session(&started.handle).await.unwrap().unwrap();
    assert_eq!((waiting.state, waiting.origin), (SessionState::Pending, SessionOrigin::Registration));
    assert_eq!(portal.redeem_login(&started.handle).await.unwrap_err().code(), "conflict");

    let first =
        post(&portal, Callback::ConfirmUserRegistration, body_for(Callback::ConfirmUserRegistration, "", &otp)).await;
    assert_ok(&first);
    let event = &hooks.events_of(Callback::ConfirmUserRegistration)[0];
    assert_eq!(
        (event["userId"].clone(), event["origin"].clone(), event["handle"].clone()),
        (json!("u1"), json!("portal"), json!(started.handle))
    );
    let replay =
        post(&portal, Callback::ConfirmUserRegistration, body_for(Callback::ConfirmUserRegistration, "", &otp)).await;
    assert_refused(&replay, 403, "otp_refused", &[]);
    assert_eq!(hooks.events_of(Callback::ConfirmUserRegistration).len(), 1);

    // The portal-started registration authorised its session under the handle the host got,
    // for the portal's own user, once.
    assert_eq!(portal.session(&started.handle).await.unwrap().unwrap().state, SessionState::Authorized);
    let redeemed = portal.redeem_login(&started.handle).await.unwrap();
    assert_eq!(
        (redeemed.handle.as_str(), redeemed.user_id.as_str(), redeemed.origin),
        (started.handle.as_str(), "u1", SessionOrigin::Registration)
    );
    assert_eq!(portal.redeem_login(&started.handle).await.unwrap_err().code(), "conflict");
    assert_eq!(portal.session(&started.handle).await.unwrap().unwrap().state, SessionState::Redeemed);
}

#[tokio::test]
async fn an_otp_expires() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let portal = portal_with(config_for(&sandbox).registration_ttl(Duration::from_millis(50)), &hooks, None);
    register(&portal, Some(&sandbox)).await;
    let started = portal.pre_register_user(UserPreRegistration::new("u1")).await.unwrap();
    assert!(started.expires_at_ms > 0);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let body = body_for(Callback::ValidateUserRegistration, "", started.otp.expose());
    assert_refused(&post(&portal, Callback::ValidateUserRegistration, body).await, 403, "otp_refused", &["expired"]);
    let body = body_for(Callback::ConfirmUserRegistration, "", started.otp.expose());
    assert_refused(&post(&portal, Callback::ConfirmUserRegistration, body).await, 403, "otp_refused", &[]);
    assert!(hooks.events_of(Callback::ConfirmUserRegistration).is_empty());
}

/// Changed: a registration the NoPass server started (and the host accepted) completes, but
/// opens no session: its `session.authId` is nothing a later callback can act on, and the hook
/// learns the registration's origin instead of a bare flag.
#[tokio::test]
async fn the_host_decides_registrations_the_server_starts_and_they_authorise_no_session() {
    let refusing = Recorder::refusing();
    let portal = portal_with(config(), &refusing, None);
    register(&portal, None).await;
    let validate = json!({ "otp": "server-otp", "login": "walk-in", "email": "w@example.com" });
    assert_eq!(assert_ok(&post(&portal, Callback::ValidateUserRegistration, validate.clone()).await), json!(false));
    let check = &refusing.events_of(Callback::ValidateUserRegistration)[0];
    assert_eq!(
        (check["origin"].clone(), check["userId"].clone(), check["login"].clone()),
        (json!("nopass_server"), Value::Null, json!("walk-in"))
    );
    // Refused: its otp is not accepted afterwards.
    let confirm = body_for(Callback::ConfirmUserRegistration, "", "server-otp");
    assert_refused(&post(&portal, Callback::ConfirmUserRegistration, confirm.clone()).await, 403, "otp_refused", &[]);

    // Accepted: the otp becomes a registration ConfirmUserRegistration completes, once.
    refusing.accept.store(true, Ordering::SeqCst);
    assert_eq!(assert_ok(&post(&portal, Callback::ValidateUserRegistration, validate).await), json!(true));
    let mut confirm = confirm;
    confirm["session"] = json!({ "authId": "srv-session", "login": "walk-in" });
    assert_ok(&post(&portal, Callback::ConfirmUserRegistration, confirm.clone()).await);
    let registration = &refusing.events_of(Callback::ConfirmUserRegistration)[0];
    assert_eq!(
        (registration["origin"].clone(), registration["userId"].clone(), registration["handle"].clone()),
        (json!("nopass_server"), json!("walk-in"), Value::Null)
    );
    assert_eq!(post(&portal, Callback::ConfirmUserRegistration, confirm).await.status, 403);
    // No session was opened under its authId: the login callbacks do not know it.
    for callback in [Callback::AuthorizedUser, Callback::UpdatePicture, Callback::CloseSession] {
        let response = post(&portal, callback, body_for(callback, "srv-session", "")).await;
        assert_refused(&response, 404, "unknown_auth_id", &["authId"]);
    }
    assert_eq!(refusing.events_of(Callback::ConfirmUserRegistration).len(), 1);
}

#[tokio::test]
async fn decisions_default_to_refusal() {
    let sandbox = Sandbox::start().await.unwrap();
    // No hooks at all.
    let portal = Portal::builder(config_for(&sandbox)).build().unwrap();
    register(&portal, Some(&sandbox)).await;
    let started = portal.pre_register_user(UserPreRegistration::new("u1")).await.unwrap();
    let validate = body_for(Callback::ValidateUserRegistration, "", started.otp.expose());
    assert_eq!(assert_ok(&post(&portal, Callback::ValidateUserRegistration, validate).await), json!(false));
    for callback in [Callback::UpdateUser, Callback::DeleteUser] {
        assert_refused(&post(&portal, callback, body_for(callback, "", "")).await, 403, "refused", &[]);
    }
    let add = json!({ "users": [{ "login": "x" }], "portalId": PORTAL_ID });
    assert_eq!(assert_ok(&post(&portal, Callback::AddUsers, add).await), json!(false));
}

#[tokio::test]
async fn an_auth_id_must_belong_to_a_login_this_portal_started() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let (portal, login, auth_id) = logged_in(&sandbox, &hooks, "u1").await;
    for callback in [Callback::UpdatePicture, Callback::AuthorizedUser, Callback::CloseSession] {
        let response = post(&portal, callback, body_for(callback, "not-issued-by-this-portal", "")).await;
        assert_refused(&response, 404, "unknown_auth_id", &["authId"]);
    }
    assert!(hooks.events_of(Callback::UpdatePicture).is_empty());
    // The browser handle is no authId: it names the session to the host only.
    let response = post(&portal, Callback::AuthorizedUser, body_for(Callback::AuthorizedUser, &login.handle, "")).await;
    assert_refused(&response, 404, "unknown_auth_id", &["authId"]);

    // Decided once; no picture after the decision; closed once.
    assert_ok(&post(&portal, Callback::AuthorizedUser, body_for(Callback::AuthorizedUser, &auth_id, "")).await);
    let again = json!({ "authId": auth_id, "isAuthorized": false, "reason": "late" });
    assert_refused(&post(&portal, Callback::AuthorizedUser, again).await, 409, "session_finished", &["authorized"]);
    assert_eq!(hooks.events_of(Callback::AuthorizedUser).len(), 1);
    let picture = body_for(Callback::UpdatePicture, &auth_id, "");
    assert_refused(&post(&portal, Callback::UpdatePicture, picture).await, 409, "session_finished", &[]);
    let close = body_for(Callback::CloseSession, &auth_id, "");
    assert_ok(&post(&portal, Callback::CloseSession, close.clone()).await);
    assert_refused(&post(&portal, Callback::CloseSession, close).await, 409, "session_finished", &["closed"]);
    let session = portal.session(&login.handle).await.unwrap().unwrap();
    assert_eq!((session.state, session.version), (SessionState::Closed, 3));
    // A login closed before it was redeemed is not handed out.
    assert_eq!(portal.redeem_login(&login.handle).await.unwrap_err().code(), "authentication_failed");
}

#[tokio::test]
async fn a_denied_login_keeps_the_reason_and_a_pending_one_expires() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let portal = portal_with(config_for(&sandbox).login_ttl(Duration::from_millis(300)), &hooks, None);
    register(&portal, Some(&sandbox)).await;
    sandbox.nopass().add_user("u1");
    let denied = portal.request_authorization("u1").await.unwrap();
    let body = json!({ "authId": auth_id_of(&sandbox, "u1"), "isAuthorized": false, "reason": "User rejected" });
    assert_ok(&post(&portal, Callback::AuthorizedUser, body).await);
    let session = portal.session(&denied.handle).await.unwrap().unwrap();
    assert_eq!((session.state, session.reason.as_deref()), (SessionState::Denied, Some("User rejected")));
    let event = &hooks.events_of(Callback::AuthorizedUser)[0];
    assert_eq!((event["authorized"].clone(), event["handle"].clone()), (json!(false), json!(denied.handle)));
    assert_eq!(portal.redeem_login(&denied.handle).await.unwrap_err().code(), "authentication_failed");

    let late = portal.request_authorization("u1").await.unwrap();
    let late_auth_id = auth_id_of(&sandbox, "u1");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(portal.session(&late.handle).await.unwrap().unwrap().state, SessionState::Expired);
    let body = body_for(Callback::UpdatePicture, &late_auth_id, "");
    assert_refused(&post(&portal, Callback::UpdatePicture, body).await, 410, "session_expired", &[]);
    let body = body_for(Callback::AuthorizedUser, &late_auth_id, "");
    assert_refused(&post(&portal, Callback::AuthorizedUser, body).await, 410, "session_expired", &[]);
    assert_eq!(portal.redeem_login(&late.handle).await.unwrap_err().code(), "authentication_failed");
}

#[tokio::test]
async fn everything_is_refused_after_disable_service() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let (portal, login, auth_id) = logged_in(&sandbox, &hooks, "u1").await;
    let started = portal.pre_register_user(UserPreRegistration::new("u2")).await.unwrap();
    assert_ok(&post(&portal, Callback::DisableService, body_for(Callback::DisableService, "", "")).await);
    assert_eq!(hooks.events_of(Callback::DisableService), vec![json!({ "portalId": PORTAL_ID })]);

    for callback in Callback::ALL {
        let response = post(&portal, callback, body_for(callback, &auth_id, started.otp.expose())).await;
        if callback == Callback::ConfirmPreRegistration {
            assert_eq!((response.status, response.body.len()), (404, 0));
        } else {
            assert_refused(&response, 403, "portal_disabled", &["DisableService"]);
        }
        if callback == Callback::DisableService {
            assert_eq!(response.json()["result"], json!(false));
        }
    }
    assert_eq!(portal.session(&login.handle).await.unwrap().unwrap().state, SessionState::Pending);
    assert_eq!(portal.session(&started.handle).await.unwrap().unwrap().state, SessionState::Pending);
    let error = portal.request_authorization("u1").await.unwrap_err();
    assert_eq!(error.code(), "conflict");
    assert_eq!(sandbox.request_count("nopass.RequestAuthorization"), 1, "nothing sent once disabled");

    // Only the host can start over.
    portal.reset().await.unwrap();
    assert_eq!(portal.status().await.unwrap().phase.as_str(), "unregistered");
    assert!(portal.session(&login.handle).await.unwrap().is_none());
    assert!(portal.session(&started.handle).await.unwrap().is_none());
    register(&portal, None).await;
}

#[tokio::test]
async fn a_failing_or_panicking_hook_changes_nothing() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let portal = portal_with(config_for(&sandbox), &hooks, None);
    assert_ok(&post(&portal, Callback::ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": 1 })).await);
    hooks.fail(Callback::ConfirmRegistration);
    let body = body_for(Callback::ConfirmRegistration, "", "");
    assert_refused(
        &post(&portal, Callback::ConfirmRegistration, body.clone()).await,
        500,
        "hook_failed",
        &["nothing was changed"],
    );
    assert_eq!(portal.status().await.unwrap().phase.as_str(), "pre_registered");
    hooks.heal();
    assert_ok(&post(&portal, Callback::ConfirmRegistration, body).await);
    register_sim(&sandbox);

    let started = portal.pre_register_user(UserPreRegistration::new("u1")).await.unwrap();
    hooks.panic_on(Callback::ConfirmUserRegistration);
    let confirm = body_for(Callback::ConfirmUserRegistration, "", started.otp.expose());
    assert_refused(&post(&portal, Callback::ConfirmUserRegistration, confirm.clone()).await, 500, "hook_failed", &[]);
    hooks.heal();
    // The otp was not used up by the failed attempt.
    assert_ok(&post(&portal, Callback::ConfirmUserRegistration, confirm).await);

    sandbox.nopass().add_user("u1");
    let login = portal.request_authorization("u1").await.unwrap();
    hooks.fail(Callback::UpdatePicture);
    let picture = body_for(Callback::UpdatePicture, &auth_id_of(&sandbox, "u1"), "");
    assert_eq!(post(&portal, Callback::UpdatePicture, picture).await.status, 500);
    assert_eq!(portal.session(&login.handle).await.unwrap().unwrap(), login);
}

fn register_sim(sandbox: &Sandbox) {
    sandbox.nopass().set_registration(authbridge::sandbox::SimPortal {
        portal_id: PORTAL_ID.into(),
        auth_token: AUTH_TOKEN.into(),
        s_code: S_CODE.into(),
    });
}

/// A store that fails every write while `broken` is set.
#[derive(Default)]
struct FlakyStore {
    inner: MemoryStore,
    broken: AtomicBool,
}

impl PortalStore for FlakyStore {
    fn load_portal(&self) -> StoreFuture<'_, PortalRecord> {
        self.inner.load_portal()
    }
    fn registration(&self, digest: [u8; 32]) -> StoreFuture<'_, Option<PendingRegistration>> {
        self.inner.registration(digest)
    }
    fn session(&self, key: SessionKey) -> StoreFuture<'_, Option<LoginSession>> {
        self.inner.session(key)
    }
    fn apply(&self, change: Change) -> StoreFuture<'_, ()> {
        if self.broken.load(Ordering::SeqCst) {
            return Box::pin(async { Err(Error::Store("disk full".into())) });
        }
        self.inner.apply(change)
    }
}

#[tokio::test]
async fn a_failing_store_changes_nothing_and_says_so() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let store = Arc::new(FlakyStore::default());
    let portal = portal_with(config_for(&sandbox), &hooks, Some(store.clone()));
    store.broken.store(true, Ordering::SeqCst);
    let pre = post(&portal, Callback::ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": 1 })).await;
    assert_refused(&pre, 503, "store_unavailable", &["nothing was changed"]);
    assert!(!pre.body_text().contains("disk full"), "store details stay in the log");
    assert_eq!(portal.status().await.unwrap().phase.as_str(), "unregistered");
    store.broken.store(false, Ordering::SeqCst);
    register(&portal, Some(&sandbox)).await;

    sandbox.nopass().add_user("u1");
    let login = portal.request_authorization("u1").await.unwrap();
    store.broken.store(true, Ordering::SeqCst);
    let body = body_for(Callback::AuthorizedUser, &auth_id_of(&sandbox, "u1"), "");
    assert_eq!(post(&portal, Callback::AuthorizedUser, body.clone()).await.status, 503);
    assert_eq!(portal.session(&login.handle).await.unwrap().unwrap().state, SessionState::Pending);
    let error = portal.request_authorization("u1").await.unwrap_err();
    assert_eq!(error.code(), "store");
    store.broken.store(false, Ordering::SeqCst);
    assert_ok(&post(&portal, Callback::AuthorizedUser, body).await);
    // Redeeming is a change too: it fails without one, and the login stays redeemable.
    store.broken.store(true, Ordering::SeqCst);
    assert_eq!(portal.redeem_login(&login.handle).await.unwrap_err().code(), "store");
    assert_eq!(portal.session(&login.handle).await.unwrap().unwrap().state, SessionState::Authorized);
    store.broken.store(false, Ordering::SeqCst);
    assert_eq!(portal.redeem_login(&login.handle).await.unwrap().user_id, "u1");
}

#[tokio::test]
async fn a_concurrent_replay_of_an_otp_succeeds_once() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let portal = portal_with(config_for(&sandbox), &hooks, None);
    register(&portal, Some(&sandbox)).await;
    let started = portal.pre_register_user(UserPreRegistration::new("u1")).await.unwrap();
    let body = body_for(Callback::ConfirmUserRegistration, "", started.otp.expose());
    let tries = (0..8).map(|_| {
        let portal = portal.clone();
        let body = body.clone();
        tokio::spawn(async move { post(&portal, Callback::ConfirmUserRegistration, body).await.status })
    });
    let mut statuses = Vec::new();
    for task in tries {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| matches!(s, 200 | 403 | 409)), "{statuses:?}");
    assert_eq!(hooks.events_of(Callback::ConfirmUserRegistration).len(), 1, "the hook decides once");
}

#[tokio::test]
async fn a_login_page_awaits_session_changes_and_the_host_redeems_the_login_once() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let (portal, login, auth_id) = logged_in(&sandbox, &hooks, "u1").await;
    let quick = WaitOptions::new(Duration::from_millis(1500));

    // Nothing new: the wait ends at its deadline.
    let error = portal.wait_session(&login.handle, login.version, &quick).await.unwrap_err();
    assert_eq!(error.code(), "timeout");
    // Version 0 means "what is there now".
    assert_eq!(portal.wait_session(&login.handle, 0, &quick).await.unwrap().version, 1);
    assert_eq!(portal.wait_session("nope", 0, &quick).await.unwrap_err().code(), "not_found");
    // The NoPass server's authId names no session to the host.
    assert_eq!(portal.wait_session(&auth_id, 0, &quick).await.unwrap_err().code(), "not_found");

    // A picture arrives while the page waits: the wait returns it.
    let waiter = {
        let portal = portal.clone();
        let handle = login.handle.clone();
        tokio::spawn(async move { portal.wait_session(&handle, 1, &WaitOptions::new(Duration::from_secs(30))).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let image = png_b64(10);
    let body = json!({ "authId": auth_id, "image": image, "nextChange": 25000 });
    assert_ok(&post(&portal, Callback::UpdatePicture, body).await);
    let seen = waiter.await.unwrap().unwrap();
    assert_eq!((seen.version, seen.image.as_deref(), seen.next_change_ms), (2, Some(image.as_str()), Some(25000)));
    assert!(seen.image_data_url().unwrap().starts_with("data:image/png;base64,"));
    // Not authorised yet: nothing to redeem.
    assert_eq!(portal.redeem_login(&login.handle).await.unwrap_err().code(), "conflict");

    // Then the decision.
    let waiter = {
        let portal = portal.clone();
        let handle = login.handle.clone();
        tokio::spawn(async move { portal.wait_session(&handle, 2, &WaitOptions::new(Duration::from_secs(30))).await })
    };
    assert_ok(&post(&portal, Callback::AuthorizedUser, body_for(Callback::AuthorizedUser, &auth_id, "")).await);
    assert_eq!(waiter.await.unwrap().unwrap().state, SessionState::Authorized);

    // Cancellation ends a wait.
    let cancel = CancellationToken::new();
    let options = WaitOptions::new(Duration::from_secs(30)).cancel(cancel.clone());
    let waiter = {
        let portal = portal.clone();
        let handle = login.handle.clone();
        tokio::spawn(async move { portal.wait_session(&handle, 3, &options).await })
    };
    cancel.cancel();
    assert_eq!(waiter.await.unwrap().unwrap_err().code(), "cancelled");

    // The host redeems the authorised login: its user, once; the page sees it redeemed.
    let redeemed = portal.redeem_login(&login.handle).await.unwrap();
    assert_eq!(
        (redeemed.handle.as_str(), redeemed.user_id.as_str(), redeemed.origin),
        (login.handle.as_str(), "u1", SessionOrigin::Login)
    );
    assert_eq!(portal.redeem_login(&login.handle).await.unwrap_err().code(), "conflict");
    assert_eq!(portal.redeem_login("nope").await.unwrap_err().code(), "not_found");
    let seen = portal.wait_session(&login.handle, 3, &quick).await.unwrap();
    assert_eq!((seen.state, seen.version), (SessionState::Redeemed, 4));
}

#[tokio::test]
async fn a_wait_ends_when_the_login_expires() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let portal = portal_with(config_for(&sandbox).login_ttl(Duration::from_millis(500)), &hooks, None);
    register(&portal, Some(&sandbox)).await;
    sandbox.nopass().add_user("u1");
    let login = portal.request_authorization("u1").await.unwrap();
    let seen = portal.wait_session(&login.handle, 1, &WaitOptions::new(Duration::from_secs(30))).await.unwrap();
    assert_eq!(seen.state, SessionState::Expired);
}

/// New: an authorised login nobody redeems within `redeem_ttl` expires and is not handed out.
#[tokio::test]
async fn an_authorised_login_expires_unredeemed() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let portal = portal_with(config_for(&sandbox).redeem_ttl(Duration::from_millis(300)), &hooks, None);
    register(&portal, Some(&sandbox)).await;
    sandbox.nopass().add_user("u1");
    let login = portal.request_authorization("u1").await.unwrap();
    let body = body_for(Callback::AuthorizedUser, &auth_id_of(&sandbox, "u1"), "");
    assert_ok(&post(&portal, Callback::AuthorizedUser, body).await);
    let seen = portal.wait_session(&login.handle, 2, &WaitOptions::new(Duration::from_secs(30))).await.unwrap();
    assert_eq!(seen.state, SessionState::Expired);
    assert_eq!(portal.redeem_login(&login.handle).await.unwrap_err().code(), "authentication_failed");
}
