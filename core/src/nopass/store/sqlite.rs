//! The durable store (feature `sqlite`): one SQLite file in WAL mode with `synchronous=FULL`,
//! so a change is on disk when [`PortalStore::apply`] returns and survives both a killed
//! process and a power cut. Each change is one `BEGIN IMMEDIATE` transaction; SQLite's file
//! lock makes the version checks hold even between processes sharing the file.
//!
//! The file holds the portal's `authToken`, so on Unix it is created readable by its owner
//! only (SQLite gives its `-wal` and `-shm` files the same permissions).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use super::{conflict, Change, PortalStore, StoreFuture, StoreOp};
use crate::nopass::state::{LoginSession, PendingRegistration, PortalPhase, PortalRecord, SessionOrigin, SessionState};
use crate::{Error, Result, Secret};

const SCHEMA_VERSION: i64 = 1;

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
    initiated_by_portal INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    auth_id TEXT PRIMARY KEY,
    user_id TEXT,
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
    conn: Arc<Mutex<Connection>>,
    path: Option<PathBuf>,
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
        conn.busy_timeout(Duration::from_secs(5)).map_err(store_error)?;
        if path.is_some() {
            let mode: String =
                conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)).map_err(store_error)?;
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
        conn.execute_batch(SCHEMA).map_err(store_error)?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION).map_err(store_error)?;
        Ok(Self { conn: Arc::new(Mutex::new(conn)), path })
    }

    /// Runs `work` on the connection on tokio's blocking pool (SQLite calls block, and a
    /// commit waits for the disk).
    fn run<T, F>(&self, work: F) -> StoreFuture<'_, T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        Box::pin(async move {
            let task = move || {
                let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
                work(&mut conn)
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
        "SELECT user_id, initiated_by_portal, created_at, expires_at FROM registrations WHERE digest = ?1",
        params![digest.as_slice()],
        |row| {
            Ok(PendingRegistration {
                digest: *digest,
                user_id: row.get(0)?,
                initiated_by_portal: row.get::<_, i64>(1)? != 0,
                created_at_ms: to_u64(row.get(2)?),
                expires_at_ms: to_u64(row.get(3)?),
            })
        },
    )
    .optional()
    .map_err(store_error)
}

const SESSION_COLUMNS: &str = "auth_id, user_id, origin, state, reason, image, next_change_ms, picture_expires_at, \
                               pictures, created_at, expires_at, updated_at, version";

fn session_from_row(row: &Row<'_>) -> rusqlite::Result<(LoginSession, String, String)> {
    let origin: String = row.get(2)?;
    let state: String = row.get(3)?;
    let session = LoginSession {
        auth_id: row.get(0)?,
        user_id: row.get(1)?,
        origin: SessionOrigin::Login,
        state: SessionState::Pending,
        reason: row.get(4)?,
        image: row.get(5)?,
        next_change_ms: row.get::<_, Option<i64>>(6)?.map(to_u64),
        picture_expires_at_ms: row.get::<_, Option<i64>>(7)?.map(to_u64),
        pictures: u32::try_from(row.get::<_, i64>(8)?).unwrap_or(u32::MAX),
        created_at_ms: to_u64(row.get(9)?),
        expires_at_ms: to_u64(row.get(10)?),
        updated_at_ms: to_u64(row.get(11)?),
        version: to_u64(row.get(12)?),
    };
    Ok((session, origin, state))
}

fn read_session(conn: &Connection, auth_id: &str) -> Result<Option<LoginSession>> {
    let row = conn
        .query_row(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE auth_id = ?1"), params![auth_id], |row| {
            session_from_row(row)
        })
        .optional()
        .map_err(store_error)?;
    let Some((mut session, origin, state)) = row else { return Ok(None) };
    session.origin =
        SessionOrigin::parse(&origin).ok_or_else(|| Error::Store(format!("sqlite: unknown origin {origin:?}")))?;
    session.state =
        SessionState::parse(&state).ok_or_else(|| Error::Store(format!("sqlite: unknown state {state:?}")))?;
    Ok(Some(session))
}

fn write_session(tx: &Connection, s: &LoginSession) -> rusqlite::Result<usize> {
    tx.execute(
        &format!(
            "INSERT OR REPLACE INTO sessions ({SESSION_COLUMNS}) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
        ),
        params![
            s.auth_id,
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
                        "INSERT OR IGNORE INTO registrations (digest, user_id, initiated_by_portal, created_at, expires_at) \
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![
                            r.digest.as_slice(),
                            r.user_id,
                            i64::from(r.initiated_by_portal),
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
                if read_session(&tx, &session.auth_id)?.is_some() {
                    return Err(conflict("the session exists already"));
                }
                write_session(&tx, &session).map_err(store_error)?;
            }
            StoreOp::UpdateSession { session, expected_version } => {
                if read_session(&tx, &session.auth_id)?.map(|s| s.version) != Some(expected_version) {
                    return Err(conflict("the session changed"));
                }
                write_session(&tx, &session).map_err(store_error)?;
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

    fn session(&self, auth_id: String) -> StoreFuture<'_, Option<LoginSession>> {
        self.run(move |conn| read_session(conn, &auth_id))
    }

    fn apply(&self, change: Change) -> StoreFuture<'_, ()> {
        self.run(move |conn| apply_change(conn, change))
    }
}
