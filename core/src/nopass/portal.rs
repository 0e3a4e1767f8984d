//! The portal: the entry points a host calls — handling callbacks, reading and awaiting
//! sessions, and starting registrations and logins on the NoPass server.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use sha2::{Digest, Sha256};
use tokio::sync::watch;
use tracing::Instrument;

use super::config::PortalConfig;
use super::hooks::{HookFuture, NoHooks, PortalHooks};
use super::machine;
use super::request::{Inbound, RequestHead};
use super::response::{PortalResponse, Refusal};
use super::routes::Callback;
use super::server_client::{PreRegisterUserBody, PreRegisterUserData, ServerClient};
use super::state::{now_ms, LoginSession, PendingRegistration, PortalPhase, PortalRecord, SessionOrigin, SessionState};
use super::store::{Change, MemoryStore, PortalStore, StoreOp};
use crate::validate::{no_control, required_max};
use crate::wait::WaitOptions;
use crate::{Error, Result, Secret, Vendor, VendorDetail};

/// Purge expired registrations and old sessions at most this often.
const PURGE_EVERY_MS: u64 = 60_000;

/// A user registration to start with PreRegisterUser (VENDOR-NOTES).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserPreRegistration {
    /// The portal's id of the user (at most 256 characters, like the seed's `UserId`).
    pub user_id: String,
    /// The user's IP address, as the portal saw it.
    pub client_ip: Option<String>,
    /// Where the NoPass site sends the user after registering.
    pub redirect_url: Option<String>,
    /// `null` unless the registration goes through a social network.
    pub social_network: Option<String>,
    pub given_name: Option<String>,
    pub sur_name: Option<String>,
    pub phone_number: Option<String>,
    pub email: Option<String>,
}

impl UserPreRegistration {
    pub fn new(user_id: impl Into<String>) -> Self {
        Self { user_id: user_id.into(), ..Self::default() }
    }

    fn validate(&self) -> Result<()> {
        required_max("userId", &self.user_id, 256)?;
        no_control("userId", &self.user_id)?;
        if let Some(ip) = &self.client_ip {
            ip.parse::<std::net::IpAddr>().map_err(|_| Error::invalid("clientIP", "must be an IP address"))?;
        }
        if let Some(url) = &self.redirect_url {
            crate::validate::max_chars("redirectUrl", url, 2084)?;
            let parsed = url::Url::parse(url).map_err(|_| Error::invalid("redirectUrl", "must be an absolute URL"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(Error::invalid("redirectUrl", "must be an http or https URL"));
            }
        }
        if let Some(network) = &self.social_network {
            required_max("socialNetwork", network, 256)?;
        }
        for (field, value) in [
            ("givenName", &self.given_name),
            ("surName", &self.sur_name),
            ("phoneNumber", &self.phone_number),
            ("email", &self.email),
        ] {
            if let Some(value) = value {
                crate::validate::max_chars(field, value, 2084)?;
            }
        }
        Ok(())
    }
}

/// A started user registration: send the user to `register_link`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreRegisteredUser {
    pub user_id: String,
    /// The code ConfirmUserRegistration must carry. The portal keeps only its digest.
    pub otp: Secret,
    pub register_link: String,
    /// When the `otp` stops being accepted (Unix milliseconds).
    pub expires_at_ms: u64,
}

pub(crate) struct Inner {
    pub(crate) config: PortalConfig,
    pub(crate) store: Arc<dyn PortalStore>,
    pub(crate) hooks: Arc<dyn PortalHooks>,
    server: Option<ServerClient>,
    changes: watch::Sender<u64>,
    last_purge_ms: AtomicU64,
}

/// The NoPass portal. Cheap to clone (all clones share one state); `Send + Sync`.
#[derive(Clone)]
pub struct Portal {
    inner: Arc<Inner>,
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

    pub fn shared_hooks(mut self, hooks: Arc<dyn PortalHooks>) -> Self {
        self.hooks = Some(hooks);
        self
    }

