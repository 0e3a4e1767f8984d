//! The [`PortalStore`] contract as a test kit (feature `store-contract`): whoever writes a
//! store — PostgreSQL, DynamoDB, … — proves it with the same checks the built-in stores pass.
//!
//! ```ignore
//! #[tokio::test]
//! async fn my_store_keeps_the_contract() {
//!     authbridge::nopass::store_contract::check(std::sync::Arc::new(MyStore::empty())).await;
//! }
//! ```
//!
//! [`check`] panics (as a test assertion does) at the first broken rule. It needs a store that
//! is empty when called, and leaves it reset.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;

use super::{Change, PortalStore, SessionKey, StoreEvent, StoreOp};
use crate::nopass::state::{LoginSession, PendingRegistration, PortalPhase, PortalRecord, SessionOrigin, SessionState};
use crate::Secret;

/// A registered portal record, as ConfirmRegistration writes it.
pub fn registered() -> PortalRecord {
    PortalRecord {
        version: 0,
        phase: PortalPhase::Registered,
        portal_id: Some("p1".into()),
        auth_token: Some(Secret::new("tok")),
        settings: Some("{}".into()),
        changed_at_ms: 5,
    }
}

/// A pending registration whose `otp` digest is `[byte; 32]`.
pub fn registration(byte: u8, expires_at_ms: u64) -> PendingRegistration {
    PendingRegistration {
        digest: [byte; 32],
        user_id: Some(format!("user{byte}")),
        handle: Some(format!("h{byte}")),
        created_at_ms: 1,
        expires_at_ms,
    }
}

/// A session whose `authId` digest is derived from its handle (each test session has its own).
pub fn session(handle: &str, version: u64, updated_at_ms: u64) -> LoginSession {
    LoginSession {
        handle: handle.into(),
        auth_digest: Some(auth_digest(handle)),
        user_id: "u".into(),
        origin: SessionOrigin::Login,
        state: SessionState::Pending,
        reason: None,
        image: Some("aW1n".into()),
        next_change_ms: Some(30_000),
        picture_expires_at_ms: Some(31_000),
        pictures: 1,
        created_at_ms: 1_000,
        expires_at_ms: 361_000,
        updated_at_ms,
        version,
    }
}

/// The `authId` digest [`session`] gives the session with `handle`.
pub fn auth_digest(handle: &str) -> [u8; 32] {
    let mut digest = [0u8; 32];
    for (slot, byte) in digest.iter_mut().zip(handle.bytes().cycle()) {
        *slot = byte;
    }
    digest
}

