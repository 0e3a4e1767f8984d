//! The NoPass portal (seed `nopass-portal-api.txt`): configuration with its required access
//! policy, the portal handle that answers the NoPass server's callbacks, its state (phase,
//! login sessions by browser handle, waits on them, redeeming an authorised login once), its
//! own calls to the NoPass server (PreRegisterUser, RequestAuthorization) and the embedded
//! server for hosts with no web stack. The hooks are in `nopass/hooks.rs` and the embedded
//! server's options in `nopass/receiver_options.rs`, as in core. Every rule is the core's
//! (`authbridge::nopass`); these files only convert.

#![cfg(feature = "nopass")]

mod hooks;
mod receiver_options;

pub use hooks::*;
#[cfg(feature = "server")]
pub use receiver_options::*;

use std::ffi::c_char;
use std::net::{IpAddr, SocketAddr};
use std::ptr;
use std::sync::Arc;
use std::time::Duration;

use authbridge::nopass::{
    AccessPolicy, BlockingHooks, IpRange, LoginSession, NoHooks, NoPassServerConfig, Portal, PortalConfig,
    PortalRecord, PortalResponse, PreRegisteredUser, RedeemedLogin, RequestHead, ResponseMode, SessionOrigin,
    SessionState, SharedSecret, UserPreRegistration,
};
use authbridge::{Error, Secret};

use crate::args::{bytes, handle, opt_handle, opt_out, opt_string, out, string, strings, OwnedString};
use crate::boundary::{ffi_status, ffi_void, FfiResult};
use crate::handles::{Handle, Settings};
use crate::runtime::block_on;
use crate::status::ab_status;
use crate::strings::{ab_string_free, free_fields};
use crate::transport::ab_transport_config;
use crate::wait::{ab_cancel, wait_options};

/// Where the portal is in its life.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_portal_phase {
    Unregistered = 1,
    PreRegistered = 2,
    Registered = 3,
    /// After DisableService every callback is refused until `ab_portal_reset`.
    Disabled = 4,
}

/// Where a login session is.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_portal_session_state {
    /// Waiting for the person; pictures may change.
    Pending = 1,
    Authorized = 2,
    /// `reason` says why.
    Denied = 3,
    Closed = 4,
    /// Still pending when the login time ran out, or authorised and not redeemed within the
    /// redeem time (`ab_portal_config_set_redeem_ttl`).
    Expired = 5,
    /// Authorised, then redeemed by the host (`ab_portal_redeem_login`): nothing more can
    /// happen to it.
    Redeemed = 6,
}

/// How a session began.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_portal_session_origin {
    /// `ab_portal_request_authorization`.
    Login = 1,
    /// The session of a ConfirmUserRegistration.
    Registration = 2,
}

/// The shape of a successful answer to the NoPass server. Functions take it as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_portal_response_mode {
    /// The seed's `{"errors":[],"result":…}` (the default).
    Envelope = 1,
    /// The result alone, as the public sample portal sends it. Errors keep the envelope.
    Bare = 2,
}

/// A login session: what a login page shows and waits on. Filled by the library; free its
/// strings with `ab_portal_session_free`.
#[repr(C)]
pub struct ab_portal_session {
    /// The session's opaque, random handle: what the host gives the browser and later passes to
    /// `ab_portal_session_get`, `ab_portal_wait_session` and `ab_portal_redeem_login`. It is not
    /// the NoPass server's `authId`, which no function hands out.
    pub handle: *mut c_char,
    /// The portal's user id the login was requested (or the registration started) for.
    pub user_id: *mut c_char,
    pub origin: ab_portal_session_origin,
    pub state: ab_portal_session_state,
    /// Why the login was denied, or NULL.
    pub reason: *mut c_char,
    /// The current picture, base64 PNG, or NULL.
    pub image: *mut c_char,
    /// How long the current picture is valid, in milliseconds (0 when there is none).
    pub next_change_ms: u64,
    /// When the current picture expires, Unix milliseconds (0 when there is none).
    pub picture_expires_at_ms: u64,
    /// How many pictures the session has had.
    pub pictures: u32,
    pub created_at_ms: u64,
    /// When a pending login runs out, or an authorised one must have been redeemed by (Unix
    /// milliseconds).
    pub expires_at_ms: u64,
    pub updated_at_ms: u64,
    /// Increases with every change: pass it to `ab_portal_wait_session` to wait for the next.
    pub version: u64,
}

/// An authorised login, given once by `ab_portal_redeem_login`: sign in `user_id`. Free its
/// strings with `ab_portal_redeemed_login_free`.
#[repr(C)]
pub struct ab_portal_redeemed_login {
    /// The session's handle (the one redeemed).
    pub handle: *mut c_char,
    /// The portal's user id the login was requested (or the registration started) for: the
    /// portal's own data, never a value the NoPass server supplied.
    pub user_id: *mut c_char,
    /// A login (`ab_portal_request_authorization`) or a registration the portal started
    /// (`ab_portal_pre_register_user`).
    pub origin: ab_portal_session_origin,
    /// When the NoPass server authorised it (Unix milliseconds).
    pub authorized_at_ms: u64,
}

