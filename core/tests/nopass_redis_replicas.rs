//! Two replicas of a web app, each with its own portal and its own `RedisStore` on one Redis,
//! act as one portal: the sandbox (as the NoPass server) calls back only replica A, while the
//! browser's requests land on replica B, which sees A's registration, is woken by A's
//! callbacks without polling, and redeems each login once across both.
#![cfg(all(feature = "nopass", feature = "redis", feature = "sandbox", feature = "server"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod nopass_support;
mod redis_support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use authbridge::nopass::{EmbeddedServer, PortalPhase, RedisStore, SessionState, UserPreRegistration};
use authbridge::sandbox::Sandbox;
use authbridge::WaitOptions;
use nopass_support::*;
use redis_support::{unique_portal, RedisServer};

#[tokio::test]
async fn callbacks_on_one_replica_wake_and_complete_logins_on_another() {
    let redis = RedisServer::start();
    let url = redis.url(&unique_portal("replicas"));
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let a = portal_with(config_for(&sandbox), &hooks, Some(Arc::new(RedisStore::open(&url).await.unwrap())));
    let b = portal_with(config_for(&sandbox), &hooks, Some(Arc::new(RedisStore::open(&url).await.unwrap())));
    let receiver = EmbeddedServer::start(a.clone(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let nopass = sandbox.nopass();
    nopass.set_portal_url(&receiver.url());

    // The console registers the portal through A; B holds the same registration (and token).
    let registration = nopass.register_portal(ADMIN_ID).await.unwrap();
    let status = b.status().await.unwrap();
    assert_eq!(status.phase, PortalPhase::Registered);
    assert_eq!(status.portal_id.as_deref(), Some(registration.portal_id.as_str()));

    // B starts a user's registration; the NoPass app completes it through A.
    let started = b.pre_register_user(UserPreRegistration::new("ann@example.com")).await.unwrap();
    nopass.complete_user_registration("ann@example.com").await.unwrap();
    assert_eq!(b.session(&started.handle).await.unwrap().unwrap().state, SessionState::Authorized);
    b.redeem_login(&started.handle).await.unwrap();
    assert_eq!(a.redeem_login(&started.handle).await.unwrap_err().code(), "conflict", "redeemed once across both");

    // B starts a login and its page long-polls B with a one-minute interval: only A's
    // callbacks, through Redis pub/sub, can wake it in time.
    let login = b.request_authorization("ann@example.com").await.unwrap();
    let auth_id = nopass.last_auth_id("ann@example.com").unwrap();
    let options = WaitOptions::new(Duration::from_secs(20)).interval(Duration::from_secs(60));
    let started = Instant::now();
    let driver = async { nopass.drive_login(&auth_id, 3, true).await };
    let page = async {
        let mut seen = login.version;
        loop {
            let session = b.wait_session(&login.handle, seen, &options).await?;
            seen = session.version;
            if session.state != SessionState::Pending {
                return Ok::<_, authbridge::Error>(session);
            }
        }
    };
    let (driven, paged) = tokio::join!(driver, page);
    driven.unwrap();
    let session = paged.unwrap();
    println!("three pictures and the authorisation reached B's page in {:?}", started.elapsed());
    assert_eq!((session.state, session.pictures), (SessionState::Authorized, 4));
    assert!(started.elapsed() < Duration::from_secs(15), "woken by polling, not by the change feed");

    assert_eq!(b.redeem_login(&login.handle).await.unwrap().user_id, "ann@example.com");
    assert_eq!(a.redeem_login(&login.handle).await.unwrap_err().code(), "conflict");
    receiver.stop().await;
}

#[tokio::test]
async fn while_redis_is_down_callbacks_get_503_and_nothing_is_half_applied() {
    let mut redis = RedisServer::start();
    let url = redis.url(&unique_portal("outage"));
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let portal = portal_with(config_for(&sandbox), &hooks, Some(Arc::new(RedisStore::open(&url).await.unwrap())));
    register(&portal, Some(&sandbox)).await;
    sandbox.nopass().add_user("alice");
    let login = portal.request_authorization("alice").await.unwrap();
    let auth_id = sandbox.nopass().last_auth_id("alice").unwrap();
    let authorize = serde_json::json!({ "authId": auth_id, "isAuthorized": true });

    redis.kill();
    let started = Instant::now();
    let answer = post(&portal, authbridge::nopass::Callback::AuthorizedUser, authorize.clone()).await;
    assert!(started.elapsed() < Duration::from_secs(15), "a callback hung while Redis was down");
    assert_refused(&answer, 503, "store_unavailable", &["nothing was changed"]);
    assert!(answer.headers.iter().any(|(name, _)| name == "Retry-After"), "{:?}", answer.headers);
    assert_eq!(portal.session(&login.handle).await.unwrap_err().code(), "store");

    // Redis is back: the NoPass server's retry goes through on the same portal.
    redis.restart();
    let deadline = Instant::now() + Duration::from_secs(20);
    let retried = loop {
        let answer = post(&portal, authbridge::nopass::Callback::AuthorizedUser, authorize.clone()).await;
        if answer.status != 503 || Instant::now() > deadline {
            break answer;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(assert_ok(&retried), serde_json::json!(true));
    let session = portal.session(&login.handle).await.unwrap().unwrap();
    assert_eq!((session.state, session.version), (SessionState::Authorized, 2), "applied once, whole");
}