/// Checks every rule of the contract on `store`, which must be empty.
pub async fn check(store: Arc<dyn PortalStore>) {
    let mut feed = store.subscribe();
    assert_eq!(store.load_portal().await.unwrap(), PortalRecord::default());

    // A change carries the version it was decided on; the store sets the next one.
    store.apply(Change { portal_version: 0, ops: vec![StoreOp::SetPortal(registered())] }).await.unwrap();
    let record = store.load_portal().await.unwrap();
    assert_eq!(record, PortalRecord { version: 1, ..registered() });
    let stale = store.apply(Change { portal_version: 0, ops: vec![StoreOp::SetPortal(registered())] }).await;
    assert_eq!(stale.unwrap_err().code(), "conflict");

    // All or nothing: the second op's expectation fails, so the first is not applied.
    let change = Change {
        portal_version: 1,
        ops: vec![StoreOp::PutRegistration(registration(1, 100)), StoreOp::TakeRegistration([9; 32])],
    };
    assert_eq!(store.apply(change).await.unwrap_err().code(), "conflict");
    assert!(store.registration([1; 32]).await.unwrap().is_none());

    // A registration is taken once.
    let put = Change { portal_version: 1, ops: vec![StoreOp::PutRegistration(registration(1, 100))] };
    store.apply(put.clone()).await.unwrap();
    assert_eq!(store.registration([1; 32]).await.unwrap(), Some(registration(1, 100)));
    assert_eq!(store.apply(put).await.unwrap_err().code(), "conflict");
    let take = Change { portal_version: 1, ops: vec![StoreOp::TakeRegistration([1; 32])] };
    store.apply(take.clone()).await.unwrap();
    assert_eq!(store.apply(take).await.unwrap_err().code(), "conflict");

    // A session is inserted once and changed only from the version it was read at.
    let insert = Change { portal_version: 1, ops: vec![StoreOp::InsertSession(session("a1", 1, 10))] };
    store.apply(insert.clone()).await.unwrap();
    assert_eq!(store.apply(insert).await.unwrap_err().code(), "conflict");
    let mut next = session("a1", 2, 20);
    next.state = SessionState::Denied;
    next.reason = Some("no".into());
    let update =
        Change { portal_version: 1, ops: vec![StoreOp::UpdateSession { session: next.clone(), expected_version: 1 }] };
    store.apply(update.clone()).await.unwrap();
    next_touching(&mut feed, "a1").await;
    assert_eq!(store.session(by_handle("a1")).await.unwrap(), Some(next.clone()));
    assert_eq!(store.session(SessionKey::AuthDigest(auth_digest("a1"))).await.unwrap(), Some(next));
    assert_eq!(store.apply(update).await.unwrap_err().code(), "conflict");
    assert!(store.session(by_handle("nope")).await.unwrap().is_none());
    assert!(store.session(SessionKey::AuthDigest([9; 32])).await.unwrap().is_none());

    // An authId belongs to one session: neither a new session nor an update may take another's.
    let mut thief = session("b1", 1, 10);
    thief.auth_digest = Some(auth_digest("a1"));
    let steal = Change { portal_version: 1, ops: vec![StoreOp::InsertSession(thief.clone())] };
    assert_eq!(store.apply(steal).await.unwrap_err().code(), "conflict");
    thief.auth_digest = None;
    store.apply(Change { portal_version: 1, ops: vec![StoreOp::InsertSession(thief.clone())] }).await.unwrap();
    let taking = LoginSession { auth_digest: Some(auth_digest("a1")), version: 2, ..thief.clone() };
    let steal =
        Change { portal_version: 1, ops: vec![StoreOp::UpdateSession { session: taking, expected_version: 1 }] };
    assert_eq!(store.apply(steal).await.unwrap_err().code(), "conflict");
    assert_eq!(store.session(by_handle("b1")).await.unwrap(), Some(thief), "a refused change changes nothing");
    let owner = store.session(SessionKey::AuthDigest(auth_digest("a1"))).await.unwrap().unwrap();
    assert_eq!(owner.handle, "a1");

    // Purge drops expired registrations and sessions not changed since the cut-off.
    let setup = Change {
        portal_version: 1,
        ops: vec![
            StoreOp::PutRegistration(registration(2, 50)),
            StoreOp::PutRegistration(registration(3, 500)),
            StoreOp::InsertSession(session("old", 1, 5)),
        ],
    };
    store.apply(setup).await.unwrap();
    let purge = StoreOp::Purge { registrations_expired_by_ms: 100, sessions_updated_before_ms: 15 };
    store.apply(Change { portal_version: 1, ops: vec![purge] }).await.unwrap();
    assert!(store.registration([2; 32]).await.unwrap().is_none());
    assert!(store.registration([3; 32]).await.unwrap().is_some());
    assert!(store.session(by_handle("old")).await.unwrap().is_none());
    assert!(store.session(SessionKey::AuthDigest(auth_digest("old"))).await.unwrap().is_none());
    assert!(store.session(by_handle("a1")).await.unwrap().is_some());

    // Of concurrent changes decided on the same version, exactly one commits.
    let racers = (0..16).map(|n| {
        let store = store.clone();
        let mut next = session("a1", 3, 30 + n);
        next.pictures = n as u32;
        async move {
            let update = StoreOp::UpdateSession { session: next, expected_version: 2 };
            store.apply(Change { portal_version: 1, ops: vec![update] }).await
        }
    });
    let results = futures_util::future::join_all(racers).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert!(results.iter().filter_map(|r| r.as_ref().err()).all(|e| e.code() == "conflict"), "{results:?}");

    // Reset forgets everything and moves the version on.
    store.apply(Change { portal_version: 1, ops: vec![StoreOp::Reset] }).await.unwrap();
    let record = store.load_portal().await.unwrap();
    assert_eq!((record.phase, record.version, record.portal_id), (PortalPhase::Unregistered, 2, None));
    assert!(store.registration([3; 32]).await.unwrap().is_none());
    assert!(store.session(by_handle("a1")).await.unwrap().is_none());
    assert!(store.session(SessionKey::AuthDigest(auth_digest("a1"))).await.unwrap().is_none());
    loop {
        if next_event(&mut feed).await == StoreEvent::Everything {
            break;
        }
    }
}

fn by_handle(handle: &str) -> SessionKey {
    SessionKey::Handle(handle.into())
}

async fn next_event(feed: &mut super::ChangeFeed) -> StoreEvent {
    let next = tokio::time::timeout(Duration::from_secs(10), feed.next()).await;
    next.expect("the store's change feed said nothing within 10 s").expect("the store's change feed ended")
}

/// Reads the feed until an event touches `handle`.
async fn next_touching(feed: &mut super::ChangeFeed, handle: &str) {
    while !next_event(feed).await.touches(handle) {}
}
