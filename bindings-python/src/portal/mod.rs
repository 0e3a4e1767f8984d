//! `authbridge.Portal`: the NoPass portal (callback receiver, state, waits, redeeming logins,
//! the portal's own NoPass server calls) over core's `nopass::Portal`, with Python hooks.
//!
//! The browser is given a login's opaque handle; the host redeems it once with
//! `redeem_login` and signs the user in only then (core's `nopass` module doc). Everything
//! here converts: arguments to core's types, results to the classes of the submodules.

mod access;
mod answers;
mod async_hooks;
mod config;
mod hooks;
mod receiver;
mod server;
mod sessions;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use authbridge::nopass::{EmbeddedServer as CoreServer, Portal as Core, RequestHead, UserPreRegistration};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

pub use answers::{PortalResponse, PortalStatus};
pub use server::EmbeddedServer;
pub use sessions::{LoginSession, PreRegisteredUser, RedeemedLogin};

use self::access::AccessOptions;
use self::answers::{response, status};
use self::config::{build, Options, Timings};
use self::receiver::{Pem, ServeOptions};
use self::sessions::{maybe_session, pre_registered, redeemed, session};
use crate::closing::Closable;
use crate::errors::to_py;
use crate::transport::TransportOptions;
use crate::twin::{none, op, twin_clients};
use crate::wait::{self, CancellationToken};
use crate::{aio, blocking};

/// The request head core checks before the body: `peer` is the socket peer's IP address as
/// the server reports it (core alone decides whether `X-Forwarded-For` is believed).
fn head(method: &str, path: &str, headers: Vec<(String, String)>, peer: Option<&str>) -> PyResult<RequestHead> {
    let mut head = RequestHead::new(method, path);
    head.headers = headers;
    if let Some(peer) = peer {
        let addr =
            peer.parse::<IpAddr>().map_err(|_| PyValueError::new_err(format!("peer {peer:?} is not an IP address")))?;
        head = head.peer(addr);
    }
    Ok(head)
}

/// A `ConfigError` for a portal with an `async def` hook served where no event loop can await
/// it (`surface`: the blocking `handle`, the embedded receiver).
fn refuse_async_hooks(async_hooks: &[String], surface: &str) -> PyResult<()> {
    let Some(hook) = async_hooks.first() else { return Ok(()) };
    Err(to_py(authbridge::Error::Config(format!(
        "portal hook {hook} is async def, and {surface} has no event loop to await it on: serve the portal \
         with authbridge.asgi.PortalApp (or await Portal.aio.handle), or make the hook a plain method"
    ))))
}

/// The NoPass portal (blocking methods; `.aio` for asyncio). Mount `handle` in your web
/// framework (or use `authbridge.asgi.PortalApp` / `authbridge.wsgi.PortalApp`, or `serve()`).
///
/// A portal with the `adminId` and `sCode` entered in the NoPass console.
///
/// Who may call it is required (a `ConfigError` otherwise): `allowed_sources` (the
/// NoPass server's addresses or CIDR ranges; `trusted_proxies` are the reverse proxies
/// whose `X-Forwarded-For` is believed), `shared_secret_header=(name, secret)` or
/// `shared_secret_bearer=secret` (a header your reverse proxy adds; at least 16
/// characters), `require_client_certificate=True` (a TLS client certificate verified by
/// the embedded receiver served with `client_ca_pem`; no ASGI or WSGI server can vouch for
/// one, so there every callback is refused), or `accept_any_source=True` alone (only for a network where
/// nothing but the NoPass server reaches the portal; logged as a warning). Checks given
/// together must all pass.
///
/// `server_url` is the NoPass server (for `pre_register_user` / `request_authorization`);
/// `store` is where the state lives, as a URL: None or `memory:` (this process only),
/// `sqlite:PATH` or a bare path (durable, shared by processes on one machine, safe across
/// `fork`), `redis://…` / `rediss://…` with `?portal=NAME` (shared by every replica, in any
/// language); `hooks` is a `PortalHooks` object (an `async def` hook is awaited on the event
/// loop of `aio.handle`, i.e. the ASGI server's; the blocking surfaces refuse such a portal). Durations are seconds: `redeem_ttl` (an
/// authorised login must be redeemed within it), `pre_registration_ttl` (a
/// pre-registration lapses unless confirmed within it), `hook_timeout` (a slower hook
/// gets the NoPass server a 503 with `Retry-After` and changes nothing).
#[pyclass(module = "authbridge", frozen)]
pub struct Portal {
    inner: Closable<Core>,
    async_hooks: Arc<[String]>,
}

