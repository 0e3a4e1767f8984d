//! The durable store (feature `sqlite`): one SQLite file in WAL mode with `synchronous=FULL`,
//! so a change is on disk when [`PortalStore::apply`] returns and survives both a killed
//! process and a power cut. Each change is one `BEGIN IMMEDIATE` transaction; SQLite's file
//! lock makes the version checks hold even between processes sharing the file.
//!
//! The file holds the portal's `authToken`, so on Unix it is created readable by its owner
//! only (SQLite gives its `-wal` and `-shm` files the same permissions).
//!
//! A connection must not cross `fork()` (SQLite's "How To Corrupt" §2.6): servers such as
//! gunicorn with `--preload` build the portal in a parent and serve it in forked children. The
//! store notes the process that opened its connection; a child that uses the store opens its
//! own and never touches (not even closes) the parent's.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use super::{conflict, Change, ChangeBroadcast, ChangeFeed, PortalStore, SessionKey, StoreEvent, StoreFuture, StoreOp};
use crate::nopass::state::{LoginSession, PendingRegistration, PortalPhase, PortalRecord, SessionOrigin, SessionState};
use crate::{Error, Result, Secret};

/// 2: sessions are keyed by browser handle and keep only the `authId`'s digest; a
/// registration keeps the handle of the session it opens. Version 1's registrations and
/// sessions (short-lived by nature: minutes) are dropped on upgrade; the portal record stays.
const SCHEMA_VERSION: i64 = 2;

const DROP_V1: &str = "DROP TABLE IF EXISTS registrations; DROP TABLE IF EXISTS sessions;";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS portal (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL,
    phase TEXT NOT NULL,
    portal_id TEXT,
    auth_token TEXT,
    settings TEXT,
    changed_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS registrations (
    digest BLOB PRIMARY KEY,
    user_id TEXT,
    handle TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    handle TEXT PRIMARY KEY,
    auth_digest BLOB UNIQUE,
    user_id TEXT NOT NULL,
    origin TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    image TEXT,
    next_change_ms INTEGER,
    picture_expires_at INTEGER,
    pictures INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_updated_at ON sessions (updated_at);
CREATE INDEX IF NOT EXISTS registrations_expires_at ON registrations (expires_at);
";

/// The portal's state in one SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Owned>>,
    path: Option<PathBuf>,
    /// Tells this process's subscribers; another process sharing the file is not told (its
    /// waits poll).
    changes: ChangeBroadcast,
}

/// A connection and the process that opened it.
#[derive(Debug)]
struct Owned {
    pid: u32,
    conn: Connection,
}

fn store_error(error: rusqlite::Error) -> Error {
    Error::Store(format!("sqlite: {error}"))
}

impl SqliteStore {
    /// Opens (or creates) the store at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        create_private(&path)?;
        let conn = Connection::open(&path).map_err(store_error)?;
        Self::setup(conn, Some(path))
    }

    /// A store in memory, for tests that want SQLite's behaviour without a file.
    pub fn open_in_memory() -> Result<Self> {
        Self::setup(Connection::open_in_memory().map_err(store_error)?, None)
    }

    /// Where the store's file is.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn setup(conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        prepare(&conn, path.is_some())?;
        let conn = Arc::new(Mutex::new(Owned { pid: std::process::id(), conn }));
        Ok(Self { conn, path, changes: ChangeBroadcast::default() })
    }

    /// Runs `work` on the connection on tokio's blocking pool (SQLite calls block, and a
    /// commit waits for the disk).
    fn run<T, F>(&self, work: F) -> StoreFuture<'_, T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        let path = self.path.clone();
        Box::pin(async move {
            let task = move || {
                let mut owned = conn.lock().unwrap_or_else(PoisonError::into_inner);
                if owned.pid != std::process::id() {
                    reopen_after_fork(&mut owned, path.as_deref())?;
                }
                work(&mut owned.conn)
            };
            match tokio::runtime::Handle::try_current() {
                Ok(_) => tokio::task::spawn_blocking(task)
                    .await
                    .map_err(|e| Error::Store(format!("sqlite task failed: {e}")))?,
                Err(_) => task(),
            }
        })
    }
}

/// Sets a connection up: WAL and full sync on disk, and the schema at [`SCHEMA_VERSION`].
fn prepare(conn: &Connection, on_disk: bool) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5)).map_err(store_error)?;
    if on_disk {
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)).map_err(store_error)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Store(format!("sqlite: could not switch to WAL (journal mode {mode})")));
        }
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;").map_err(store_error)?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(store_error)?;
    if version > SCHEMA_VERSION {
        return Err(Error::Store(format!(
            "sqlite: the file has schema version {version}, newer than this authbridge ({SCHEMA_VERSION})"
        )));
    }
    if (1..SCHEMA_VERSION).contains(&version) {
        conn.execute_batch(DROP_V1).map_err(store_error)?;
    }
    conn.execute_batch(SCHEMA).map_err(store_error)?;
    conn.pragma_update(None, "user_version", SCHEMA_VERSION).map_err(store_error)?;
    Ok(())
}