/// A started user registration (PreRegisterUser): send the user to `register_link` and give the
/// browser `handle`; once the NoPass server confirms the registration, the session under that
/// handle is authorised and is redeemed like a login (`ab_portal_redeem_login`). Free its
/// strings with `ab_portal_pre_registered_free` (the `otp` is wiped).
#[repr(C)]
pub struct ab_portal_pre_registered {
    pub user_id: *mut c_char,
    /// The opaque handle of the registration's session.
    pub handle: *mut c_char,
    /// The code ConfirmUserRegistration must carry.
    pub otp: *mut c_char,
    pub register_link: *mut c_char,
    /// When the `otp` stops being accepted (Unix milliseconds).
    pub expires_at_ms: u64,
}

/// The portal's answer to one callback, for the host's web framework to send. Free with
/// `ab_portal_response_free`.
#[repr(C)]
pub struct ab_portal_response {
    pub status: u16,
    /// The `Content-Type`, or NULL for an empty body.
    pub content_type: *mut c_char,
    /// Extra headers as `Name: value\r\n` lines (`Allow` on 405, …); `""` when none.
    pub headers: *mut c_char,
    pub body: *mut u8,
    pub body_len: usize,
}

/// Portal settings: `adminId` and `sCode`, who may call the portal (its access policy, which
/// is required), where the NoPass server is, response shape, limits and time limits.
///
/// Thread-safe (setters lock the handle).
pub struct ab_portal_config {
    inner: Settings<PortalConfig>,
}

impl Handle for ab_portal_config {}

impl ab_portal_config {
    /// Changes the access policy, starting one (that checks nothing yet) if there is none.
    fn change_access(&self, f: impl FnOnce(&mut AccessPolicy)) -> FfiResult {
        self.inner.change(|c| {
            f(c.access.get_or_insert_with(AccessPolicy::default));
            Ok(())
        })
    }
}

/// The NoPass portal: answers the NoPass server's callbacks, keeps the portal's state, and
/// calls the NoPass server.
///
/// Thread-safe: handle callbacks, read sessions and wait on them from any number of threads.
pub struct ab_portal {
    pub(crate) inner: Portal,
}

impl Handle for ab_portal {}

/// The embedded server: the portal's callbacks served over HTTP, or HTTPS with
/// `ab_portal_server_start_with_options`, by the library itself.
///
/// Thread-safe.
pub struct ab_portal_server {
    #[cfg(feature = "server")]
    pub(crate) inner: authbridge::nopass::EmbeddedServer,
}

impl Handle for ab_portal_server {}

fn text(value: &str, what: &'static str) -> FfiResult<*mut c_char> {
    Ok(OwnedString::new(value, what)?.into_raw())
}

fn opt_text(value: Option<&str>, what: &'static str) -> FfiResult<*mut c_char> {
    value.map_or(Ok(ptr::null_mut()), |v| text(v, what))
}

/// Frees strings already handed out when a later one fails.
struct Allocated(Vec<*mut c_char>);

impl Allocated {
    fn keep(&mut self, p: FfiResult<*mut c_char>) -> FfiResult<*mut c_char> {
        let p = p?;
        self.0.push(p);
        Ok(p)
    }

    fn release(mut self) {
        self.0.clear();
    }
}

impl Drop for Allocated {
    fn drop(&mut self) {
        for p in self.0.drain(..) {
            // SAFETY: each came from `OwnedString::into_raw` and was not handed out.
            unsafe { ab_string_free(p) };
        }
    }
}

fn session_to_c(s: &LoginSession) -> FfiResult<ab_portal_session> {
    let mut a = Allocated(Vec::new());
    let session = ab_portal_session {
        handle: a.keep(text(&s.handle, "handle"))?,
        user_id: a.keep(text(&s.user_id, "userId"))?,
        origin: origin_to_c(s.origin),
        state: match s.state {
            SessionState::Pending => ab_portal_session_state::Pending,
            SessionState::Authorized => ab_portal_session_state::Authorized,
            SessionState::Denied => ab_portal_session_state::Denied,
            SessionState::Closed => ab_portal_session_state::Closed,
            SessionState::Expired => ab_portal_session_state::Expired,
            SessionState::Redeemed => ab_portal_session_state::Redeemed,
        },
        reason: a.keep(opt_text(s.reason.as_deref(), "reason"))?,
        image: a.keep(opt_text(s.image.as_deref(), "image"))?,
        next_change_ms: s.next_change_ms.unwrap_or(0),
        picture_expires_at_ms: s.picture_expires_at_ms.unwrap_or(0),
        pictures: s.pictures,
        created_at_ms: s.created_at_ms,
        expires_at_ms: s.expires_at_ms,
        updated_at_ms: s.updated_at_ms,
        version: s.version,
    };
    a.release();
    Ok(session)
}

