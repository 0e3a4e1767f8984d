//! The Redis store against a real `redis-server` that each test starts on a free port
//! (`redis_support`): the store contract; two stores on one Redis acting as two replicas of one
//! portal; every acknowledged change surviving a killed and restarted Redis, with the same
//! store reconnecting and telling its subscribers to re-read; bounded, password-free failures
//! while Redis is down or speaks no TLS; and AUTH / ACL credentials from the URL.
#![cfg(all(feature = "nopass", feature = "redis", feature = "store-contract"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod redis_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use authbridge::nopass::store_contract::{self, registered, registration, session};
use authbridge::nopass::{
    open_store, open_store_blocking, Change, ChangeFeed, PortalPhase, PortalRecord, PortalStore, RedisOptions,
    RedisStore, SessionKey, StoreEvent, StoreOp,
};
use futures_util::StreamExt;
use redis_support::{free_port, unique_portal, RedisServer};

/// Generous bounds: they catch a hang, not a slow machine.
const DOWN_BOUND: Duration = Duration::from_secs(10);
const RECOVERY: Duration = Duration::from_secs(30);

async fn next_event(feed: &mut ChangeFeed, within: Duration) -> StoreEvent {
    tokio::time::timeout(within, feed.next())
        .await
        .expect("the change feed said nothing in time")
        .expect("the change feed ended")
}

fn by_handle(handle: &str) -> SessionKey {
    SessionKey::Handle(handle.into())
}

#[tokio::test]
async fn the_redis_store_keeps_the_contract() {
    let server = RedisServer::start();
    let options = RedisOptions::default().portal(unique_portal("contract"));
    let url = format!("redis://127.0.0.1:{}/", server.port);
    store_contract::check(Arc::new(RedisStore::open_with(&url, options).await.unwrap())).await;
    // The same through a store URL, on a second portal of the same Redis.
    store_contract::check(open_store(&server.url(&unique_portal("by-url"))).await.unwrap()).await;
}

#[test]
fn opens_and_works_without_an_async_runtime() {
    let server = RedisServer::start();
    let url = server.url(&unique_portal("blocking"));
    let store = open_store_blocking(&url).unwrap();
    let change = Change { portal_version: 0, ops: vec![StoreOp::SetPortal(registered())] };
    authbridge::runtime::block_on(store.apply(change)).unwrap().unwrap();
    let again = RedisStore::open_blocking(&url).unwrap();
    assert_eq!(authbridge::runtime::block_on(again.load_portal()).unwrap().unwrap().version, 1);
}

#[tokio::test]
async fn every_key_of_a_portal_carries_its_hash_tag_and_no_plain_capability() {
    let server = RedisServer::start();
    let portal = unique_portal("keys");
    let store = RedisStore::open(&server.url(&portal)).await.unwrap();
    assert_eq!(store.portal(), portal);
    let ops = vec![
        StoreOp::SetPortal(registered()),
        StoreOp::PutRegistration(registration(0xab, 4_102_444_800_000)),
        StoreOp::InsertSession(session("h1", 1, 10)),
    ];
    store.apply(Change { portal_version: 0, ops }).await.unwrap();

    let client = redis::Client::open(format!("redis://127.0.0.1:{}/", server.port)).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let mut keys: Vec<String> = redis::cmd("KEYS").arg("*").query_async(&mut conn).await.unwrap();
    keys.sort();
    let tag = format!("authbridge:{{{portal}}}:");
    let names: Vec<&str> = keys.iter().map(|k| k.strip_prefix(&tag).expect("a key outside the portal's tag")).collect();
    let auth_hex = store_contract::auth_digest("h1").iter().map(|b| format!("{b:02x}")).collect::<String>();
    let expected = vec![
        format!("auth:{auth_hex}"),
        "portal".to_string(),
        format!("reg:{}", "ab".repeat(32)),
        "regs".to_string(),
        "session:h1".to_string(),
        "sessions".to_string(),
    ];
    assert_eq!(names, expected);
}

