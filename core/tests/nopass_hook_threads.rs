//! Hooks that never return cannot starve the store: blocking hooks run on tokio's blocking
//! pool, which the SQLite store needs for every read and commit, and at most a bounded number
//! of them hold a thread at once. Here 600 stuck hooks — more than the pool's 512 threads —
//! get their callbacks a 503 at the deadline, and the store still answers at once.
#![cfg(all(feature = "nopass", feature = "sqlite", feature = "sandbox"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod nopass_support;

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use authbridge::nopass::{
    BlockingHooks, BlockingPortalHooks, Callback, Change, HookResult, PictureUpdate, Portal, PortalStore, SqliteStore,
    StoreOp,
};
use nopass_support::*;
use serde_json::json;

const STUCK: usize = 600;

/// Hooks that block until the test lets them go.
#[derive(Default)]
struct Stuck {
    released: Mutex<bool>,
    release: Condvar,
}

impl BlockingPortalHooks for Stuck {
    fn update_picture(&self, _event: PictureUpdate) -> HookResult<()> {
        let mut released = self.released.lock().unwrap();
        while !*released {
            released = self.release.wait(released).unwrap();
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stuck_blocking_hooks_leave_the_store_its_threads() {
    let dir = std::env::temp_dir().join(format!("authbridge-hook-threads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Arc::new(SqliteStore::open(dir.join("portal.sqlite")).unwrap());
    let stuck = Arc::new(Stuck::default());
    let config = config().hook_timeout(Duration::from_millis(300));
    let portal = Portal::builder(config)
        .shared_store(store.clone())
        .hooks(BlockingHooks::from_arc(stuck.clone()))
        .build()
        .unwrap();
    register(&portal, None).await;
    let version = store.load_portal().await.unwrap().version;
    let ops = (0..STUCK).map(|n| StoreOp::InsertSession(pending_login(n, 1))).collect();
    store.apply(Change { portal_version: version, ops }).await.unwrap();

    let callbacks = (0..STUCK).map(|n| {
        let body = json!({ "authId": format!("auth-{n}"), "image": png_b64(0), "nextChange": 30_000 });
        let portal = portal.clone();
        async move { post(&portal, Callback::UpdatePicture, body).await }
    });
    let answers = futures_util::future::join_all(callbacks).await;
    for answer in &answers {
        assert_refused(answer, 503, "hook_timeout", &[]);
    }

    // Every stuck hook is still blocked; the store must answer anyway.
    let started = Instant::now();
    let read = tokio::time::timeout(Duration::from_secs(5), portal.session("h0")).await;
    let took = started.elapsed();
    // Let the hooks go before judging, so a failure ends the test instead of hanging it.
    *stuck.released.lock().unwrap() = true;
    stuck.release.notify_all();
    let session = read.expect("the store was starved of threads").unwrap().unwrap();
    assert_eq!(session.pictures, 1, "a callback past its deadline changed the session");
    assert!(took < Duration::from_secs(5));
    let _ = std::fs::remove_dir_all(&dir);
}