fn origin_to_c(origin: SessionOrigin) -> ab_portal_session_origin {
    match origin {
        SessionOrigin::Login => ab_portal_session_origin::Login,
        SessionOrigin::Registration => ab_portal_session_origin::Registration,
    }
}

fn write_session(session: FfiResult<LoginSession>, out_session: *mut ab_portal_session) -> FfiResult {
    let slot = out(out_session, "out_session")?;
    let session = session_to_c(&session?)?;
    slot.write(session);
    Ok(())
}

/// Frees the strings inside a session and sets them to NULL; the struct is the caller's.
/// `NULL` does nothing, and so does a second call.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_session_free(session: *mut ab_portal_session) {
    ffi_void(|| {
        // SAFETY: NULL or a struct filled by this library (or zeroed by the caller).
        let Some(s) = (unsafe { session.as_mut() }) else { return };
        // SAFETY: each non-NULL field came from `OwnedString::into_raw`.
        unsafe { free_fields([&mut s.handle, &mut s.user_id, &mut s.reason, &mut s.image]) };
    });
}

/// Frees the strings inside a pre-registration (wiping the `otp`) and sets them to NULL.
/// `NULL` does nothing, and so does a second call.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_pre_registered_free(registration: *mut ab_portal_pre_registered) {
    ffi_void(|| {
        // SAFETY: NULL or a struct filled by this library (or zeroed by the caller).
        let Some(r) = (unsafe { registration.as_mut() }) else { return };
        // SAFETY: each non-NULL field came from `OwnedString::into_raw`.
        unsafe { free_fields([&mut r.user_id, &mut r.handle, &mut r.otp, &mut r.register_link]) };
    });
}

/// Frees the strings inside a redeemed login and sets them to NULL; the struct is the caller's.
/// `NULL` does nothing, and so does a second call.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_redeemed_login_free(login: *mut ab_portal_redeemed_login) {
    ffi_void(|| {
        // SAFETY: NULL or a struct filled by this library (or zeroed by the caller).
        let Some(l) = (unsafe { login.as_mut() }) else { return };
        // SAFETY: each non-NULL field came from `OwnedString::into_raw`.
        unsafe { free_fields([&mut l.handle, &mut l.user_id]) };
    });
}

/// Frees the content type, headers and body of a response and sets them to NULL/0. `NULL`
/// does nothing, and so does a second call.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_response_free(response: *mut ab_portal_response) {
    ffi_void(|| {
        // SAFETY: NULL or a struct filled by this library (or zeroed by the caller).
        let Some(r) = (unsafe { response.as_mut() }) else { return };
        // SAFETY: strings from `OwnedString::into_raw`.
        unsafe { free_fields([&mut r.content_type, &mut r.headers]) };
        if !r.body.is_null() {
            // SAFETY: `body`/`body_len` came from `Box<[u8]>::into_raw` below.
            drop(unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(r.body, r.body_len)) });
        }
        r.body = ptr::null_mut();
        r.body_len = 0;
    });
}

/// Creates portal settings with the `adminId` entered in the NoPass console and the portal's
/// `sCode` (each 1–64 characters). Defaults: envelope answers, 1 MiB bodies, 120 s
/// registration codes, 360 s logins, 300 s to redeem an authorised login, 600 s for a
/// pre-registration to complete, 10 s per hook, no NoPass server (needed only for the portal's
/// own calls), and no access policy: set one (`ab_portal_config_allow_source`,
/// `ab_portal_config_require_header`, …) or `ab_portal_new` fails.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_config_new(
    admin_id: *const c_char,
    s_code: *const c_char,
    out_config: *mut *mut ab_portal_config,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: C strings or NULL.
        let admin_id = Secret::new(unsafe { string(admin_id, "admin_id") }?);
        let s_code = Secret::new(unsafe { string(s_code, "s_code") }?);
        let out_config = out(out_config, "out_config")?;
        let config = PortalConfig::new(admin_id, s_code)?;
        out_config.write(ab_portal_config { inner: Settings::new(config) }.into_c());
        Ok(())
    })
}

/// Where the NoPass server is (e.g. `https://console.nopass.us`), for
/// `ab_portal_pre_register_user` and `ab_portal_request_authorization`, with transport
/// settings (NULL: defaults).
#[no_mangle]
pub unsafe extern "C" fn ab_portal_config_set_server(
    config: *const ab_portal_config,
    base_url: *const c_char,
    transport_or_null: *const ab_transport_config,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: live handles or NULL; a C string or NULL.
        let config = unsafe { handle(config, "config") }?;
        let base_url = unsafe { string(base_url, "base_url") }?;
        let transport = unsafe { opt_handle(transport_or_null) }.map(|t| t.inner.snapshot());
        let mut server = NoPassServerConfig::new(base_url)?;
        if let Some(transport) = transport {
            server = server.transport(transport);
        }
        config.inner.change(|c| {
            c.server = Some(server);
            Ok(())
        })
    })
}

