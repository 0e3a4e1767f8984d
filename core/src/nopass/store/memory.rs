//! The in-memory store: for tests, and for portals that may forget everything on restart.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use futures_util::future;

use super::{conflict, Change, ChangeBroadcast, ChangeFeed, PortalStore, SessionKey, StoreEvent, StoreFuture, StoreOp};
use crate::nopass::state::{LoginSession, PendingRegistration, PortalRecord};
use crate::Result;

#[derive(Debug, Default)]
struct State {
    portal: PortalRecord,
    registrations: HashMap<[u8; 32], PendingRegistration>,
    /// By handle.
    sessions: HashMap<String, LoginSession>,
    /// `authId` digest → handle.
    handles: HashMap<[u8; 32], String>,
}

impl State {
    fn session(&self, key: &SessionKey) -> Option<&LoginSession> {
        match key {
            SessionKey::Handle(handle) => self.sessions.get(handle),
            SessionKey::AuthDigest(digest) => self.sessions.get(self.handles.get(digest)?),
        }
    }

    /// Whether `digest` is free for the session `handle` (unused, or already its own).
    fn auth_digest_free(&self, digest: Option<&[u8; 32]>, handle: &str) -> bool {
        digest.and_then(|d| self.handles.get(d)).is_none_or(|owner| owner == handle)
    }

    fn put_session(&mut self, session: LoginSession) {
        if let Some(digest) = session.auth_digest {
            self.handles.insert(digest, session.handle.clone());
        }
        self.sessions.insert(session.handle.clone(), session);
    }
}

/// Keeps the portal's state in this process only.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
    changes: ChangeBroadcast,
}

impl MemoryStore {
    /// An empty store: an unregistered portal, nothing else.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn apply_now(&self, change: Change) -> Result<()> {
        let event = StoreEvent::of(&change);
        self.apply_locked(change)?;
        self.changes.publish(event);
        Ok(())
    }

    fn apply_locked(&self, change: Change) -> Result<()> {
        let mut state = self.state();
        if state.portal.version != change.portal_version {
            return Err(conflict("the portal record changed"));
        }
        // Check every expectation first, so a refused change leaves nothing half-applied.
        for op in &change.ops {
            match op {
                StoreOp::PutRegistration(r) if state.registrations.contains_key(&r.digest) => {
                    return Err(conflict("the registration exists already"));
                }
                StoreOp::TakeRegistration(digest) if !state.registrations.contains_key(digest) => {
                    return Err(conflict("the registration was used or removed"));
                }
                StoreOp::InsertSession(s)
                    if state.sessions.contains_key(&s.handle)
                        || !state.auth_digest_free(s.auth_digest.as_ref(), &s.handle) =>
                {
                    return Err(conflict("the session exists already"));
                }
                StoreOp::UpdateSession { session, expected_version }
                    if state.sessions.get(&session.handle).map(|s| s.version) != Some(*expected_version)
                        || !state.auth_digest_free(session.auth_digest.as_ref(), &session.handle) =>
                {
                    return Err(conflict("the session changed"));
                }
                _ => {}
            }
        }
        for op in change.ops {
            match op {
                StoreOp::SetPortal(mut record) => {
                    record.version = change.portal_version + 1;
                    state.portal = record;
                }
                StoreOp::PutRegistration(r) => {
                    state.registrations.insert(r.digest, r);
                }
                StoreOp::TakeRegistration(digest) => {
                    state.registrations.remove(&digest);
                }
                StoreOp::InsertSession(s) | StoreOp::UpdateSession { session: s, .. } => state.put_session(s),
                StoreOp::Purge { registrations_expired_by_ms, sessions_updated_before_ms } => {
                    state.registrations.retain(|_, r| r.expires_at_ms > registrations_expired_by_ms);
                    state.sessions.retain(|_, s| s.updated_at_ms >= sessions_updated_before_ms);
                    let State { sessions, handles, .. } = &mut *state;
                    handles.retain(|_, handle| sessions.contains_key(handle));
                }
                StoreOp::Reset => {
                    let version = state.portal.version;
                    *state = State::default();
                    state.portal.version = version + 1;
                }
            }
        }
        Ok(())
    }
}

impl PortalStore for MemoryStore {
    fn load_portal(&self) -> StoreFuture<'_, PortalRecord> {
        Box::pin(future::ready(Ok(self.state().portal.clone())))
    }

    fn registration(&self, digest: [u8; 32]) -> StoreFuture<'_, Option<PendingRegistration>> {
        Box::pin(future::ready(Ok(self.state().registrations.get(&digest).cloned())))
    }

    fn session(&self, key: SessionKey) -> StoreFuture<'_, Option<LoginSession>> {
        Box::pin(future::ready(Ok(self.state().session(&key).cloned())))
    }

    fn apply(&self, change: Change) -> StoreFuture<'_, ()> {
        Box::pin(future::ready(self.apply_now(change)))
    }

    fn subscribe(&self) -> ChangeFeed {
        self.changes.subscribe()
    }
}
