//! The NoPass portal: the receiver of the NoPass server's callbacks, the portal's state, and
//! the portal's own calls to the NoPass server. The contract, and the decisions taken where
//! the vendor is silent, are in `docs/vendors/nopass.md`; callbacks are numbered as there.
//!
//! A website offering NoPass login is a *portal*. The NoPass server POSTs to it on eleven
//! endpoints under `/api/PortalCommunication/`:
//!
//! | #                              | callback                   | hook                                   | result              |
//! |--------------------------------|----------------------------|----------------------------------------|---------------------|
//! | 1. Confirm portal preregistration | `ConfirmPreRegistration` | [`PortalHooks::confirm_pre_registration`] | `{adminId, sCode, r: r+1}` |
//! | 2. Confirm portal registration | `ConfirmRegistration`      | [`PortalHooks::confirm_registration`]  | `{sCode}`           |
//! | 3. Update picture/code         | `UpdatePicture`            | [`PortalHooks::update_picture`]        | string              |
//! | 4. Validate user registration  | `ValidateUserRegistration` | [`PortalHooks::validate_user_registration`] (decides) | bool |
//! | 5. Confirm user registration   | `ConfirmUserRegistration`  | [`PortalHooks::confirm_user_registration`] | string          |
//! | 6. Authorized user             | `AuthorizedUser`           | [`PortalHooks::authorized_user`]       | bool                |
//! | 7. Update user                 | `UpdateUser`               | [`PortalHooks::update_user`] (decides) | string              |
//! | 8. Delete user                 | `DeleteUser`               | [`PortalHooks::delete_user`] (decides) | string              |
//! | 9. Add users                   | `AddUsers`                 | [`PortalHooks::add_users`] (decides)   | bool                |
//! | 10. Close session              | `CloseSession`             | [`PortalHooks::close_session`]         | `true`              |
//! | 11. Disable service            | `DisableService`           | [`PortalHooks::disable_service`]       | `true`/`false`      |
//!
//! [`Portal::handle`] takes method, path, headers and body and gives status, content type and
//! body, so any web framework can mount it; [`Portal::begin`] is the streaming entry that
//! refuses an oversized body before it is buffered; the embedded server (feature `server`)
//! serves it for hosts with no web stack, with timeouts, a connection cap and optional
//! (mutual) TLS set by `ReceiverOptions`.
//!
//! Incoming calls carry no authentication, so the portal makes sure of its callers itself
//! (docs/vendors/nopass.md, "Decisions where the vendor is silent"):
//!
//! - A portal needs an [`AccessPolicy`] to be built: the NoPass server's source ranges (with
//!   trusted proxies for `X-Forwarded-For`), a shared-secret header set by the reverse proxy,
//!   TLS client certificates on the embedded receiver, or an explicit, logged
//!   [`AccessPolicy::any_source`]. It is checked before the body is read.
//! - The browser never holds a capability: a login is known to the host and the browser by
//!   an opaque random handle ([`LoginSession::handle`]); the `authId` is kept only as a digest.
//!   An authorised login is redeemed once ([`Portal::redeem_login`]) and expires unredeemed.
//! - Registration cannot be hijacked: a pre-registration lapses after
//!   [`PortalConfig::pre_registration_ttl`], wrong `adminId`s are throttled per source, and
//!   `adminId` and `portalId` are compared in constant time.
//! - Only a registration the portal itself started ([`Portal::pre_register_user`]) authorises
//!   a session; the NoPass server's own registrations reach the hook marked
//!   [`RegistrationOrigin::NoPassServer`].
//! - A hook decides each callback once (a concurrent copy is refused or finds the state
//!   changed) and within [`PortalConfig::hook_timeout`] (else 503 with `Retry-After`).
//!
//! Decisions belong to the host: a hook that does not decide refuses. State lives behind a
//! [`PortalStore`]: [`MemoryStore`], [`SqliteStore`] (feature `sqlite`) which has committed a
//! change before the 200 is sent, or `RedisStore` (feature `redis`) shared by every replica of
//! a web app; [`open_store`] picks one by URL.

mod blocking;
mod config;
mod digest;
mod events;
mod fields;
mod hooks;
mod machine;
mod png;
mod portal;
mod record;
mod request;
mod response;
mod routes;
mod server_calls;
mod server_client;
mod shared;
mod state;
mod store;
mod subjects;
mod throttle;

#[cfg(feature = "server")]
mod embedded;
#[cfg(feature = "server")]
mod metrics_endpoint;
#[cfg(feature = "server")]
mod receiver_options;

pub use blocking::BlockingPortal;
pub use config::{AccessPolicy, IpRange, NoPassServerConfig, PortalConfig, ResponseMode, SharedSecret};
pub use events::{
    AuthorizationResult, FieldChange, NewUser, PictureUpdate, PreRegistration, Registration, RegistrationOrigin,
    ServiceDisabling, SessionClosing, UserDeletion, UserRegistration, UserRegistrationCheck, UserUpdate, UsersAddition,
};
pub use hooks::{BlockingHooks, BlockingPortalHooks, HookError, HookFuture, HookResult, NoHooks, PortalHooks};
pub use portal::{Portal, PortalBuilder};
pub use request::{Inbound, RequestHead};
pub use response::PortalResponse;
pub use routes::{Callback, CALLBACK_BASE_PATH};
pub use server_calls::{PreRegisteredUser, UserPreRegistration};
pub use state::{
    LoginSession, PendingRegistration, PortalPhase, PortalRecord, RedeemedLogin, SessionOrigin, SessionState,
};
pub use store::{
    conflict as store_conflict, open_store, open_store_blocking, silent_feed, Change, ChangeBroadcast, ChangeFeed,
    MemoryStore, PortalStore, SessionKey, StoreEvent, StoreFuture, StoreOp,
};

#[cfg(feature = "sqlite")]
pub use store::SqliteStore;
#[cfg(feature = "redis")]
pub use store::{RedisOptions, RedisStore, DEFAULT_REDIS_PORTAL};

#[cfg(feature = "store-contract")]
pub use store::contract as store_contract;

#[cfg(feature = "server")]
pub use crate::serve::ServerTls;
#[cfg(feature = "server")]
pub use embedded::EmbeddedServer;
#[cfg(feature = "server")]
pub use receiver_options::ReceiverOptions;

#[cfg(all(feature = "sandbox", test))]
pub(crate) use png::check_png;
#[cfg(feature = "sandbox")]
pub(crate) use png::crc32;