/// The shape of successful answers: an `ab_portal_response_mode` value.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_config_set_response_mode(config: *const ab_portal_config, mode: u32) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let config = unsafe { handle(config, "config") }?;
        let mode = match mode {
            1 => ResponseMode::Envelope,
            2 => ResponseMode::Bare,
            _ => return Err(Error::invalid("mode", "must be an ab_portal_response_mode value").into()),
        };
        config.inner.change(|c| {
            c.response_mode = mode;
            Ok(())
        })
    })
}

/// A path prefix the callbacks are mounted under (`"/nopass"` serves
/// `/nopass/api/PortalCommunication/…`). Checked when the portal is created.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_config_set_mount_path(
    config: *const ab_portal_config,
    mount_path: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let config = unsafe { handle(config, "config") }?;
        let mount_path = unsafe { string(mount_path, "mount_path") }?.to_string();
        config.inner.change(|c| {
            c.mount_path = mount_path;
            Ok(())
        })
    })
}

/// Limits and time limits: largest callback body (at least 1024), how long a registration
/// `otp` stays valid, how long a requested login may stay pending, and how long a session is
/// kept after its last change.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_config_set_limits(
    config: *const ab_portal_config,
    max_body_bytes: usize,
    registration_ttl_ms: u64,
    login_ttl_ms: u64,
    session_retention_ms: u64,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let config = unsafe { handle(config, "config") }?;
        config.inner.change(|c| {
            c.max_body_bytes = max_body_bytes;
            c.registration_ttl = Duration::from_millis(registration_ttl_ms);
            c.login_ttl = Duration::from_millis(login_ttl_ms);
            c.session_retention = Duration::from_millis(session_retention_ms);
            Ok(())
        })
    })
}

/// The body of the duration setters: `set` puts `ms` into the settings (zero is refused when
/// the portal is created).
///
/// # Safety
/// `config` is a live handle or NULL.
unsafe fn set_duration(config: *const ab_portal_config, ms: u64, set: fn(&mut PortalConfig, Duration)) -> ab_status {
    ffi_status(|| {
        // SAFETY: the caller's promise.
        let config = unsafe { handle(config, "config") }?;
        config.inner.change(|c| {
            set(c, Duration::from_millis(ms));
            Ok(())
        })
    })
}

/// How long an authorised login waits to be redeemed (`ab_portal_redeem_login`) before it
/// expires, in milliseconds (default 300 000). Checked (above zero) when the portal is
/// created.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_config_set_redeem_ttl(
    config: *const ab_portal_config,
    redeem_ttl_ms: u64,
) -> ab_status {
    // SAFETY: a live handle or NULL.
    unsafe { set_duration(config, redeem_ttl_ms, |c, d| c.redeem_ttl = d) }
}

/// How long a pre-registration (ConfirmPreRegistration) waits for ConfirmRegistration before
/// the portal reads as unregistered again, in milliseconds (default 600 000). Checked (above
/// zero) when the portal is created.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_config_set_pre_registration_ttl(
    config: *const ab_portal_config,
    pre_registration_ttl_ms: u64,
) -> ab_status {
    // SAFETY: a live handle or NULL.
    unsafe { set_duration(config, pre_registration_ttl_ms, |c, d| c.pre_registration_ttl = d) }
}

/// How long a hook may take, in milliseconds (default 10 000). A hook that takes longer gets
/// the NoPass server a 503 with `Retry-After` (it calls again) and changes nothing; the hook
/// itself is not interrupted, so it must still return. Checked (above zero) when the portal is
/// created.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_config_set_hook_timeout(
    config: *const ab_portal_config,
    hook_timeout_ms: u64,
) -> ab_status {
    // SAFETY: a live handle or NULL.
    unsafe { set_duration(config, hook_timeout_ms, |c, d| c.hook_timeout = d) }
}

// The access policy. A portal is not created without one: the NoPass protocol signs nothing, so
// without a check anyone who reaches the portal can answer for a login. Every check set must
// pass, and all are made before the body is read. The combinations are checked when the portal
// is created (`ab_portal_new`).

/// Access policy: serves only callers from this address or CIDR range (`"10.0.0.0/8"`,
/// `"2001:db8::/32"`, `"192.0.2.7"`), in addition to those allowed already; any other caller,
/// and a caller whose address is unknown, is answered 403 `forbidden_source`. The caller's
/// address is the peer given to `ab_portal_handle` or the embedded server's peer; behind a
/// reverse proxy, see `ab_portal_config_trust_proxy`. `AB_STATUS_INVALID_INPUT` for a range
/// that does not parse.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_config_allow_source(
    config: *const ab_portal_config,
    range: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let config = unsafe { handle(config, "config") }?;
        let range = IpRange::parse_field("range", unsafe { string(range, "range") }?)?;
        config.change_access(|access| access.allowed_sources.push(range))
    })
}