#[tokio::test]
async fn two_replicas_on_one_redis_act_as_one_portal() {
    let server = RedisServer::start();
    let url = server.url(&unique_portal("replicas"));
    let first = RedisStore::open(&url).await.unwrap();
    let second = RedisStore::open(&url).await.unwrap();
    let mut second_feed = second.subscribe();

    // Both decide on version 0; the second to apply is refused, as another process would be.
    first.apply(Change { portal_version: 0, ops: vec![StoreOp::SetPortal(registered())] }).await.unwrap();
    let stale = second.apply(Change { portal_version: 0, ops: vec![StoreOp::SetPortal(registered())] }).await;
    assert_eq!(stale.unwrap_err().code(), "conflict");
    assert_eq!(second.load_portal().await.unwrap(), PortalRecord { version: 1, ..registered() });

    // A session changed through one replica wakes the other's waits, quickly. The median of 20
    // is held to 50 ms, so one stall of a busy machine does not fail the test.
    let mut delays = Vec::new();
    for n in 0..20u64 {
        let handle = format!("s{n}");
        // Timed from the call that applies it (the script publishes as it commits).
        let started = Instant::now();
        first
            .apply(Change { portal_version: 1, ops: vec![StoreOp::InsertSession(session(&handle, 1, 10))] })
            .await
            .unwrap();
        loop {
            if next_event(&mut second_feed, Duration::from_secs(5)).await.touches(&handle) {
                break;
            }
        }
        delays.push(started.elapsed());
    }
    delays.sort();
    let median = delays[delays.len() / 2];
    println!("notice from one replica to the other: median {median:?}, slowest {:?}", delays[delays.len() - 1]);
    assert!(median < Duration::from_millis(50), "median {median:?}, all {delays:?}");

    // A stale session change from the other replica is a conflict too.
    let read = second.session(by_handle("s0")).await.unwrap().unwrap();
    let mut denied = session("s0", 2, 20);
    denied.state = authbridge::nopass::SessionState::Denied;
    let update = StoreOp::UpdateSession { session: denied.clone(), expected_version: read.version };
    first.apply(Change { portal_version: 1, ops: vec![update.clone()] }).await.unwrap();
    let stale = second.apply(Change { portal_version: 1, ops: vec![update] }).await;
    assert_eq!(stale.unwrap_err().code(), "conflict");
    assert_eq!(second.session(by_handle("s0")).await.unwrap(), Some(denied));

    // A reset through one replica tells the other to re-read everything.
    first.apply(Change { portal_version: 1, ops: vec![StoreOp::Reset] }).await.unwrap();
    loop {
        if next_event(&mut second_feed, Duration::from_secs(5)).await == StoreEvent::Everything {
            break;
        }
    }
    assert_eq!(second.load_portal().await.unwrap().phase, PortalPhase::Unregistered);
}