    pub fn build(self) -> Result<Portal> {
        self.config.validate()?;
        let server = self.config.server.as_ref().map(ServerClient::new).transpose()?;
        let (changes, _) = watch::channel(0);
        Ok(Portal {
            inner: Arc::new(Inner {
                config: self.config,
                store: self.store.unwrap_or_else(|| Arc::new(MemoryStore::new())),
                hooks: self.hooks.unwrap_or_else(|| Arc::new(NoHooks)),
                server,
                changes,
                last_purge_ms: AtomicU64::new(0),
            }),
        })
    }
}

impl Portal {
    pub fn builder(config: PortalConfig) -> PortalBuilder {
        PortalBuilder { config, store: None, hooks: None }
    }

    pub fn config(&self) -> &PortalConfig {
        &self.inner.config
    }

    /// Handles one callback: method, path, headers and the whole body in; the answer out.
    /// Never fails: every problem is an answer in the seed's error envelope.
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
            Ok(callback) => Ok(Inbound::new(self.clone(), callback, self.inner.config.max_body_bytes)),
            Err(refusal) => {
                tracing::debug!(status = refusal.status(), code = refusal.code(), "nopass callback refused");
                Err(refusal.into_response())
            }
        }
    }

    pub(crate) async fn process(&self, callback: Callback, body: &[u8]) -> PortalResponse {
        let span = tracing::info_span!(
            "authbridge.nopass.callback",
            callback = callback.name(),
            status = tracing::field::Empty
        );
        let handled = AssertUnwindSafe(machine::dispatch(&self.inner, callback, body))
            .catch_unwind()
            .instrument(span.clone())
            .await;
        let response = match handled {
            Ok(Ok(outcome)) => outcome.into_response(self.inner.config.response_mode),
            Ok(Err(refusal)) => {
                span.in_scope(|| tracing::debug!(code = refusal.code(), "callback refused"));
                refusal.into_response()
            }
            Err(_) => {
                span.in_scope(|| tracing::error!("callback handling panicked"));
                Refusal::new(500, "internal", "the portal failed while handling the callback").into_response()
            }
        };
        span.record("status", response.status);
        response
    }

    /// The portal's registration and phase.
    pub async fn status(&self) -> Result<PortalRecord> {
        self.inner.store.load_portal().await
    }

    /// The session with this `authId`, as of now (a pending login past its time reads as
    /// [`SessionState::Expired`]).
    pub async fn session(&self, auth_id: &str) -> Result<Option<LoginSession>> {
        Ok(self.inner.store.session(auth_id.to_string()).await?.map(|s| s.at(now_ms())))
    }

    /// Waits until the session's version is above `seen_version` (pass 0 for "now"), or it
    /// expires, and returns it: what a login page's long-poll needs. Fails with `timeout`
    /// after `options.timeout`, `cancelled` if cancelled, `not_found` for an unknown
    /// `authId`. Changes made in this process wake the wait at once; the store is also read
    /// every `options.interval` for changes made by other processes sharing it.
    pub async fn wait_session(&self, auth_id: &str, seen_version: u64, options: &WaitOptions) -> Result<LoginSession> {
        let deadline = tokio::time::Instant::now() + options.timeout;
        let interval = options.interval.max(WaitOptions::MIN_INTERVAL);
        let cancel = options.cancel.clone().unwrap_or_default();
        let mut changes = self.inner.changes.subscribe();
        loop {
            changes.borrow_and_update();
            let now = now_ms();
            let session = self
                .inner
                .store
                .session(auth_id.to_string())
                .await?
                .ok_or_else(|| Error::NotFound(Box::new(detail("no session with this authId"))))?
                .at(now);
            if session.version > seen_version || session.state == SessionState::Expired {
                return Ok(session);
            }
            let mut wake = (tokio::time::Instant::now() + interval).min(deadline);
            if session.state == SessionState::Pending {
                let left = Duration::from_millis(session.expires_at_ms.saturating_sub(now));
                wake = wake.min(tokio::time::Instant::now() + left);
            }
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(Error::Cancelled),
                changed = changes.changed() => {
                    if changed.is_err() {
                        tokio::time::sleep_until(wake).await;
                    }
                }
                _ = tokio::time::sleep_until(wake) => {}
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::Timeout { what: "nopass session change".into(), after: options.timeout });
            }
        }
    }

    /// Starts a user's registration with the NoPass server (PreRegisterUser). The `otp` it
    /// yields is kept (as a digest) until ConfirmUserRegistration uses it or it expires.
    pub async fn pre_register_user(&self, user: UserPreRegistration) -> Result<PreRegisteredUser> {
        user.validate()?;
        let server = self.server()?;
        let record = self.status().await?;
        let (portal_id, token) = registered(&record)?;
        let body = PreRegisterUserBody {
            portal_id: &portal_id,
            user_id: &user.user_id,
            client_ip: user.client_ip.as_deref(),
            redirect_url: user.redirect_url.as_deref(),
            social_network: user.social_network.as_deref(),
            data: PreRegisterUserData {
                given_name: user.given_name.as_deref(),
                sur_name: user.sur_name.as_deref(),
                phone_number: user.phone_number.as_deref(),
                email: user.email.as_deref(),
            },
        };
        let answer = server.pre_register_user(&token, &body).await?;
        let now = now_ms();
        let expires_at_ms = now.saturating_add(self.inner.config.registration_ttl.as_millis() as u64);
        let pending = PendingRegistration {
            digest: otp_digest(answer.otp.expose()),
            user_id: Some(user.user_id.clone()),
            initiated_by_portal: true,
            created_at_ms: now,
            expires_at_ms,
        };
        self.inner
            .apply(Change { portal_version: record.version, ops: vec![StoreOp::PutRegistration(pending)] })
            .await?;
        Ok(PreRegisteredUser {
            user_id: user.user_id,
            otp: answer.otp,
            register_link: answer.register_link,
            expires_at_ms,
        })
    }

    /// Starts a login for `user_id` with the NoPass server (RequestAuthorization). The session
    /// it returns (by `authId`, with the first picture) is what UpdatePicture, AuthorizedUser
    /// and CloseSession then act on.
    pub async fn request_authorization(&self, user_id: &str) -> Result<LoginSession> {
        required_max("userId", user_id, 256)?;
        no_control("userId", user_id)?;
        let server = self.server()?;
        let record = self.status().await?;
        let (portal_id, token) = registered(&record)?;
        let answer = server.request_authorization(&token, &portal_id, user_id).await?;
        let now = now_ms();
        let session = LoginSession {
            auth_id: answer.auth_id,
            user_id: Some(user_id.to_string()),
            origin: SessionOrigin::Login,
            state: SessionState::Pending,
            reason: None,
            image: Some(answer.image),
            next_change_ms: Some(answer.next_change_ms),
            picture_expires_at_ms: Some(now.saturating_add(answer.next_change_ms)),
            pictures: 1,
            created_at_ms: now,
            expires_at_ms: now.saturating_add(self.inner.config.login_ttl.as_millis() as u64),
            updated_at_ms: now,
            version: 1,
        };
        self.inner
            .apply(Change { portal_version: record.version, ops: vec![StoreOp::InsertSession(session.clone())] })
            .await?;
        Ok(session)
    }

    /// Forgets the registration, every pending registration and every session: the portal
    /// can be pre-registered again (after DisableService, or to move to another NoPass
    /// server). Only the host can do this; no callback can.
    pub async fn reset(&self) -> Result<()> {
        let record = self.status().await?;
        self.inner.apply(Change { portal_version: record.version, ops: vec![StoreOp::Reset] }).await
    }

    /// The same API for threads that block (C, synchronous Python).
    pub fn blocking(&self) -> BlockingPortal<'_> {
        BlockingPortal { portal: self }
    }

    fn server(&self) -> Result<&ServerClient> {
        self.inner
            .server
            .as_ref()
            .ok_or_else(|| Error::Config("the portal has no NoPass server configured (PortalConfig::server)".into()))
    }
}