/// Access policy: serves only callers on this machine (127.0.0.0/8 and ::1), in addition to
/// those allowed already: a portal whose NoPass server, or reverse proxy, runs on the same host.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_config_allow_loopback(config: *const ab_portal_config) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let config = unsafe { handle(config, "config") }?;
        let loopback = AccessPolicy::loopback().allowed_sources;
        config.change_access(|access| access.allowed_sources.extend(loopback))
    })
}

/// Access policy: peers in this address or CIDR range are reverse proxies in front of the
/// portal, whose `X-Forwarded-For` is believed when checking the allowed sources (read from the
/// right, skipping trusted proxies; entries a caller wrote itself further left prove nothing).
/// `X-Forwarded-For` from any other peer is ignored. Only with `ab_portal_config_allow_source`.
/// `AB_STATUS_INVALID_INPUT` for a range that does not parse.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_config_trust_proxy(
    config: *const ab_portal_config,
    range: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let config = unsafe { handle(config, "config") }?;
        let range = IpRange::parse_field("range", unsafe { string(range, "range") }?)?;
        config.change_access(|access| access.trusted_proxies.push(range))
    })
}

/// Access policy: every callback must carry the header `name` with exactly `value` (at least
/// 16 characters), which the reverse proxy in front of the portal adds; a missing or wrong one
/// is answered 401 `unauthorized`. Compared in constant time. Replaces a secret set before.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_config_require_header(
    config: *const ab_portal_config,
    name: *const c_char,
    value: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let config = unsafe { handle(config, "config") }?;
        let name = unsafe { string(name, "name") }?.to_string();
        let value = Secret::new(unsafe { string(value, "value") }?);
        config.change_access(|access| access.shared_secret = Some(SharedSecret::Header { name, value }))
    })
}

/// Access policy: every callback must carry `Authorization: Bearer <token>` (`token` at least
/// 16 characters), which the reverse proxy in front of the portal adds; a missing or wrong one
/// is answered 401 with `WWW-Authenticate: Bearer`. Compared in constant time. Replaces a
/// secret set before.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_config_require_bearer_token(
    config: *const ab_portal_config,
    token: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let config = unsafe { handle(config, "config") }?;
        let token = Secret::new(unsafe { string(token, "token") }?);
        config.change_access(|access| access.shared_secret = Some(SharedSecret::Bearer(token)))
    })
}

/// Access policy: only callers whose TLS client certificate the embedded receiver verified
/// against its client CA (`ab_receiver_options_require_client_certificates`, served with
/// `ab_portal_server_start_with_options`); others are answered 403
/// `client_certificate_required`. `ab_portal_handle` cannot vouch for a certificate, and
/// neither can the embedded receiver without a client CA, so there every callback is refused.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_config_require_client_certificate(config: *const ab_portal_config) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let config = unsafe { handle(config, "config") }?;
        config.change_access(|access| access.client_certificate = true)
    })
}

/// Access policy: no check at all, every caller is served. Only for a network where nothing
/// but the NoPass server can reach the portal; the portal logs a warning when it is created,
/// and refuses to be created if another check is set too.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_config_accept_any_source(config: *const ab_portal_config) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let config = unsafe { handle(config, "config") }?;
        config.change_access(|access| access.any_source = true)
    })
}

/// Frees portal settings. `NULL` does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_config_free(config: *mut ab_portal_config) {
    // SAFETY: created by `ab_portal_config_new`, freed once.
    unsafe { ab_portal_config::free(config) }
}

/// Creates the portal from its settings (copied), with the host's hooks (copied; NULL: no
/// hooks, so every decision is refused) and its state in the store `store_url_or_null` names:
/// NULL or `memory:` (this process only), `sqlite:PATH` or a bare path (a file that has the
/// change before the 200 goes out; feature `sqlite`), or `redis://…` / `rediss://…` with
/// `?portal=NAME` (shared by every replica of the portal; feature `redis`, connecting now).
///
/// `AB_STATUS_CONFIG` when the settings have no access policy; `AB_STATUS_INVALID_INPUT` when
/// they are invalid (a policy that accepts any source and checks something too, trusted proxies
/// without allowed sources, a secret shorter than 16 characters, a time limit of zero, …). The
/// last error says which.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_new(
    config: *const ab_portal_config,
    hooks_or_null: *const ab_portal_hooks,
    store_url_or_null: *const c_char,
    out_portal: *mut *mut ab_portal,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a hooks struct or NULL; a C string or NULL.
        let config = unsafe { handle(config, "config") }?;
        let hooks = unsafe { hooks_or_null.as_ref() }.copied();
        let store_url = unsafe { opt_string(store_url_or_null, "store_url_or_null") }?;
        let out_portal = out(out_portal, "out_portal")?;
        let snapshot = config.inner.snapshot();
        let mut builder = Portal::builder(snapshot);
        builder = match hooks {
            Some(hooks) => builder.shared_hooks(Arc::new(BlockingHooks::new(CHooks(hooks)))),
            None => builder.hooks(NoHooks),
        };
        builder = builder.shared_store(authbridge::nopass::open_store_blocking(store_url.unwrap_or("memory:"))?);
        let portal = builder.build()?;
        out_portal.write(ab_portal { inner: portal }.into_c());
        Ok(())
    })
}

