//! The `PortalStore` contract, checked on both stores: atomic changes, version and
//! expectation checks (an `otp` used once, a session changed once), purge and reset; and what
//! only SQLite adds: the state survives reopening, and two handles on one file (as two
//! processes would have) still refuse stale changes.
#![cfg(all(feature = "nopass", feature = "sqlite"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use authbridge::nopass::{
    Change, LoginSession, MemoryStore, PendingRegistration, PortalPhase, PortalRecord, PortalStore, SessionKey,
    SessionOrigin, SessionState, SqliteStore, StoreOp,
};
use authbridge::Secret;

fn temp_db(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("authbridge-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("portal.sqlite")
}

fn registered() -> PortalRecord {
    PortalRecord {
        version: 0,
        phase: PortalPhase::Registered,
        portal_id: Some("p1".into()),
        auth_token: Some(Secret::new("tok")),
        settings: Some("{}".into()),
        changed_at_ms: 5,
    }
}

fn registration(byte: u8, expires_at_ms: u64) -> PendingRegistration {
    PendingRegistration {
        digest: [byte; 32],
        user_id: Some(format!("user{byte}")),
        handle: Some(format!("h{byte}")),
        created_at_ms: 1,
        expires_at_ms,
    }
}

/// A session whose `authId` digest is derived from its handle (each test session has its own).
fn session(handle: &str, version: u64, updated_at_ms: u64) -> LoginSession {
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

fn auth_digest(handle: &str) -> [u8; 32] {
    let mut digest = [0u8; 32];
    for (slot, byte) in digest.iter_mut().zip(handle.bytes().cycle()) {
        *slot = byte;
    }
    digest
}

fn by_handle(handle: &str) -> SessionKey {
    SessionKey::Handle(handle.into())
}

async fn contract(store: Arc<dyn PortalStore>) {
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

    // Reset forgets everything and moves the version on.
    store.apply(Change { portal_version: 1, ops: vec![StoreOp::Reset] }).await.unwrap();
    let record = store.load_portal().await.unwrap();
    assert_eq!((record.phase, record.version, record.portal_id), (PortalPhase::Unregistered, 2, None));
    assert!(store.registration([3; 32]).await.unwrap().is_none());
    assert!(store.session(by_handle("a1")).await.unwrap().is_none());
    assert!(store.session(SessionKey::AuthDigest(auth_digest("a1"))).await.unwrap().is_none());
}

#[tokio::test]
async fn the_memory_store_keeps_the_contract() {
    contract(Arc::new(MemoryStore::new())).await;
}

#[tokio::test]
async fn the_sqlite_store_keeps_the_contract() {
    contract(Arc::new(SqliteStore::open_in_memory().unwrap())).await;
    let db = temp_db("contract");
    contract(Arc::new(SqliteStore::open(&db).unwrap())).await;
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

#[tokio::test]
async fn sqlite_state_survives_reopening_and_stale_handles_are_refused() {
    let db = temp_db("reopen");
    let first = SqliteStore::open(&db).unwrap();
    let second = SqliteStore::open(&db).unwrap();
    first.apply(Change { portal_version: 0, ops: vec![StoreOp::SetPortal(registered())] }).await.unwrap();
    // The second handle decided on version 0 too: refused, as another process would be.
    let stale = second.apply(Change { portal_version: 0, ops: vec![StoreOp::SetPortal(registered())] }).await;
    assert_eq!(stale.unwrap_err().code(), "conflict");
    let ops = vec![
        StoreOp::InsertSession(session("a1", 1, 10)),
        StoreOp::PutRegistration(registration(4, 4_102_444_800_000)),
    ];
    second.apply(Change { portal_version: 1, ops }).await.unwrap();
    drop((first, second));

    let reopened = SqliteStore::open(&db).unwrap();
    let record = reopened.load_portal().await.unwrap();
    assert_eq!(record, PortalRecord { version: 1, ..registered() });
    assert_eq!(record.auth_token.unwrap().expose(), "tok");
    assert_eq!(reopened.session(by_handle("a1")).await.unwrap(), Some(session("a1", 1, 10)));
    assert_eq!(reopened.registration([4; 32]).await.unwrap(), Some(registration(4, 4_102_444_800_000)));
    assert_eq!(reopened.path(), Some(db.as_path()));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the file holds the authToken");
    }
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

#[test]
fn sqlite_works_from_threads_without_a_runtime() {
    let store = SqliteStore::open_in_memory().unwrap();
    let record = futures_util::FutureExt::now_or_never(store.load_portal()).unwrap().unwrap();
    assert_eq!(record.phase, PortalPhase::Unregistered);
}