/// The portal's asyncio methods (`Portal.aio`).
#[pyclass(module = "authbridge", frozen)]
pub struct AsyncPortal {
    inner: Closable<Core>,
    async_hooks: Arc<[String]>,
}

twin_clients! {
    Portal, AsyncPortal,
    common {
        /// The hooks written as `async def` (awaited on the event loop of `aio.handle`).
        #[getter]
        fn async_hooks(&self) -> Vec<String> {
            self.async_hooks.to_vec()
        }
    }
    sync {
    /// See the class documentation (Python shows no constructor docstring of its own).
    #[new]
    #[pyo3(signature = (admin_id, s_code, *, allowed_sources = Vec::new(), trusted_proxies = Vec::new(), shared_secret_header = None, shared_secret_bearer = None, require_client_certificate = false, accept_any_source = false, server_url = None, server_transport = None, hooks = None, store = None, response_mode = "envelope", mount_path = None, max_body_bytes = None, registration_ttl = None, login_ttl = None, redeem_ttl = None, pre_registration_ttl = None, hook_timeout = None, session_retention = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        admin_id: String,
        s_code: String,
        allowed_sources: Vec<String>,
        trusted_proxies: Vec<String>,
        shared_secret_header: Option<(String, String)>,
        shared_secret_bearer: Option<String>,
        require_client_certificate: bool,
        accept_any_source: bool,
        server_url: Option<&str>,
        server_transport: Option<PyRef<'_, TransportOptions>>,
        hooks: Option<Py<PyAny>>,
        store: Option<std::path::PathBuf>,
        response_mode: &str,
        mount_path: Option<String>,
        max_body_bytes: Option<usize>,
        registration_ttl: Option<f64>,
        login_ttl: Option<f64>,
        redeem_ttl: Option<f64>,
        pre_registration_ttl: Option<f64>,
        hook_timeout: Option<f64>,
        session_retention: Option<f64>,
    ) -> PyResult<Self> {
        let (inner, async_hooks) = build(Options {
            admin_id,
            s_code,
            access: AccessOptions {
                allowed_sources,
                trusted_proxies,
                shared_secret_header,
                shared_secret_bearer,
                require_client_certificate,
                accept_any_source,
            },
            server_url,
            server_transport: server_transport.as_deref(),
            hooks,
            store: store.map(|p| p.to_string_lossy().into_owned()),
            response_mode,
            mount_path,
            max_body_bytes,
            timings: Timings {
                registration_ttl,
                login_ttl,
                redeem_ttl,
                pre_registration_ttl,
                hook_timeout,
                session_retention,
            },
        })?;
        Ok(Self { inner: Closable::new("the portal", inner), async_hooks: async_hooks.into() })
    }

    /// The asyncio methods of this portal (same state, same hooks).
    #[getter]
    fn aio(&self) -> AsyncPortal {
        AsyncPortal { inner: self.inner.twin(), async_hooks: self.async_hooks.clone() }
    }

    /// The largest callback body accepted (the adapters read no more than this).
    #[getter]
    fn max_body_bytes(&self) -> PyResult<usize> {
        Ok(self.inner.get()?.config().max_body_bytes)
    }

    /// The answer to send at once, before reading the body, when the callback is refused
    /// whatever its body says: an unknown path, another method, a caller the access policy
    /// refuses, an unsupported content type, an announced body over the limit. None: read the
    /// body and call `handle`. The adapters call it first, so a refused caller cannot make the
    /// portal read a body.
    #[pyo3(signature = (method, path, headers, peer = None))]
    fn refusal(
        &self,
        py: Python<'_>,
        method: &str,
        path: &str,
        headers: Vec<(String, String)>,
        peer: Option<&str>,
    ) -> PyResult<Option<Py<PyAny>>> {
        match self.inner.get()?.begin(head(method, path, headers, peer)?) {
            Ok(_admitted) => Ok(None),
            Err(answer) => response(py, answer).map(Some),
        }
    }

    /// Serves the portal on `host:port` with authbridge's embedded HTTP server (port 0 picks
    /// a free one). Close the returned server (or use it in `with`) to stop.
    ///
    /// `tls_cert_pem` (the certificate chain, server's first) and `tls_key_pem` (its private
    /// key) serve HTTPS; `client_ca_pem` adds mutual TLS: a caller without a certificate
    /// from one of those CAs fails the handshake, and the callers that pass are what
    /// `require_client_certificate=True` admits. PEM is `bytes` or `str`; unusable PEM
    /// raises `ConfigError` (its message never quotes the key). Limits, in seconds:
    /// `header_read_timeout` (to send a request head, and the TLS handshake; default 10),
    /// `body_read_timeout` (to send the body; 20), `idle_timeout` (a connection with no
    /// request in progress; 5), `shutdown_grace` (for callbacks in flight when the server is
    /// closed; 10); `max_connections` served at once (512; further ones wait). A zero limit
    /// raises `ConfigError`. `metrics_path` (e.g. `"/metrics"`; off by default) serves
    /// `authbridge.metrics_prometheus()` to GET at that path, to whoever reaches the server.
    #[pyo3(signature = (host = "127.0.0.1", port = 0, *, tls_cert_pem = None, tls_key_pem = None, client_ca_pem = None, header_read_timeout = None, body_read_timeout = None, idle_timeout = None, max_connections = None, shutdown_grace = None, metrics_path = None))]
    #[allow(clippy::too_many_arguments)]
    fn serve(
        &self,
        py: Python<'_>,
        host: &str,
        port: u16,
        tls_cert_pem: Option<Pem>,
        tls_key_pem: Option<Pem>,
        client_ca_pem: Option<Pem>,
        header_read_timeout: Option<f64>,
        body_read_timeout: Option<f64>,
        idle_timeout: Option<f64>,
        max_connections: Option<usize>,
        shutdown_grace: Option<f64>,
        metrics_path: Option<String>,
    ) -> PyResult<EmbeddedServer> {
        refuse_async_hooks(&self.async_hooks, "the embedded receiver")?;
        let ip: IpAddr = host.parse().map_err(|_| PyValueError::new_err(format!("host {host:?} is not an IP address")))?;
        let options = ServeOptions {
            tls_cert_pem,
            tls_key_pem,
            client_ca_pem,
            header_read_timeout,
            body_read_timeout,
            idle_timeout,
            max_connections,
            shutdown_grace,
            metrics_path,
        }
        .receiver_options()?;
        let portal = Core::clone(&*self.inner.get()?);
        let server = blocking::wait(py, move || CoreServer::start_with(portal, SocketAddr::new(ip, port), options))?;
        Ok(EmbeddedServer::new(server))
    }

    /// Handles one callback: method, path, headers (pairs, passed on unchanged) and the
    /// whole body in; the answer out. Never raises for a bad callback: that is an answer
    /// in the seed's envelope. `peer` is the socket peer's IP address (what the server
    /// reports, not a header): the access policy decides about `X-Forwarded-For`. A portal
    /// with an `async def` hook raises `ConfigError` here: use `aio.handle`.
    #[pyo3(signature = (method, path, headers, body, peer = None))]
    fn handle(
        &self,
        py: Python<'_>,
        method: &str,
        path: &str,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        peer: Option<&str>,
    ) -> PyResult<Py<PyAny>> {
        refuse_async_hooks(&self.async_hooks, "the blocking Portal.handle")?;
        let head = head(method, path, headers, peer)?;
        let portal = self.inner.get()?;
        let answer = blocking::wait(py, move || async move { Ok(portal.handle_request(head, &body).await) })?;
        response(py, answer)
    }

    fn __repr__(&self) -> String {
        "Portal(admin_id='***', s_code='***')".to_string()
    }
}
    async {
        /// `Portal.handle` for asyncio; `async def` hooks are awaited on the loop awaiting it.
        #[pyo3(signature = (method, path, headers, body, peer = None))]
        fn handle(
            &self,
            method: &str,
            path: &str,
            headers: Vec<(String, String)>,
            body: Vec<u8>,
            peer: Option<&str>,
        ) -> PyResult<aio::Call> {
            let head = head(method, path, headers, peer)?;
            let portal = self.inner.get()?;
            let handling = move |event_loop| async move {
                Ok(async_hooks::on_loop(event_loop, portal.handle_request(head, &body)).await)
            };
            Ok(aio::call_on_loop("nopass.handle", handling, response))
        }

        fn __repr__(&self) -> String {
            "AsyncPortal(...)".to_string()
        }
    }
    ops {
        /// The portal's registration and phase (a pre-registration past
        /// `pre_registration_ttl` reads as unregistered).
        fn status() using portal =>
            op("nopass.status", move || async move { portal.status().await }, status);
        /// The session with this browser handle as of now, or None.
        fn session(handle: String) using portal =>
            op("nopass.session", move || async move { portal.session(&handle).await }, maybe_session);
        /// Waits until the session's version passes `seen_version` (0: now) or it expires:
        /// what a login page's long-poll needs. `Timeout`, `Cancelled`, `NotFound` as usual.
        #[pyo3(signature = (handle, seen_version = 0, *, timeout = 60.0, interval = None, cancel = None))]
        fn wait_session(handle: String, seen_version: u64, timeout: f64, interval: Option<f64>, cancel: Option<CancellationToken>) using portal =>
            {
                let options = wait::options(timeout, interval, cancel)?;
                op("nopass.wait_session", move || async move {
                    portal.wait_session(&handle, seen_version, &options).await
                }, session)
            };
        /// Completes an authorised login: gives its user exactly once. Sign the user in only
        /// when this returns. `NotFound` (unknown handle), `Conflict` (still pending, or
        /// redeemed already), `AuthenticationFailed` (denied, closed or expired).
        fn redeem_login(handle: String) using portal =>
            op("nopass.redeem_login", move || async move { portal.redeem_login(&handle).await }, redeemed);
        /// PreRegisterUser: starts `user_id`'s registration with the NoPass server.
        #[pyo3(signature = (user_id, *, client_ip = None, redirect_url = None, social_network = None, given_name = None, sur_name = None, phone_number = None, email = None))]
        fn pre_register_user(user_id: String, client_ip: Option<String>, redirect_url: Option<String>, social_network: Option<String>, given_name: Option<String>, sur_name: Option<String>, phone_number: Option<String>, email: Option<String>) using portal =>
            {
                let mut user = UserPreRegistration::new(user_id);
                user.client_ip = client_ip;
                user.redirect_url = redirect_url;
                user.social_network = social_network;
                user.given_name = given_name;
                user.sur_name = sur_name;
                user.phone_number = phone_number;
                user.email = email;
                op("nopass.pre_register_user", move || async move { portal.pre_register_user(user).await }, pre_registered)
            };
        /// RequestAuthorization: starts `user_id`'s login; show the session's picture and give
        /// the browser its `handle`.
        fn request_authorization(user_id: String) using portal =>
            op("nopass.request_authorization", move || async move { portal.request_authorization(&user_id).await }, session);
        /// Forgets the registration and every session (back to unregistered).
        fn reset() using portal =>
            op("nopass.reset", move || async move { portal.reset().await }, none);
    }
}
