//! The `PortalStore` contract (the `store-contract` kit: atomic changes, version and
//! expectation checks, an `otp` used once, a session changed once, change notifications, purge
//! and reset), checked on both built-in stores; and what only SQLite adds: the state survives
//! reopening, and two handles on one file (as two processes would have) still refuse stale
//! changes.
#![cfg(all(feature = "nopass", feature = "sqlite"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use authbridge::nopass::store_contract::{self, registered, registration, session};
use authbridge::nopass::{
    Change, MemoryStore, PortalPhase, PortalRecord, PortalStore, SessionKey, SqliteStore, StoreOp,
};

fn temp_db(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("authbridge-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("portal.sqlite")
}

#[tokio::test]
async fn the_memory_store_keeps_the_contract() {
    store_contract::check(Arc::new(MemoryStore::new())).await;
}

#[tokio::test]
async fn the_sqlite_store_keeps_the_contract() {
    store_contract::check(Arc::new(SqliteStore::open_in_memory().unwrap())).await;
    let db = temp_db("contract");
    store_contract::check(Arc::new(SqliteStore::open(&db).unwrap())).await;
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
    assert_eq!(reopened.session(SessionKey::Handle("a1".into())).await.unwrap(), Some(session("a1", 1, 10)));
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