#[tokio::test]
async fn acknowledged_changes_survive_a_killed_redis_and_the_same_store_reconnects() {
    let mut server = RedisServer::start();
    let store = RedisStore::open(&server.url(&unique_portal("restart"))).await.unwrap();
    let mut feed = store.subscribe();
    store.apply(Change { portal_version: 0, ops: vec![StoreOp::SetPortal(registered())] }).await.unwrap();
    const SESSIONS: u64 = 40;
    for n in 0..SESSIONS {
        let handle = format!("r{n}");
        store
            .apply(Change { portal_version: 1, ops: vec![StoreOp::InsertSession(session(&handle, 1, 10))] })
            .await
            .unwrap();
        let update = StoreOp::UpdateSession { session: session(&handle, 2, 20 + n), expected_version: 1 };
        store.apply(Change { portal_version: 1, ops: vec![update] }).await.unwrap();
    }
    let put = StoreOp::PutRegistration(registration(7, 4_102_444_800_000));
    store.apply(Change { portal_version: 1, ops: vec![put] }).await.unwrap();

    server.kill();
    let started = Instant::now();
    let error = store.load_portal().await.unwrap_err();
    assert_eq!(error.code(), "store", "{error}");
    assert!(started.elapsed() < DOWN_BOUND, "failing took {:?}", started.elapsed());

    server.restart();
    let started = Instant::now();
    let record = loop {
        match store.load_portal().await {
            Ok(record) => break record,
            Err(error) => {
                assert_eq!(error.code(), "store", "{error}");
                assert!(started.elapsed() < RECOVERY, "the store did not reconnect: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    println!("the store read again {:?} after Redis restarted", started.elapsed());
    assert_eq!(record, PortalRecord { version: 1, ..registered() });
    for n in 0..SESSIONS {
        let stored = store.session(by_handle(&format!("r{n}"))).await.unwrap().expect("an acknowledged session");
        assert_eq!(stored, session(&format!("r{n}"), 2, 20 + n));
    }
    assert_eq!(store.registration([7; 32]).await.unwrap(), Some(registration(7, 4_102_444_800_000)));

    // Notices may have been missed while the feed was away: it says so once it is back.
    let deadline = Instant::now() + RECOVERY;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if next_event(&mut feed, left).await == StoreEvent::Everything {
            break;
        }
    }
    println!("the feed said Everything {:?} after Redis restarted", started.elapsed());

    // Writes work again on the same store (the restarted Redis loads the script anew).
    let take = Change { portal_version: 1, ops: vec![StoreOp::TakeRegistration([7; 32])] };
    store.apply(take.clone()).await.unwrap();
    assert_eq!(store.apply(take).await.unwrap_err().code(), "conflict");
}

#[tokio::test]
async fn while_redis_is_down_calls_fail_quickly_without_the_password() {
    const PASSWORD: &str = "Sup3r-s3cret-pw";
    let mut server = RedisServer::start_with(&["--requirepass", PASSWORD]);
    let url = format!("redis://:{PASSWORD}@127.0.0.1:{}/0?portal={}", server.port, unique_portal("down"));
    let store = RedisStore::open(&url).await.unwrap();
    assert!(!format!("{store:?}").contains(PASSWORD), "{store:?}");
    store.apply(Change { portal_version: 0, ops: vec![StoreOp::SetPortal(registered())] }).await.unwrap();

    server.kill();
    for _ in 0..3 {
        let started = Instant::now();
        let error =
            store.apply(Change { portal_version: 1, ops: vec![StoreOp::SetPortal(registered())] }).await.unwrap_err();
        let took = started.elapsed();
        println!("a change while Redis is down failed after {took:?}: {error}");
        assert_eq!(error.code(), "store", "{error}");
        assert!(took < DOWN_BOUND, "took {took:?}");
        let message = error.to_string();
        assert!(message.contains("redis") && message.contains(&format!("127.0.0.1:{}", server.port)), "{message}");
        assert!(!message.contains(PASSWORD), "{message}");
    }

    // Opening a store on a Redis that is not there fails the same way.
    let started = Instant::now();
    let nowhere = format!("redis://:{PASSWORD}@127.0.0.1:{}/", free_port());
    let error = RedisStore::open(&nowhere).await.unwrap_err();
    assert_eq!(error.code(), "store", "{error}");
    assert!(started.elapsed() < DOWN_BOUND, "took {:?}", started.elapsed());
    assert!(!error.to_string().contains(PASSWORD), "{error}");
}

#[tokio::test]
async fn rediss_to_a_plain_redis_fails_cleanly() {
    let server = RedisServer::start();
    let started = Instant::now();
    let options = RedisOptions::default().timeout(Duration::from_secs(3));
    let url = format!("rediss://127.0.0.1:{}/0?portal={}", server.port, unique_portal("tls"));
    let error = RedisStore::open_with(&url, options).await.unwrap_err();
    println!("rediss:// to a plain Redis failed after {:?}: {error}", started.elapsed());
    assert_eq!(error.code(), "store", "{error}");
    assert!(started.elapsed() < DOWN_BOUND, "took {:?}", started.elapsed());
    // The plain server is unharmed and serves the same portal over redis://.
    RedisStore::open(&url.replacen("rediss", "redis", 1)).await.unwrap();
}

#[tokio::test]
async fn credentials_come_from_the_url() {
    let portal = unique_portal("acl");
    let user_rules = format!("~authbridge:{{{portal}}}:* &authbridge:{{{portal}}}:* +@all");
    let mut args = vec!["--requirepass", "default-pw", "--user", "portal-app", "on", ">app-pw"];
    args.extend(user_rules.split(' '));
    let server = RedisServer::start_with(&args);
    let port = server.port;

    // The ACL user may touch only this portal's keys and channel, and that is all it needs.
    let store =
        RedisStore::open(&format!("redis://portal-app:app-pw@127.0.0.1:{port}/0?portal={portal}")).await.unwrap();
    store_contract::check(Arc::new(store)).await;
    // The default user's password alone (no user name) works too.
    RedisStore::open(&format!("redis://:default-pw@127.0.0.1:{port}/0?portal={portal}")).await.unwrap();

    for (url, secret) in [
        (format!("redis://127.0.0.1:{port}/0?portal={portal}"), None),
        (format!("redis://portal-app:wrong-pw@127.0.0.1:{port}/0?portal={portal}"), Some("wrong-pw")),
    ] {
        let error = RedisStore::open(&url).await.unwrap_err();
        let message = error.to_string();
        assert_eq!(error.code(), "store", "{message}");
        assert!(message.contains("redis://user:password@host/"), "the error says how to fix it: {message}");
        if let Some(secret) = secret {
            assert!(!message.contains(secret), "{message}");
        }
    }
    // Another portal's keys and channel are outside the user's rules: Redis refuses it at once.
    let error =
        RedisStore::open(&format!("redis://portal-app:app-pw@127.0.0.1:{port}/0?portal=other")).await.unwrap_err();
    assert_eq!(error.code(), "store", "{error}");
    assert!(error.to_string().contains("no permissions"), "{error}");
}
