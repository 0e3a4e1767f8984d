//! The shared store (feature `redis`): the portal's state in Redis, so any number of replicas
//! of a web app act as one portal. A callback handled by one replica is seen by the others'
//! reads at once, and wakes their waits through pub/sub.
//!
//! # Key layout
//!
//! Every key of a portal starts with `authbridge:{<portal>}:`. The braces make the portal name
//! the Redis Cluster hash tag, so all of a portal's keys live in one slot and one Lua script
//! may touch them together. The portal name comes from the URL (`?portal=shop`), from
//! [`RedisOptions::portal`], or is `default`; several portals can share one Redis.
//!
//! | key                         | type       | holds                                                       |
//! |-----------------------------|------------|-------------------------------------------------------------|
//! | `…:portal`                  | hash       | `version` (decimal) and `record` (JSON: phase, portalId, authToken, settings) |
//! | `…:reg:<hex otp digest>`    | string     | a pending registration (JSON)                               |
//! | `…:regs`                    | sorted set | registration digests by `expires_at_ms`, for purging        |
//! | `…:session:<handle>`        | hash       | `version`, `auth` (hex `authId` digest or empty), `record` (JSON) |
//! | `…:auth:<hex authId digest>`| string     | the handle of the session with that `authId`                |
//! | `…:sessions`                | sorted set | session handles by `updated_at_ms`, for purging             |
//! | `…:changes`                 | channel    | notices of committed changes (pub/sub, not a key)           |
//!
//! `otp`s and `authId`s are only ever SHA-256 digests here: the store never sees the plain
//! values. The portal record does hold the NoPass `authToken`, as the SQLite file does, so
//! Redis is to be protected like that file: an ACL user with a password, TLS (`rediss://`)
//! across machines, no public port.
//!
//! # Changes
//!
//! A [`Change`] is one run of a Lua script (`apply.lua`, sent as EVALSHA, loaded again when a
//! restarted server has forgotten it): the portal version and every expectation are checked
//! before the first write, so a change applies whole or not at all, and a failed expectation
//! is the same `conflict` as in every store. With `appendonly yes` and `appendfsync always`,
//! Redis has the change in its AOF on disk before it answers, which is what the portal's
//! "committed before the 200" needs across a Redis restart; with Redis's default
//! (`everysec`), a crash of Redis may lose the last second.
//!
//! # Failures
//!
//! Every call is bounded by [`RedisOptions::timeout`]; when Redis is unreachable a call fails
//! with an `Error::Store` naming Redis and its address (never the password), and the store
//! reconnects on its own once Redis is back. A change whose call timed out after it was sent
//! may or may not have been applied (whole, either way); the portal then answers the NoPass
//! server with an error, and the version checks make a retried callback find the state as it
//! is.
//!
//! Change notifications are described in the `feed` submodule: one pub/sub connection per
//! store, [`StoreEvent::Everything`] after it had to reconnect.

mod codec;
mod errors;
mod feed;
mod keys;
mod script;
mod target;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, RedisResult, Script};

use self::errors::{redis_error, store_error, timed_out};
use self::feed::{Listener, Subscription};
use self::keys::Keys;
use self::script::Outcome;
use self::target::Target;
use super::{conflict, Change, ChangeBroadcast, ChangeFeed, PortalStore, SessionKey, StoreEvent, StoreFuture};
use crate::nopass::state::{LoginSession, PendingRegistration, PortalRecord};
use crate::Result;

pub use self::target::DEFAULT_PORTAL;

/// Options of [`RedisStore::open_with`]. [`RedisOptions::default`] holds the `DEFAULT_*`
/// values and takes the portal name from the URL.
#[derive(Debug, Clone)]
pub struct RedisOptions {
    /// The portal whose keys the store holds; wins over the URL's `portal` parameter. `None`:
    /// the URL's, or [`DEFAULT_PORTAL`].
    pub portal: Option<String>,
    /// How long one attempt to connect may take, TLS handshake and AUTH included.
    pub connect_timeout: Duration,
    /// The most a store call takes in all, reconnecting included (and opening the store). A
    /// portal answers the NoPass server only after its change is stored, so this bounds how
    /// long a callback can hang on an unreachable Redis.
    pub timeout: Duration,
}

impl RedisOptions {
    /// The default of [`RedisOptions::connect_timeout`].
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
    /// The default of [`RedisOptions::timeout`].
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

    /// Sets the portal whose keys the store holds, whatever the URL says.
    pub fn portal(mut self, name: impl Into<String>) -> Self {
        self.portal = Some(name.into());
        self
    }