/// Replaces the connection a forked child inherited with one of its own. The inherited one is
/// leaked on purpose: closing it would release or rewrite locks and WAL state that belong to
/// the parent.
fn reopen_after_fork(owned: &mut Owned, path: Option<&Path>) -> Result<()> {
    let path = path.ok_or_else(|| {
        Error::Store("sqlite: an in-memory store cannot be used in a process forked after it was opened".into())
    })?;
    let conn = Connection::open(path).map_err(store_error)?;
    prepare(&conn, true)?;
    let inherited = std::mem::replace(&mut owned.conn, conn);
    std::mem::forget(inherited);
    owned.pid = std::process::id();
    Ok(())
}

#[cfg(unix)]
fn create_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if path.exists() {
        return Ok(());
    }
    std::fs::OpenOptions::new().write(true).create(true).truncate(false).mode(0o600).open(path)?;
    Ok(())
}

#[cfg(not(unix))]
fn create_private(_path: &Path) -> Result<()> {
    Ok(())
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn read_portal(conn: &Connection) -> Result<PortalRecord> {
    let row = conn
        .query_row(
            "SELECT version, phase, portal_id, auth_token, settings, changed_at FROM portal WHERE id = 1",
            [],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, Option<String>>(4)?,
                    row.get::<_, i64>(5)?,
                ))
            },
        )
        .optional()
        .map_err(store_error)?;
    let Some((version, phase, portal_id, auth_token, settings, changed_at)) = row else {
        return Ok(PortalRecord::default());
    };
    let phase = PortalPhase::parse(&phase).ok_or_else(|| Error::Store(format!("sqlite: unknown phase {phase:?}")))?;
    Ok(PortalRecord {
        version: to_u64(version),
        phase,
        portal_id,
        auth_token: auth_token.map(Secret::new),
        settings,
        changed_at_ms: to_u64(changed_at),
    })
}

fn read_registration(conn: &Connection, digest: &[u8; 32]) -> Result<Option<PendingRegistration>> {
    conn.query_row(
        "SELECT user_id, handle, created_at, expires_at FROM registrations WHERE digest = ?1",
        params![digest.as_slice()],
        |row| {
            Ok(PendingRegistration {
                digest: *digest,
                user_id: row.get(0)?,
                handle: row.get(1)?,
                created_at_ms: to_u64(row.get(2)?),
                expires_at_ms: to_u64(row.get(3)?),
            })
        },
    )
    .optional()
    .map_err(store_error)
}

const SESSION_COLUMNS: &str = "handle, auth_digest, user_id, origin, state, reason, image, next_change_ms, \
                               picture_expires_at, pictures, created_at, expires_at, updated_at, version";

fn session_from_row(row: &Row<'_>) -> rusqlite::Result<(LoginSession, String, String)> {
    let origin: String = row.get(3)?;
    let state: String = row.get(4)?;
    let session = LoginSession {
        handle: row.get(0)?,
        auth_digest: row.get(1)?,
        user_id: row.get(2)?,
        origin: SessionOrigin::Login,
        state: SessionState::Pending,
        reason: row.get(5)?,
        image: row.get(6)?,
        next_change_ms: row.get::<_, Option<i64>>(7)?.map(to_u64),
        picture_expires_at_ms: row.get::<_, Option<i64>>(8)?.map(to_u64),
        pictures: u32::try_from(row.get::<_, i64>(9)?).unwrap_or(u32::MAX),
        created_at_ms: to_u64(row.get(10)?),
        expires_at_ms: to_u64(row.get(11)?),
        updated_at_ms: to_u64(row.get(12)?),
        version: to_u64(row.get(13)?),
    };
    Ok((session, origin, state))
}

