//! Portals sharing one store act as one portal: callbacks on one login spread over replicas
//! all succeed (a change that lost a race is decided again, not refused), and a login page
//! waiting on one replica wakes for a callback handled by another.
#![cfg(all(feature = "nopass", feature = "sandbox"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod nopass_support;

use std::sync::Arc;
use std::time::Duration;

use authbridge::nopass::{
    Callback, HookFuture, MemoryStore, PictureUpdate, Portal, PortalHooks, PortalStore, SessionState,
};
use authbridge::sandbox::Sandbox;
use authbridge::WaitOptions;
use nopass_support::*;
use serde_json::json;

/// A host that takes a few milliseconds over each picture, as one that writes it somewhere
/// would: long enough for the replicas' callbacks to overlap.
struct Deliberate;

impl PortalHooks for Deliberate {
    fn update_picture(&self, _event: PictureUpdate) -> HookFuture<()> {
        Box::pin(async {
            tokio::time::sleep(Duration::from_millis(3)).await;
            Ok(())
        })
    }
}

/// Two portals (replicas) on one store, registered, with alice's login started on the first.
async fn replicas(sandbox: &Sandbox) -> (Portal, Portal, String, String) {
    let store: Arc<dyn PortalStore> = Arc::new(MemoryStore::new());
    let replica =
        || Portal::builder(config_for(sandbox)).shared_store(store.clone()).hooks(Deliberate).build().unwrap();
    let (a, b) = (replica(), replica());
    register(&a, Some(sandbox)).await;
    sandbox.nopass().add_user("alice");
    let login = a.request_authorization("alice").await.unwrap();
    let auth_id = sandbox.nopass().last_auth_id("alice").unwrap();
    (a, b, login.handle, auth_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_pictures_over_two_replicas_all_succeed() {
    let sandbox = Sandbox::start().await.unwrap();
    let (a, b, handle, auth_id) = replicas(&sandbox).await;
    let picture = json!({ "authId": auth_id, "image": png_b64(0), "nextChange": 30_000 });
    let calls = (0..64).map(|n| {
        let replica = if n % 2 == 0 { a.clone() } else { b.clone() };
        let picture = picture.clone();
        tokio::spawn(async move { post(&replica, Callback::UpdatePicture, picture).await })
    });
    for call in futures_util::future::join_all(calls).await {
        assert_ok(&call.unwrap());
    }
    let session = b.session(&handle).await.unwrap().unwrap();
    assert_eq!(session.pictures, 65, "the first picture and every update");
    assert_eq!(session.version, 65);
}

#[tokio::test]
async fn a_wait_on_one_replica_wakes_for_a_callback_on_the_other() {
    let sandbox = Sandbox::start().await.unwrap();
    let (a, b, handle, auth_id) = replicas(&sandbox).await;
    let options = WaitOptions::new(Duration::from_secs(10)).interval(Duration::from_secs(60));
    let page = tokio::spawn(async move { a.wait_session(&handle, 1, &options).await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = tokio::time::Instant::now();
    assert_ok(&post(&b, Callback::AuthorizedUser, json!({ "authId": auth_id, "isAuthorized": true })).await);
    let session = page.await.unwrap().unwrap();
    assert_eq!(session.state, SessionState::Authorized);
    assert!(started.elapsed() < Duration::from_secs(5), "woken by polling, not by the store's feed");
}

#[tokio::test]
async fn the_stand_in_spreads_callbacks_over_replicas_and_redelivers_past_a_dead_one() {
    let sandbox = Sandbox::start().await.unwrap();
    let store: Arc<dyn PortalStore> = Arc::new(MemoryStore::new());
    let replica = || Portal::builder(config_for(&sandbox)).shared_store(store.clone()).build().unwrap();
    let localhost = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let a = authbridge::nopass::EmbeddedServer::start(replica(), localhost).await.unwrap();
    let b = authbridge::nopass::EmbeddedServer::start(replica(), localhost).await.unwrap();
    let dead = {
        let c = authbridge::nopass::EmbeddedServer::start(replica(), localhost).await.unwrap();
        let url = c.url();
        c.stop().await;
        url
    };
    let nopass = sandbox.nopass();
    nopass.set_portal_urls(&[&a.url(), &b.url(), &dead]);
    nopass.set_redeliveries(2);
    // Pre-registration on one replica, registration on the next: one portal.
    nopass.register_portal(ADMIN_ID).await.unwrap();
    nopass.add_user("alice");
    let portal = replica();
    let login = portal.request_authorization("alice").await.unwrap();
    let auth_id = nopass.last_auth_id("alice").unwrap();
    // Three pictures: one of them is first sent to the dead replica and redelivered.
    for _ in 0..3 {
        assert!(nopass.update_picture(&auth_id).await.unwrap().is_success());
    }
    assert_eq!(portal.session(&login.handle).await.unwrap().unwrap().pictures, 4);

    nopass.set_redeliveries(0);
    nopass.set_portal_urls(&[&dead]);
    assert!(nopass.update_picture(&auth_id).await.is_err(), "without redelivery a dead replica is an error");
}