    /// Sets how long one attempt to connect may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the most a store call may take in all.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

impl Default for RedisOptions {
    fn default() -> Self {
        Self { portal: None, connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT, timeout: Self::DEFAULT_TIMEOUT }
    }
}

/// The portal's state in Redis, shared by every replica that opens the same URL and portal.
/// Clones share one connection and one change feed.
#[derive(Clone)]
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    /// Multiplexed and reconnecting: every call of this store shares it.
    conn: ConnectionManager,
    target: Arc<Target>,
    keys: Keys,
    script: Script,
    /// This process's subscribers: told directly of this store's changes, and by the listener
    /// of other replicas'.
    changes: ChangeBroadcast,
    /// Names this store in its notices, so it skips its own when they come back.
    instance: String,
    timeout: Duration,
    _listener: Listener,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("address", &self.inner.target.address)
            .field("portal", &self.inner.target.portal)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to the Redis at `url` (`redis://[user:password@]host[:port][/db][?portal=NAME]`
    /// or `rediss://…` for TLS, checked against the system's trusted certificates) and
    /// subscribes to the portal's changes. Fails with `invalid_input` for a URL that cannot
    /// work, and `store` when Redis cannot be reached or refuses the credentials, within
    /// [`RedisOptions::DEFAULT_TIMEOUT`].
    pub async fn open(url: &str) -> Result<Self> {
        Self::open_with(url, RedisOptions::default()).await
    }

    /// [`RedisStore::open`] with options.
    pub async fn open_with(url: &str, options: RedisOptions) -> Result<Self> {
        let target = Arc::new(Target::parse(url, options.portal.as_deref())?);
        let client = redis::Client::open(target.client_url.expose()).map_err(|e| redis_error(&target, &e))?;
        let keys = Keys::new(&target.portal);
        let changes = ChangeBroadcast::default();
        let instance = data_encoding::HEXLOWER.encode(&rand::random::<[u8; 16]>());
        let subscription = Subscription {
            client: client.clone(),
            channel: keys.channel(),
            instance: instance.clone(),
            changes: changes.clone(),
            connect_timeout: options.connect_timeout,
            target: target.clone(),
        };
        let opening = async {
            let conn = async { connect(client, &options).await.map_err(|e| redis_error(&target, &e)) };
            futures_util::future::try_join(conn, feed::start(subscription)).await
        };
        // A server that does not speak TLS waits for a line the handshake never sends: say so.
        let what =
            if target.tls() { "connecting over TLS (does the server speak TLS on this port?)" } else { "connecting" };
        let (conn, listener) = tokio::time::timeout(options.timeout, opening)
            .await
            .map_err(|_| timed_out(&target, what, options.timeout))??;
        tracing::debug!(redis = %target.address, portal = %target.portal, "redis store open");
        Ok(Self {
            inner: Arc::new(Inner {
                conn,
                keys,
                script: script::apply_script(),
                changes,
                instance,
                timeout: options.timeout,
                target,
                _listener: listener,
            }),
        })
    }

    /// [`RedisStore::open`] for callers outside an async runtime, on authbridge's shared
    /// runtime (whose threads then keep the connections).
    pub fn open_blocking(url: &str) -> Result<Self> {
        crate::runtime::block_on(Self::open(url))?
    }

    /// [`RedisStore::open_with`] for callers outside an async runtime.
    pub fn open_blocking_with(url: &str, options: RedisOptions) -> Result<Self> {
        crate::runtime::block_on(Self::open_with(url, options))?
    }

    /// The portal whose keys this store holds.
    pub fn portal(&self) -> &str {
        &self.inner.target.portal
    }

    /// Where the store connects, as `redis://[user@]host:port/db`: without the password.
    pub fn address(&self) -> &str {
        &self.inner.target.address
    }

    /// Runs `call` within the store's timeout, mapping Redis's errors.
    async fn bounded<T>(&self, what: &str, call: impl Future<Output = RedisResult<T>>) -> Result<T> {
        let target = &self.inner.target;
        match tokio::time::timeout(self.inner.timeout, call).await {
            Ok(result) => result.map_err(|e| redis_error(target, &e)),
            Err(_) => Err(timed_out(target, what, self.inner.timeout)),
        }
    }

    /// Runs the read `call`, once more if the connection had dropped (reads are safe to repeat,
    /// and the second try waits for the reconnection the first one started).
    async fn read<T, F, Fut>(&self, what: &str, call: F) -> Result<T>
    where
        F: Fn(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        let conn = &self.inner.conn;
        self.bounded(what, async {
            match call(conn.clone()).await {
                Err(error) if error.is_io_error() || error.is_connection_dropped() => call(conn.clone()).await,
                result => result,
            }
        })
        .await
    }

    async fn load(&self) -> Result<PortalRecord> {
        let key = self.inner.keys.portal();
        let (version, record): (Option<String>, Option<String>) = self
            .read("reading the portal record", |mut conn| {
                let key = key.clone();
                async move { redis::cmd("HMGET").arg(&key).arg("version").arg("record").query_async(&mut conn).await }
            })
            .await?;
        let Some(record) = record else { return Ok(PortalRecord::default()) };
        let version = version.as_deref().unwrap_or("0");
        let version = version.parse().map_err(|_| {
            store_error(&self.inner.target, format_args!("the portal version {version:?} is not a number"))
        })?;
        codec::decode_portal(version, &record)
    }

    async fn load_registration(&self, digest: [u8; 32]) -> Result<Option<PendingRegistration>> {
        let key = self.inner.keys.registration(&digest);
        let json: Option<String> = self
            .read("reading a registration", |mut conn| {
                let key = key.clone();
                async move { conn.get(&key).await }
            })
            .await?;
        json.map(|json| codec::decode_registration(digest, &json)).transpose()
    }

    async fn load_session(&self, key: SessionKey) -> Result<Option<LoginSession>> {
        let handle = match &key {
            SessionKey::Handle(handle) => handle.clone(),
            SessionKey::AuthDigest(digest) => {
                let auth = self.inner.keys.auth(digest);
                let owner: Option<String> = self
                    .read("reading a session", |mut conn| {
                        let auth = auth.clone();
                        async move { conn.get(&auth).await }
                    })
                    .await?;
                let Some(owner) = owner else { return Ok(None) };
                owner
            }
        };
        let record_key = self.inner.keys.session(&handle);
        let json: Option<String> = self
            .read("reading a session", |mut conn| {
                let record_key = record_key.clone();
                async move { conn.hget(&record_key, "record").await }
            })
            .await?;
        let Some(session) = json.map(|json| codec::decode_session(&json)).transpose()? else { return Ok(None) };
        // Between the two reads the session may have been purged and its handle reused, or
        // its authId changed: answer only with the session the key names.
        let matches = match &key {
            SessionKey::Handle(_) => true,
            SessionKey::AuthDigest(digest) => session.auth_digest.as_ref() == Some(digest),
        };
        Ok(matches.then_some(session))
    }

    async fn apply_change(&self, change: Change) -> Result<()> {
        let event = StoreEvent::of(&change);
        let notice = feed::notice(&self.inner.instance, &event);
        let invocation = script::invocation(&self.inner.script, &self.inner.keys, &change, notice)?;
        let mut conn = self.inner.conn.clone();
        let reply: String = self.bounded("applying a change", invocation.invoke_async(&mut conn)).await?;
        match Outcome::parse(&reply) {
            Some(Outcome::Applied) => {
                self.inner.changes.publish(event);
                Ok(())
            }
            Some(Outcome::Conflict(what)) => Err(conflict(what)),
            None => Err(store_error(&self.inner.target, format_args!("the apply script answered {reply:?}"))),
        }
    }
}

/// The store's command connection, proven to work with its credentials.
async fn connect(client: redis::Client, options: &RedisOptions) -> RedisResult<ConnectionManager> {
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(options.connect_timeout))
        .set_response_timeout(Some(options.timeout))
        // One quick second try: the call's own timeout bounds the rest, and the next call
        // starts a fresh reconnection.
        .set_number_of_retries(1)
        .set_max_delay(Duration::from_millis(500));
    let mut conn = ConnectionManager::new_with_config(client, config).await?;
    // A connection without AUTH opens, and only its first command is refused: ask one now,
    // so wrong credentials fail `open`, not the first callback.
    redis::cmd("PING").query_async::<()>(&mut conn).await?;
    Ok(conn)
}

impl PortalStore for RedisStore {
    fn load_portal(&self) -> StoreFuture<'_, PortalRecord> {
        Box::pin(self.load())
    }

    fn registration(&self, digest: [u8; 32]) -> StoreFuture<'_, Option<PendingRegistration>> {
        Box::pin(self.load_registration(digest))
    }

    fn session(&self, key: SessionKey) -> StoreFuture<'_, Option<LoginSession>> {
        Box::pin(self.load_session(key))
    }

    fn apply(&self, change: Change) -> StoreFuture<'_, ()> {
        Box::pin(self.apply_change(change))
    }

    fn subscribe(&self) -> ChangeFeed {
        self.inner.changes.subscribe()
    }
}