/// Frees the portal. No call may still be using it; stop its embedded server first. `NULL`
/// does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_free(portal: *mut ab_portal) {
    // SAFETY: created by `ab_portal_new`, freed once.
    unsafe { ab_portal::free(portal) }
}

/// Handles one callback from the NoPass server, for hosts with their own web server: method,
/// path, `headers_len` request headers (two parallel arrays) and the whole body in; the
/// answer to send in `*out_response` (free with `ab_portal_response_free`). Every problem of
/// the request is an answer in the seed's error envelope, not a failed call; the access policy
/// is checked before the body is read.
///
/// `peer_addr_or_null` is the address of the connection's peer as the socket reports it
/// (`getpeername`, or your server's remote address): an IP address, with or without a port
/// (`"192.0.2.7"`, `"192.0.2.7:4711"`, `"[2001:db8::1]:4711"`). Never take it from a header: pass
/// every header unchanged, and the portal itself decides whether `X-Forwarded-For` is believed
/// (only from a peer given to `ab_portal_config_trust_proxy`). NULL means unknown, which fails
/// a source check. `AB_STATUS_INVALID_INPUT` when it is not an address.
///
/// Thread-safe: any number of threads may handle callbacks at once.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_handle(
    portal: *const ab_portal,
    method: *const c_char,
    path: *const c_char,
    header_names: *const *const c_char,
    header_values: *const *const c_char,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    peer_addr_or_null: *const c_char,
    out_response: *mut ab_portal_response,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings, arrays and bytes per the contract.
        let portal = unsafe { handle(portal, "portal") }?;
        let method = unsafe { string(method, "method") }?;
        let path = unsafe { string(path, "path") }?;
        let names = unsafe { strings(header_names, headers_len, "header_names") }?;
        let values = unsafe { strings(header_values, headers_len, "header_values") }?;
        let body = unsafe { bytes(body, body_len, "body") }?;
        let peer = unsafe { opt_string(peer_addr_or_null, "peer_addr_or_null") }?;
        let slot = out(out_response, "out_response")?;
        let peer = peer.map(peer_ip).transpose()?;
        let mut head = RequestHead::new(method, path);
        head.headers = names.iter().zip(&values).map(|(n, v)| (n.to_string(), v.to_string())).collect();
        head.peer = peer;
        let response: PortalResponse = block_on(portal.inner.handle_request(head, body))?;
        let headers: String = response.headers.iter().map(|(n, v)| format!("{n}: {v}\r\n")).collect();
        let mut a = Allocated(Vec::new());
        let content_type = a.keep(opt_text(response.content_type, "content type"))?;
        let headers = a.keep(text(&headers, "headers"))?;
        a.release();
        let body_len = response.body.len();
        let body = Box::into_raw(response.body.into_boxed_slice()).cast::<u8>();
        slot.write(ab_portal_response { status: response.status, content_type, headers, body, body_len });
        Ok(())
    })
}

/// A socket peer as C servers write it: an IP address, or an address and port.
fn peer_ip(text: &str) -> Result<IpAddr, Error> {
    let text = text.trim();
    text.parse::<IpAddr>().or_else(|_| text.parse::<SocketAddr>().map(|a| a.ip())).map_err(|_| {
        Error::invalid("peer_addr_or_null", "must be an IP address, with or without a port (192.0.2.7:4711)")
    })
}

/// The portal's phase, written to `*out_phase`; unless NULL, `*out_portal_id_or_null` receives
/// the `portalId` and `*out_settings_or_null` the settings the NoPass server sent (each NULL
/// when there is none; free with `ab_string_free`).
#[no_mangle]
pub unsafe extern "C" fn ab_portal_status(
    portal: *const ab_portal,
    out_phase: *mut ab_portal_phase,
    out_portal_id_or_null: *mut *mut c_char,
    out_settings_or_null: *mut *mut c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let portal = unsafe { handle(portal, "portal") }?;
        let out_phase = out(out_phase, "out_phase")?;
        let record: PortalRecord = block_on(portal.inner.status())??;
        let mut a = Allocated(Vec::new());
        let portal_id = opt_out(out_portal_id_or_null)
            .map(|slot| a.keep(opt_text(record.portal_id.as_deref(), "portalId")).map(|p| (slot, p)))
            .transpose()?;
        let settings = opt_out(out_settings_or_null)
            .map(|slot| a.keep(opt_text(record.settings.as_deref(), "settings")).map(|p| (slot, p)))
            .transpose()?;
        a.release();
        out_phase.write(match record.phase {
            authbridge::nopass::PortalPhase::Unregistered => ab_portal_phase::Unregistered,
            authbridge::nopass::PortalPhase::PreRegistered => ab_portal_phase::PreRegistered,
            authbridge::nopass::PortalPhase::Registered => ab_portal_phase::Registered,
            authbridge::nopass::PortalPhase::Disabled => ab_portal_phase::Disabled,
        });
        for (slot, p) in portal_id.into_iter().chain(settings) {
            slot.write(p);
        }
        Ok(())
    })
}

