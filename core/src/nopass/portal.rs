//! The portal: the entry points a host calls — handling callbacks, reading, awaiting and
//! redeeming sessions by their browser handle. The state they share with the callback
//! handlers is in `shared.rs`, starting registrations and logins on the NoPass server in
//! `server_calls.rs`, the blocking twin of this API in `blocking.rs`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;

use super::config::PortalConfig;
use super::hooks::{NoHooks, PortalHooks};
use super::record::callback_answered;
use super::request::{Inbound, RequestHead};
use super::response::PortalResponse;
use super::routes::Callback;
use super::server_client::ServerClient;
use super::shared::{detail, Inner};
use super::state::{now_ms, LoginSession, PortalRecord, RedeemedLogin, SessionState};
use super::store::{Change, MemoryStore, PortalStore, SessionKey, StoreOp};
use crate::wait::WaitOptions;
use crate::{Error, Result};

/// How often [`Portal::redeem_login`] decides again when a concurrent change got in first.
const REDEEM_ATTEMPTS: usize = 8;

/// The NoPass portal. Cheap to clone (all clones share one state); `Send + Sync`.
#[derive(Clone)]
pub struct Portal {
    pub(super) inner: Arc<Inner>,
}

impl std::fmt::Debug for Portal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Portal").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

/// Builds a [`Portal`].
pub struct PortalBuilder {
    config: PortalConfig,
    store: Option<Arc<dyn PortalStore>>,
    hooks: Option<Arc<dyn PortalHooks>>,
}

impl PortalBuilder {
    /// Where the state lives. Without one the portal keeps it in memory only; use
    /// [`super::SqliteStore`] for the durable default.
    pub fn store(mut self, store: impl PortalStore) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// Where the state lives, shared with other code (one store for several portals in tests, a
    /// store the host also reads).
    pub fn shared_store(mut self, store: Arc<dyn PortalStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// The host's hooks. Without them every notification is accepted and every decision
    /// refused.
    pub fn hooks(mut self, hooks: impl PortalHooks) -> Self {
        self.hooks = Some(Arc::new(hooks));
        self
    }

    /// The host's hooks, shared with other code.
    pub fn shared_hooks(mut self, hooks: Arc<dyn PortalHooks>) -> Self {
        self.hooks = Some(hooks);
        self
    }

    /// Fails with a `config` error when the configuration is invalid or has no access policy.
    pub fn build(self) -> Result<Portal> {
        self.config.validate()?;
        if self.config.required_access()?.any_source {
            tracing::warn!(
                "nopass portal accepts callbacks from any source (AccessPolicy::any_source): anyone who reaches it \
                 can answer for a login"
            );
        }
        let server = self.config.server.as_ref().map(ServerClient::new).transpose()?;
        Ok(Portal {
            inner: Arc::new(Inner::new(
                self.config,
                self.store.unwrap_or_else(|| Arc::new(MemoryStore::new())),
                self.hooks.unwrap_or_else(|| Arc::new(NoHooks)),
                server,
            )),
        })
    }
}

impl Portal {
    /// Starts building a portal for `config`; [`PortalBuilder::build`] checks it.
    pub fn builder(config: PortalConfig) -> PortalBuilder {
        PortalBuilder { config, store: None, hooks: None }
    }

    /// The configuration the portal was built with.
    pub fn config(&self) -> &PortalConfig {
        &self.inner.config
    }

    /// Handles one callback: method, path, headers and the whole body in; the answer out.
    /// Never fails: every problem is an answer in the vendor's error envelope.
    pub async fn handle<H, K, V>(&self, method: &str, path: &str, headers: H, body: &[u8]) -> PortalResponse
    where
        H: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let mut head = RequestHead::new(method, path);
        head.headers = headers.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        self.handle_request(head, body).await
    }

    /// [`Portal::handle`] with a [`RequestHead`] (which can carry the caller's address).
    pub async fn handle_request(&self, head: RequestHead, body: &[u8]) -> PortalResponse {
        let mut inbound = match self.begin(head) {
            Ok(inbound) => inbound,
            Err(response) => return response,
        };
        if let Err(response) = inbound.push(body) {
            return response;
        }
        inbound.finish().await
    }

    /// The streaming entry: checks route, method, access, content type and the announced
    /// length before any body is read. Feed the body to the returned [`Inbound`]; when
    /// this gives `Err`, send that answer without reading the body.
    pub fn begin(&self, head: RequestHead) -> std::result::Result<Inbound, PortalResponse> {
        match head.admit(&self.inner.config) {
            Ok((callback, client)) => {
                Ok(Inbound::new(Arc::clone(&self.inner), callback, client, self.inner.config.max_body_bytes))
            }
            Err(refusal) => {
                // A request at a callback's path is that callback's record; any other path is
                // not a callback at all.
                match Callback::from_path(&self.inner.config.mount_path, &head.path) {
                    Some(callback) => {
                        callback_answered(callback, Instant::now(), refusal.status(), Some(refusal.code()))
                    }
                    None => tracing::debug!(status = refusal.status(), code = refusal.code(), "nopass request refused"),
                }
                Err(refusal.into_response())
            }
        }
    }

