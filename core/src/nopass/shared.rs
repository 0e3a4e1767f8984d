//! The state the portal's entry points (`portal.rs`, `server_calls.rs`) and its callback
//! handlers (`machine.rs`) share, and the steps every handler takes on it: running a hook
//! within its deadline, claiming a subject, reading and committing to the store.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use futures_util::FutureExt;

use super::config::PortalConfig;
use super::hooks::{HookFuture, PortalHooks};
use super::response::Refusal;
use super::routes::Callback;
use super::server_client::ServerClient;
use super::state::{now_ms, LoginSession, PendingRegistration, PortalRecord};
use super::store::{Change, PortalStore, SessionKey, StoreOp};
use super::subjects::{Subject, SubjectGuard, Subjects};
use super::throttle::AdminThrottle;
use crate::{Error, Result, Vendor, VendorDetail};

/// Purge expired registrations and old sessions at most this often.
const PURGE_EVERY_MS: u64 = 60_000;

/// What every entry point of the portal and every callback handler works on: the
/// configuration, the store, the host's hooks, and the guards against concurrent copies of a
/// callback and against guessed `adminId`s.
pub(crate) struct Inner {
    pub(crate) config: PortalConfig,
    pub(crate) store: Arc<dyn PortalStore>,
    pub(crate) hooks: Arc<dyn PortalHooks>,
    pub(super) server: Option<ServerClient>,
    last_purge_ms: AtomicU64,
    pub(crate) subjects: Subjects,
    pub(crate) admin_throttle: AdminThrottle,
}

/// The detail of an error the portal itself raises.
pub(super) fn detail(message: &str) -> VendorDetail {
    VendorDetail::new(Vendor::NoPass).message(message)
}

impl Inner {
    pub(super) fn new(
        config: PortalConfig,
        store: Arc<dyn PortalStore>,
        hooks: Arc<dyn PortalHooks>,
        server: Option<ServerClient>,
    ) -> Self {
        Self {
            config,
            store,
            hooks,
            server,
            last_purge_ms: AtomicU64::new(0),
            subjects: Subjects::default(),
            admin_throttle: AdminThrottle::default(),
        }
    }

    /// Runs a hook within [`PortalConfig::hook_timeout`], turning an error, a panic or the
    /// deadline into a refusal that changes nothing.
    pub(crate) async fn hook<T>(&self, callback: Callback, call: HookFuture<T>) -> std::result::Result<T, Refusal> {
        let deadline = self.config.hook_timeout;
        let Ok(outcome) = tokio::time::timeout(deadline, AssertUnwindSafe(call).catch_unwind()).await else {
            tracing::warn!(callback = callback.name(), ?deadline, "portal hook did not return in time");
            return Err(Refusal::busy(callback.name(), deadline));
        };
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => {
                tracing::warn!(callback = callback.name(), error = error.message(), "portal hook failed");
                Err(Refusal::hook_failed(callback.name()))
            }
            Err(_) => {
                tracing::error!(callback = callback.name(), "portal hook panicked");
                Err(Refusal::hook_failed(callback.name()))
            }
        }
    }

    /// Commits a callback's change before it is answered.
    pub(crate) async fn commit(&self, change: Change) -> std::result::Result<(), Refusal> {
        self.apply(change).await.map_err(|error| match error {
            Error::Conflict(_) => Refusal::conflict(),
            other => {
                tracing::warn!(error = %other, "portal store failed");
                Refusal::store_failed()
            }
        })
    }

    /// Applies a change (with a purge now and then); the store's change feed wakes the waits
    /// of the sessions it touched.
    pub(crate) async fn apply(&self, mut change: Change) -> Result<()> {
        let now = now_ms();
        let last = self.last_purge_ms.load(Ordering::Relaxed);
        let purge = now.saturating_sub(last) >= PURGE_EVERY_MS;
        if purge {
            let retention = self.config.session_retention.as_millis() as u64;
            change.ops.push(StoreOp::Purge {
                registrations_expired_by_ms: now,
                sessions_updated_before_ms: now.saturating_sub(retention),
            });
        }
        self.store.apply(change).await?;
        if purge {
            self.last_purge_ms.store(now, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Waits (within the hook deadline) until no other callback handles `subject`.
    pub(crate) async fn claim(
        &self,
        callback: Callback,
        subject: Subject,
    ) -> std::result::Result<SubjectGuard<'_>, Refusal> {
        let deadline = self.config.hook_timeout;
        tokio::time::timeout(deadline, self.subjects.lock(subject))
            .await
            .map_err(|_| Refusal::busy(callback.name(), deadline))
    }

    /// Takes `subject`, or refuses at once when another copy of the callback handles it.
    pub(crate) fn claim_now(&self, subject: Subject) -> std::result::Result<SubjectGuard<'_>, Refusal> {
        self.subjects.try_lock(subject).ok_or_else(Refusal::in_progress)
    }

    pub(crate) async fn load_portal(&self) -> std::result::Result<PortalRecord, Refusal> {
        match self.store.load_portal().await {
            Ok(record) => Ok(record.at(now_ms(), self.config.pre_registration_ttl)),
            Err(error) => {
                tracing::warn!(%error, "portal store failed");
                Err(Refusal::store_failed())
            }
        }
    }

    pub(crate) async fn registration(
        &self,
        digest: [u8; 32],
    ) -> std::result::Result<Option<PendingRegistration>, Refusal> {
        self.store.registration(digest).await.map_err(|error| {
            tracing::warn!(%error, "portal store failed");
            Refusal::store_failed()
        })
    }

    pub(crate) async fn stored_session(&self, key: SessionKey) -> std::result::Result<Option<LoginSession>, Refusal> {
        self.store.session(key).await.map_err(|error| {
            tracing::warn!(%error, "portal store failed");
            Refusal::store_failed()
        })
    }
}
