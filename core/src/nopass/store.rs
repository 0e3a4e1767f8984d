//! Where the portal keeps its state (docs/vendors/nopass.md, "Stores": in-memory for tests, SQLite
//! as the embedded durable default, Redis when a portal runs on several machines), chosen in code
//! or by URL ([`open_store`]).
//!
//! A store reads three things (the portal record, a pending registration by `otp` digest, a session
//! by browser handle or by `authId` digest) and applies a [`Change`] atomically: all of its
//! operations or none. Every change names the portal version it was decided on, and each operation
//! states what it expects (a registration that must still exist, a session at a given version); a
//! store refuses a change whose expectations no longer hold with a `conflict` error. That makes an
//! `otp` usable once and a state transition happen once even when several processes share one
//! store. The portal answers the NoPass server only after [`PortalStore::apply`] returned, so a
//! durable store has the change on disk before the 200 is sent. A store also tells its subscribers
//! which sessions each change touched ([`PortalStore::subscribe`]), so a wait wakes for its own
//! session only.

#[cfg(feature = "store-contract")]
pub mod contract;
mod feed;
mod memory;
#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "sqlite")]
mod sqlite;
mod url;

use futures_util::future::BoxFuture;

pub use feed::{silent_feed, ChangeBroadcast, ChangeFeed, StoreEvent};
pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::{RedisOptions, RedisStore, DEFAULT_PORTAL as DEFAULT_REDIS_PORTAL};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
pub use url::{open_store, open_store_blocking};

use super::state::{LoginSession, PendingRegistration, PortalRecord};
use crate::{Error, Result, Vendor, VendorDetail};

/// What every store method returns.
pub type StoreFuture<'a, T> = BoxFuture<'a, Result<T>>;

/// How a session is looked up: by the host's browser handle, or by the SHA-256 of the
/// `authId` a callback carries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SessionKey {
    /// The host's browser handle ([`LoginSession::handle`]).
    Handle(String),
    /// The SHA-256 of a callback's `authId`.
    AuthDigest([u8; 32]),
}

/// One step of a [`Change`]. The operations of one change touch distinct keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreOp {
    /// Replaces the portal record; the store sets its version to the change's
    /// `portal_version + 1`.
    SetPortal(PortalRecord),
    /// Adds a pending registration; its digest must not be stored yet.
    PutRegistration(PendingRegistration),
    /// Removes a pending registration that must still be stored (an `otp` is used once).
    TakeRegistration([u8; 32]),
    /// Adds a session; neither its handle nor its `authId` digest may be stored yet.
    InsertSession(LoginSession),
    /// Replaces the session with this handle, which must still be at `expected_version`; an
    /// `authId` digest it gains must not belong to another session.
    UpdateSession {
        /// The session as it is to be stored.
        session: LoginSession,
        /// The version of the session the change was decided on.
        expected_version: u64,
    },
    /// Drops registrations that expired by `registrations_expired_by_ms` and sessions last
    /// changed before `sessions_updated_before_ms`.
    Purge {
        /// Unix milliseconds: registrations that expired by then are dropped.
        registrations_expired_by_ms: u64,
        /// Unix milliseconds: sessions last changed before then are dropped.
        sessions_updated_before_ms: u64,
    },
    /// Forgets everything: the portal is unregistered again.
    Reset,
}

/// An atomic change, decided on the portal record at `portal_version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The portal record's version the change was decided on; a store refuses the change with
    /// `conflict` when the record has moved on.
    pub portal_version: u64,
    /// What changes, applied all together or not at all.
    pub ops: Vec<StoreOp>,
}

/// Storage of the portal's state. Implementations must make [`PortalStore::apply`] atomic and
/// durable before it returns, and refuse a change whose expectations do not hold with
/// `Error::Conflict` ([`store_conflict`](super::store_conflict)); any other error means nothing
/// was changed.
pub trait PortalStore: Send + Sync + 'static {
    /// The portal record (a fresh store gives the default, unregistered, version 0).
    fn load_portal(&self) -> StoreFuture<'_, PortalRecord>;
    /// The pending registration with this `otp` digest.
    fn registration(&self, digest: [u8; 32]) -> StoreFuture<'_, Option<PendingRegistration>>;
    /// The session with this handle or `authId` digest, as stored.
    fn session(&self, key: SessionKey) -> StoreFuture<'_, Option<LoginSession>>;
    /// Applies every operation of `change`, or none; once applied, tells the subscribers
    /// ([`PortalStore::subscribe`]) what it touched.
    fn apply(&self, change: Change) -> StoreFuture<'_, ()>;
    /// The changes committed from now on, by this process and — for a store several processes
    /// share and that can tell — by the others. The default tells nothing; the portal's waits
    /// then find changes by polling alone.
    fn subscribe(&self) -> ChangeFeed {
        silent_feed()
    }
}

/// The error a store gives when a change's expectations no longer hold.
pub fn conflict(what: impl Into<String>) -> Error {
    Error::Conflict(Box::new(VendorDetail::new(Vendor::NoPass).message(what)))
}
