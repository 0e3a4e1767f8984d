//! Waits wake per session: a commit re-reads only the sessions it touched, so thousands of
//! long-polls cost a read each per change of their own session, not one per change anywhere.
#![cfg(all(feature = "nopass", feature = "sandbox"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod nopass_support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use authbridge::nopass::{
    Change, ChangeFeed, LoginSession, MemoryStore, PendingRegistration, Portal, PortalRecord, PortalStore, SessionKey,
    StoreFuture, StoreOp,
};
use authbridge::{CancellationToken, WaitOptions};
use nopass_support::*;

/// A memory store that counts session reads.
#[derive(Default)]
struct Counting {
    inner: MemoryStore,
    session_reads: AtomicU64,
}

impl PortalStore for Counting {
    fn load_portal(&self) -> StoreFuture<'_, PortalRecord> {
        self.inner.load_portal()
    }
    fn registration(&self, digest: [u8; 32]) -> StoreFuture<'_, Option<PendingRegistration>> {
        self.inner.registration(digest)
    }
    fn session(&self, key: SessionKey) -> StoreFuture<'_, Option<LoginSession>> {
        self.session_reads.fetch_add(1, Ordering::SeqCst);
        self.inner.session(key)
    }
    fn apply(&self, change: Change) -> StoreFuture<'_, ()> {
        self.inner.apply(change)
    }
    fn subscribe(&self) -> ChangeFeed {
        self.inner.subscribe()
    }
}

async fn eventually(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_waits_and_a_hundred_commits_cost_about_a_hundred_reads() {
    const WAITS: usize = 5_000;
    const COMMITS: usize = 100;
    let store = Arc::new(Counting::default());
    let ops = (0..WAITS).map(|n| StoreOp::InsertSession(pending_login(n, 1))).collect();
    store.apply(Change { portal_version: 0, ops }).await.unwrap();
    let portal = Portal::builder(config()).shared_store(store.clone()).build().unwrap();

    // Every wait polls only once a minute: whatever wakes it early is its session's change.
    let cancel = CancellationToken::new();
    let options = WaitOptions::new(Duration::from_secs(120)).interval(Duration::from_secs(60)).cancel(cancel.clone());
    let woken = Arc::new(AtomicU64::new(0));
    let mut waits = Vec::new();
    for n in 0..WAITS {
        let (portal, options, woken) = (portal.clone(), options.clone(), woken.clone());
        waits.push(tokio::spawn(async move {
            let result = portal.wait_session(&format!("h{n}"), 1, &options).await;
            if result.is_ok() {
                woken.fetch_add(1, Ordering::SeqCst);
            }
            result
        }));
    }
    eventually("every wait read its session once", || store.session_reads.load(Ordering::SeqCst) == WAITS as u64).await;

    for n in 0..COMMITS {
        let op = StoreOp::UpdateSession { session: pending_login(n, 2), expected_version: 1 };
        store.apply(Change { portal_version: 0, ops: vec![op] }).await.unwrap();
    }
    eventually("the touched sessions' waits returned", || woken.load(Ordering::SeqCst) == COMMITS as u64).await;
    let reads = store.session_reads.load(Ordering::SeqCst) - WAITS as u64;
    assert_eq!(reads, COMMITS as u64, "a commit must wake its own session's wait only");

    cancel.cancel();
    for (n, wait) in waits.into_iter().enumerate() {
        let result = wait.await.unwrap();
        if n < COMMITS {
            assert_eq!(result.unwrap().version, 2);
        } else {
            assert_eq!(result.unwrap_err().code(), "cancelled");
        }
    }
}

#[tokio::test]
async fn a_callback_wakes_its_login_page_at_once() {
    let store = Arc::new(MemoryStore::new());
    let portal = Portal::builder(config()).shared_store(store.clone()).build().unwrap();
    register(&portal, None).await;
    let login = pending_login(1, 1);
    let version = portal.status().await.unwrap().version;
    store.apply(Change { portal_version: version, ops: vec![StoreOp::InsertSession(login)] }).await.unwrap();

    // The interval is a minute: only the change feed can wake the page in time.
    let options = WaitOptions::new(Duration::from_secs(10)).interval(Duration::from_secs(60));
    let page = tokio::spawn({
        let portal = portal.clone();
        async move { portal.wait_session("h1", 1, &options).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = tokio::time::Instant::now();
    let picture = serde_json::json!({ "authId": "auth-1", "image": png_b64(0), "nextChange": 30_000 });
    assert_ok(&post(&portal, authbridge::nopass::Callback::UpdatePicture, picture).await);
    let session = page.await.unwrap().unwrap();
    assert_eq!((session.version, session.pictures), (2, 2));
    assert!(started.elapsed() < Duration::from_secs(5), "woken by polling, not by the change");
}