    /// The portal's registration and phase (a pre-registration past its time reads as
    /// unregistered).
    pub async fn status(&self) -> Result<PortalRecord> {
        Ok(self.inner.store.load_portal().await?.at(now_ms(), self.inner.config.pre_registration_ttl))
    }

    /// The session with this browser handle, as of now (a login past its time reads as
    /// [`SessionState::Expired`]).
    pub async fn session(&self, handle: &str) -> Result<Option<LoginSession>> {
        Ok(self.inner.store.session(SessionKey::Handle(handle.to_string())).await?.map(|s| s.at(now_ms())))
    }

    /// Waits until the session's version is above `seen_version` (pass 0 for "now"), or it
    /// expires, and returns it: what a login page's long-poll needs. Fails with `timeout`
    /// after `options.timeout`, `cancelled` if cancelled, `not_found` for an unknown handle.
    ///
    /// The store's change feed wakes the wait when its own session changes, in this process
    /// or (with a shared store that notifies, such as Redis) in another; the session is also
    /// read every `options.interval` as a safety net.
    pub async fn wait_session(&self, handle: &str, seen_version: u64, options: &WaitOptions) -> Result<LoginSession> {
        let deadline = tokio::time::Instant::now() + options.timeout;
        let interval = options.interval.max(WaitOptions::MIN_INTERVAL);
        let cancel = options.cancel.clone().unwrap_or_default();
        // Subscribed before the first read, so no change between the read and the wait is lost.
        let mut feed = self.inner.store.subscribe();
        let mut feed_open = true;
        loop {
            let now = now_ms();
            let session = self.session(handle).await?.ok_or_else(unknown_handle)?;
            if session.version > seen_version || session.state == SessionState::Expired {
                return Ok(session);
            }
            let mut wake = (tokio::time::Instant::now() + interval).min(deadline);
            if matches!(session.state, SessionState::Pending | SessionState::Authorized) {
                let left = Duration::from_millis(session.expires_at_ms.saturating_sub(now));
                wake = wake.min(tokio::time::Instant::now() + left);
            }
            // Sleep until this session may have changed, or the next poll is due.
            loop {
                tokio::select! {
                    biased;
                    _ = cancel.cancelled() => return Err(Error::Cancelled),
                    event = feed.next(), if feed_open => match event {
                        Some(event) if event.touches(handle) => break,
                        Some(_) => continue,
                        None => feed_open = false,
                    },
                    _ = tokio::time::sleep_until(wake) => break,
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::Timeout { what: "nopass session change".into(), after: options.timeout });
            }
        }
    }

    /// Completes an authorised login: gives its user exactly once and consumes the session.
    /// The host calls it when the browser comes back with its handle, and signs the user in
    /// only on `Ok`.
    ///
    /// Fails with `not_found` for an unknown handle, `conflict` when the login is still
    /// pending or was redeemed already, and `authentication_failed` when it was denied,
    /// closed or expired (an authorised login must be redeemed within
    /// [`PortalConfig::redeem_ttl`]).
    pub async fn redeem_login(&self, handle: &str) -> Result<RedeemedLogin> {
        for _ in 0..REDEEM_ATTEMPTS {
            let now = now_ms();
            let session = self.session(handle).await?.ok_or_else(unknown_handle)?;
            match session.state {
                SessionState::Authorized => {}
                SessionState::Pending => {
                    return Err(Error::Conflict(Box::new(detail("the login is not authorised yet"))))
                }
                SessionState::Redeemed => {
                    return Err(Error::Conflict(Box::new(detail("the login was redeemed already"))))
                }
                other => {
                    let message = format!("the login is {}, not authorised", other.as_str());
                    return Err(Error::AuthenticationFailed(Box::new(detail(&message))));
                }
            }
            let redeemed = RedeemedLogin {
                handle: session.handle.clone(),
                user_id: session.user_id.clone(),
                origin: session.origin,
                authorized_at_ms: session.updated_at_ms,
            };
            let next = LoginSession {
                state: SessionState::Redeemed,
                updated_at_ms: now,
                version: session.version + 1,
                ..session.clone()
            };
            let portal_version = self.inner.store.load_portal().await?.version;
            let op = StoreOp::UpdateSession { session: next, expected_version: session.version };
            match self.inner.apply(Change { portal_version, ops: vec![op] }).await {
                Ok(()) => return Ok(redeemed),
                // Someone else changed the portal or the session meanwhile: decide again.
                Err(Error::Conflict(_)) => continue,
                Err(other) => return Err(other),
            }
        }
        Err(Error::Conflict(Box::new(detail("the login kept changing while it was redeemed; try again"))))
    }

    /// Forgets the registration, every pending registration and every session: the portal
    /// can be pre-registered again (after DisableService, or to move to another NoPass
    /// server). Only the host can do this; no callback can.
    pub async fn reset(&self) -> Result<()> {
        let record = self.status().await?;
        self.inner.apply(Change { portal_version: record.version, ops: vec![StoreOp::Reset] }).await
    }
}

fn unknown_handle() -> Error {
    Error::NotFound(Box::new(detail("no session with this handle")))
}