fn detail(message: &str) -> VendorDetail {
    VendorDetail::new(Vendor::NoPass).message(message)
}

/// The `portalId` and `authToken` of a registered portal.
fn registered(record: &PortalRecord) -> Result<(String, Secret)> {
    match (record.phase, &record.portal_id, &record.auth_token) {
        (PortalPhase::Registered, Some(portal_id), Some(token)) => Ok((portal_id.clone(), token.clone())),
        (phase, ..) => Err(Error::Conflict(Box::new(detail(&format!(
            "the portal is {}: the NoPass server has not registered it (or disabled it)",
            phase.as_str()
        ))))),
    }
}

/// The SHA-256 of an `otp`: what the store keeps and looks registrations up by.
pub(crate) fn otp_digest(otp: &str) -> [u8; 32] {
    Sha256::digest(otp.as_bytes()).into()
}

impl Inner {
    /// Runs a hook, turning an error or a panic into a refusal that changes nothing.
    pub(crate) async fn hook<T>(&self, callback: Callback, call: HookFuture<T>) -> std::result::Result<T, Refusal> {
        match AssertUnwindSafe(call).catch_unwind().await {
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

    /// Applies a change (with a purge now and then) and wakes session waiters.
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
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
        Ok(())
    }

    pub(crate) async fn load_portal(&self) -> std::result::Result<PortalRecord, Refusal> {
        self.store.load_portal().await.map_err(|error| {
            tracing::warn!(%error, "portal store failed");
            Refusal::store_failed()
        })
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

    pub(crate) async fn stored_session(&self, auth_id: &str) -> std::result::Result<Option<LoginSession>, Refusal> {
        self.store.session(auth_id.to_string()).await.map_err(|error| {
            tracing::warn!(%error, "portal store failed");
            Refusal::store_failed()
        })
    }
}

/// The [`Portal`] API for threads that block: each call runs on the shared runtime. Calling
/// it from inside an async runtime fails with a `config` error instead of deadlocking.
#[derive(Debug, Clone, Copy)]
pub struct BlockingPortal<'a> {
    portal: &'a Portal,
}

impl BlockingPortal<'_> {
    pub fn handle<H, K, V>(&self, method: &str, path: &str, headers: H, body: &[u8]) -> Result<PortalResponse>
    where
        H: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        crate::runtime::block_on(self.portal.handle(method, path, headers, body))
    }

    pub fn handle_request(&self, head: RequestHead, body: &[u8]) -> Result<PortalResponse> {
        crate::runtime::block_on(self.portal.handle_request(head, body))
    }

    pub fn status(&self) -> Result<PortalRecord> {
        crate::runtime::block_on(self.portal.status())?
    }

    pub fn session(&self, auth_id: &str) -> Result<Option<LoginSession>> {
        crate::runtime::block_on(self.portal.session(auth_id))?
    }

    pub fn wait_session(&self, auth_id: &str, seen_version: u64, options: &WaitOptions) -> Result<LoginSession> {
        crate::runtime::block_on(self.portal.wait_session(auth_id, seen_version, options))?
    }

    pub fn pre_register_user(&self, user: UserPreRegistration) -> Result<PreRegisteredUser> {
        crate::runtime::block_on(self.portal.pre_register_user(user))?
    }

    pub fn request_authorization(&self, user_id: &str) -> Result<LoginSession> {
        crate::runtime::block_on(self.portal.request_authorization(user_id))?
    }

    pub fn reset(&self) -> Result<()> {
        crate::runtime::block_on(self.portal.reset())?
    }
}