/// The session with this handle as of now, in `*out_session` (free with
/// `ab_portal_session_free`); `AB_STATUS_NOT_FOUND` for an unknown handle.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_session_get(
    portal: *const ab_portal,
    session_handle: *const c_char,
    out_session: *mut ab_portal_session,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let portal = unsafe { handle(portal, "portal") }?;
        let session_handle = unsafe { string(session_handle, "session_handle") }?;
        out(out_session, "out_session")?;
        let session = block_on(portal.inner.session(session_handle))??.ok_or_else(|| {
            Error::NotFound(Box::new(
                authbridge::VendorDetail::new(authbridge::Vendor::NoPass).message("no session with this handle"),
            ))
        });
        write_session(session.map_err(Into::into), out_session)
    })
}

/// Waits until the session's `version` is above `seen_version` (0: return it now), or it
/// expires: what a login page's long-poll needs. `AB_STATUS_TIMEOUT` after `timeout_ms`,
/// `AB_STATUS_CANCELLED` once `cancel_or_null` is cancelled, `AB_STATUS_NOT_FOUND` for an
/// unknown handle. `interval_ms` (0: 2 s) is how often the store is re-read for changes made
/// by other processes; changes in this process wake the wait at once.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_wait_session(
    portal: *const ab_portal,
    session_handle: *const c_char,
    seen_version: u64,
    timeout_ms: u64,
    interval_ms: u64,
    cancel_or_null: *const ab_cancel,
    out_session: *mut ab_portal_session,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: live handles or NULL; a C string or NULL.
        let portal = unsafe { handle(portal, "portal") }?;
        let session_handle = unsafe { string(session_handle, "session_handle") }?;
        let options = wait_options(timeout_ms, interval_ms, unsafe { opt_handle(cancel_or_null) });
        out(out_session, "out_session")?;
        let session = block_on(portal.inner.wait_session(session_handle, seen_version, &options))?;
        write_session(session.map_err(Into::into), out_session)
    })
}

/// Completes an authorised login (or portal-started registration): writes its user to
/// `*out_login` exactly once (free with `ab_portal_redeemed_login_free`), and the session is
/// redeemed. Call it when the browser comes back with its handle, and sign the user in only on
/// `AB_STATUS_OK`.
///
/// `AB_STATUS_NOT_FOUND` for an unknown handle; `AB_STATUS_CONFLICT` while the login is still
/// pending, or when it was redeemed already; `AB_STATUS_AUTHENTICATION_FAILED` when it was
/// denied, closed or expired (an authorised login must be redeemed within the redeem time,
/// `ab_portal_config_set_redeem_ttl`). Of several threads or processes redeeming the same
/// handle, one succeeds.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_redeem_login(
    portal: *const ab_portal,
    session_handle: *const c_char,
    out_login: *mut ab_portal_redeemed_login,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let portal = unsafe { handle(portal, "portal") }?;
        let session_handle = unsafe { string(session_handle, "session_handle") }?;
        let slot = out(out_login, "out_login")?;
        let login: RedeemedLogin = block_on(portal.inner.redeem_login(session_handle))??;
        let mut a = Allocated(Vec::new());
        let value = ab_portal_redeemed_login {
            handle: a.keep(text(&login.handle, "handle"))?,
            user_id: a.keep(text(&login.user_id, "userId"))?,
            origin: origin_to_c(login.origin),
            authorized_at_ms: login.authorized_at_ms,
        };
        a.release();
        slot.write(value);
        Ok(())
    })
}

/// Starts a user's registration with the NoPass server (PreRegisterUser): `user_id` (≤ 256
/// characters) and optional details. Fills `*out_registration` (free with
/// `ab_portal_pre_registered_free`); send the user to its `register_link`, give the browser its
/// `handle` to wait on, and redeem that handle (`ab_portal_redeem_login`) once the session is
/// authorised.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_pre_register_user(
    portal: *const ab_portal,
    user_id: *const c_char,
    client_ip_or_null: *const c_char,
    redirect_url_or_null: *const c_char,
    social_network_or_null: *const c_char,
    given_name_or_null: *const c_char,
    sur_name_or_null: *const c_char,
    phone_number_or_null: *const c_char,
    email_or_null: *const c_char,
    out_registration: *mut ab_portal_pre_registered,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let portal = unsafe { handle(portal, "portal") }?;
        let opt = |p, name| unsafe { opt_string(p, name) }.map(|v| v.map(str::to_string));
        let user = UserPreRegistration {
            user_id: unsafe { string(user_id, "user_id") }?.to_string(),
            client_ip: opt(client_ip_or_null, "client_ip_or_null")?,
            redirect_url: opt(redirect_url_or_null, "redirect_url_or_null")?,
            social_network: opt(social_network_or_null, "social_network_or_null")?,
            given_name: opt(given_name_or_null, "given_name_or_null")?,
            sur_name: opt(sur_name_or_null, "sur_name_or_null")?,
            phone_number: opt(phone_number_or_null, "phone_number_or_null")?,
            email: opt(email_or_null, "email_or_null")?,
        };
        let slot = out(out_registration, "out_registration")?;
        let registered: PreRegisteredUser = block_on(portal.inner.pre_register_user(user))??;
        let mut a = Allocated(Vec::new());
        let value = ab_portal_pre_registered {
            user_id: a.keep(text(&registered.user_id, "userId"))?,
            handle: a.keep(text(&registered.handle, "handle"))?,
            otp: a.keep(text(registered.otp.expose(), "otp"))?,
            register_link: a.keep(text(&registered.register_link, "registerLink"))?,
            expires_at_ms: registered.expires_at_ms,
        };
        a.release();
        slot.write(value);
        Ok(())
    })
}