fn read_session(conn: &Connection, key: &SessionKey) -> Result<Option<LoginSession>> {
    let (column, value): (&str, &dyn rusqlite::ToSql) = match key {
        SessionKey::Handle(handle) => ("handle", handle),
        SessionKey::AuthDigest(digest) => ("auth_digest", digest),
    };
    let row = conn
        .query_row(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE {column} = ?1"), [value], session_from_row)
        .optional()
        .map_err(store_error)?;
    let Some((mut session, origin, state)) = row else { return Ok(None) };
    session.origin =
        SessionOrigin::parse(&origin).ok_or_else(|| Error::Store(format!("sqlite: unknown origin {origin:?}")))?;
    session.state =
        SessionState::parse(&state).ok_or_else(|| Error::Store(format!("sqlite: unknown state {state:?}")))?;
    Ok(Some(session))
}

/// Inserts or replaces a session row. The caller has checked the handle's version and that its
/// `authId` digest is free: `REPLACE` must never resolve a clash by deleting another row.
fn write_session(tx: &Connection, s: &LoginSession) -> Result<()> {
    if let Some(digest) = &s.auth_digest {
        let owner: Option<String> = tx
            .query_row("SELECT handle FROM sessions WHERE auth_digest = ?1", [digest], |row| row.get(0))
            .optional()
            .map_err(store_error)?;
        if owner.is_some_and(|owner| owner != s.handle) {
            return Err(conflict("the authId belongs to another session"));
        }
    }
    tx.execute(
        &format!(
            "INSERT OR REPLACE INTO sessions ({SESSION_COLUMNS}) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
        ),
        params![
            s.handle,
            s.auth_digest,
            s.user_id,
            s.origin.as_str(),
            s.state.as_str(),
            s.reason,
            s.image,
            s.next_change_ms.map(to_i64),
            s.picture_expires_at_ms.map(to_i64),
            i64::from(s.pictures),
            to_i64(s.created_at_ms),
            to_i64(s.expires_at_ms),
            to_i64(s.updated_at_ms),
            to_i64(s.version),
        ],
    )
    .map_err(store_error)?;
    Ok(())
}

fn apply_change(conn: &mut Connection, change: Change) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(store_error)?;
    if read_portal(&tx)?.version != change.portal_version {
        return Err(conflict("the portal record changed"));
    }
    for op in change.ops {
        match op {
            StoreOp::SetPortal(record) => {
                tx.execute(
                    "INSERT OR REPLACE INTO portal (id, version, phase, portal_id, auth_token, settings, changed_at) \
                     VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        to_i64(change.portal_version + 1),
                        record.phase.as_str(),
                        record.portal_id,
                        record.auth_token.as_ref().map(Secret::expose),
                        record.settings,
                        to_i64(record.changed_at_ms),
                    ],
                )
                .map_err(store_error)?;
            }
            StoreOp::PutRegistration(r) => {
                let added = tx
                    .execute(
                        "INSERT OR IGNORE INTO registrations (digest, user_id, handle, created_at, expires_at) \
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![
                            r.digest.as_slice(),
                            r.user_id,
                            r.handle,
                            to_i64(r.created_at_ms),
                            to_i64(r.expires_at_ms)
                        ],
                    )
                    .map_err(store_error)?;
                if added != 1 {
                    return Err(conflict("the registration exists already"));
                }
            }
            StoreOp::TakeRegistration(digest) => {
                let removed = tx
                    .execute("DELETE FROM registrations WHERE digest = ?1", params![digest.as_slice()])
                    .map_err(store_error)?;
                if removed != 1 {
                    return Err(conflict("the registration was used or removed"));
                }
            }
            StoreOp::InsertSession(session) => {
                if read_session(&tx, &SessionKey::Handle(session.handle.clone()))?.is_some() {
                    return Err(conflict("the session exists already"));
                }
                write_session(&tx, &session)?;
            }
            StoreOp::UpdateSession { session, expected_version } => {
                let stored = read_session(&tx, &SessionKey::Handle(session.handle.clone()))?;
                if stored.map(|s| s.version) != Some(expected_version) {
                    return Err(conflict("the session changed"));
                }
                write_session(&tx, &session)?;
            }
            StoreOp::Purge { registrations_expired_by_ms, sessions_updated_before_ms } => {
                tx.execute(
                    "DELETE FROM registrations WHERE expires_at <= ?1",
                    params![to_i64(registrations_expired_by_ms)],
                )
                .map_err(store_error)?;
                tx.execute("DELETE FROM sessions WHERE updated_at < ?1", params![to_i64(sessions_updated_before_ms)])
                    .map_err(store_error)?;
            }
            StoreOp::Reset => {
                tx.execute_batch("DELETE FROM registrations; DELETE FROM sessions;").map_err(store_error)?;
                tx.execute(
                    "INSERT OR REPLACE INTO portal (id, version, phase, portal_id, auth_token, settings, changed_at) \
                     VALUES (1, ?1, ?2, NULL, NULL, NULL, 0)",
                    params![to_i64(change.portal_version + 1), PortalPhase::Unregistered.as_str()],
                )
                .map_err(store_error)?;
            }
        }
    }
    tx.commit().map_err(store_error)
}

impl PortalStore for SqliteStore {
    fn load_portal(&self) -> StoreFuture<'_, PortalRecord> {
        self.run(|conn| read_portal(conn))
    }

    fn registration(&self, digest: [u8; 32]) -> StoreFuture<'_, Option<PendingRegistration>> {
        self.run(move |conn| read_registration(conn, &digest))
    }

    fn session(&self, key: SessionKey) -> StoreFuture<'_, Option<LoginSession>> {
        self.run(move |conn| read_session(conn, &key))
    }

    fn apply(&self, change: Change) -> StoreFuture<'_, ()> {
        let event = StoreEvent::of(&change);
        let applied = self.run(move |conn| apply_change(conn, change));
        Box::pin(async move {
            applied.await?;
            self.changes.publish(event);
            Ok(())
        })
    }

    fn subscribe(&self) -> ChangeFeed {
        self.changes.subscribe()
    }
}