/// Starts a login for `user_id` with the NoPass server (RequestAuthorization). Fills
/// `*out_session` with the new pending session: its `handle` for the browser and its first
/// picture. Wait on it (`ab_portal_wait_session`), then redeem it (`ab_portal_redeem_login`).
#[no_mangle]
pub unsafe extern "C" fn ab_portal_request_authorization(
    portal: *const ab_portal,
    user_id: *const c_char,
    out_session: *mut ab_portal_session,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let portal = unsafe { handle(portal, "portal") }?;
        let user_id = unsafe { string(user_id, "user_id") }?;
        out(out_session, "out_session")?;
        let session = block_on(portal.inner.request_authorization(user_id))?;
        write_session(session.map_err(Into::into), out_session)
    })
}

/// Forgets the registration, pending registrations and sessions, so the portal can be
/// pre-registered again. Only the host can do this; no callback can.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_reset(portal: *const ab_portal) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let portal = unsafe { handle(portal, "portal") }?;
        block_on(portal.inner.reset())??;
        Ok(())
    })
}

/// Serves the portal's callbacks over HTTP on `listen_addr` (`"127.0.0.1:0"` picks a free
/// port), for hosts with no web stack (libraries built with the `server` feature), with the
/// default timeouts and connection cap; `ab_portal_server_start_with_options` sets those and
/// serves HTTPS or mutual TLS. The access policy sees each connection's peer address and the
/// headers as sent. Stop and free it with `ab_portal_server_free`.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_server_start(
    portal: *const ab_portal,
    listen_addr: *const c_char,
    out_server: *mut *mut ab_portal_server,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let portal = unsafe { handle(portal, "portal") }?;
        let addr = unsafe { string(listen_addr, "listen_addr") }?;
        let out_server = out(out_server, "out_server")?;
        out_server.write(start_server(&portal.inner, parse_listen_addr(addr)?)?.into_c());
        Ok(())
    })
}

/// The `listen_addr` argument of the embedded server's start functions.
pub(crate) fn parse_listen_addr(addr: &str) -> FfiResult<SocketAddr> {
    Ok(addr.parse().map_err(|_| Error::invalid("listen_addr", "must be an address and port like 127.0.0.1:8080"))?)
}

#[cfg(feature = "server")]
fn start_server(portal: &Portal, addr: std::net::SocketAddr) -> FfiResult<ab_portal_server> {
    let inner = block_on(authbridge::nopass::EmbeddedServer::start(portal.clone(), addr))??;
    Ok(ab_portal_server { inner })
}

#[cfg(not(feature = "server"))]
fn start_server(_: &Portal, _: std::net::SocketAddr) -> FfiResult<ab_portal_server> {
    Err(Error::Config("this library was built without the server feature".into()).into())
}

/// The URL of the embedded server (`http://127.0.0.1:<port>`, or `https://…` with TLS), the
/// portal URL to give the NoPass server, written to `*out_url` (free with `ab_string_free`).
#[no_mangle]
pub unsafe extern "C" fn ab_portal_server_url(server: *const ab_portal_server, out_url: *mut *mut c_char) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let server = unsafe { handle(server, "server") }?;
        let out_url = out(out_url, "out_url")?;
        out_url.write(text(&server_url(server), "url")?);
        Ok(())
    })
}

#[cfg(feature = "server")]
fn server_url(server: &ab_portal_server) -> String {
    server.inner.url()
}

#[cfg(not(feature = "server"))]
fn server_url(_: &ab_portal_server) -> String {
    String::new()
}

/// Stops the embedded server and frees it: it stops accepting, lets callbacks in flight finish
/// within the stop grace (`ab_receiver_options_set_shutdown_grace`), closes the rest and
/// returns once all are closed. `NULL` does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_server_free(server: *mut ab_portal_server) {
    ffi_void(|| {
        // SAFETY: created by `ab_portal_server_start`, freed once.
        let Some(server) = (unsafe { ab_portal_server::take(server) }) else { return };
        #[cfg(feature = "server")]
        let _ = block_on(server.inner.stop());
        #[cfg(not(feature = "server"))]
        drop(server);
    });
}
