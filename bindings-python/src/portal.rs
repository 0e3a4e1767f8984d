//! `authbridge.Portal`: the NoPass portal (callback receiver, state, waits, the portal's own
//! NoPass server calls) over core's `nopass::Portal`, with Python hooks.
//!
//! Hooks are a Python object (usually an `authbridge.PortalHooks` subclass). Core runs them
//! through its `BlockingHooks` adapter, i.e. on the runtime's blocking pool, never on an event
//! loop; each call takes the GIL only while the Python method runs. Events cross as core's
//! JSON form and become the dataclasses of `authbridge/_portal.py`.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use authbridge::nopass::{
    AccessPolicy, AuthorizationResult, BlockingHooks, BlockingPortalHooks, EmbeddedServer as CoreServer, HookError,
    HookResult, IpRange, LoginSession as CoreSession, NoPassServerConfig, PictureUpdate, Portal as Core, PortalConfig,
    PortalRecord, PortalResponse as CoreResponse, PreRegisteredUser as CorePreRegistered, PreRegistration,
    Registration, RequestHead, ResponseMode, ServiceDisabling, SessionClosing, SharedSecret, SqliteStore, UserDeletion,
    UserPreRegistration, UserRegistration, UserRegistrationCheck, UserUpdate, UsersAddition,
};
use authbridge::Secret;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyBytes;
use serde::Serialize;

use crate::errors::IntoPyResult;
use crate::transport::{self, TransportOptions};
use crate::twin::{none, op, twin_clients};
use crate::wait::{self, CancellationToken};
use crate::{blocking, enums};

static DISPATCH: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The host's hooks object, called through `authbridge._portal._dispatch`.
struct PyHooks {
    hooks: Py<PyAny>,
}

impl PyHooks {
    fn call<E: Serialize>(&self, hook: &str, event: &E) -> HookResult<bool> {
        let payload = serde_json::to_string(event).map_err(|e| HookError::new(e.to_string()))?;
        Python::attach(|py| {
            let dispatch = DISPATCH
                .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
                    Ok(py.import("authbridge._portal")?.getattr("_dispatch")?.unbind())
                })
                .map_err(|e| HookError::new(e.to_string()))?;
            let outcome = dispatch.bind(py).call1((self.hooks.bind(py), hook, payload));
            match outcome.and_then(|value| value.is_truthy()) {
                Ok(decision) => Ok(decision),
                Err(error) => {
                    let message = format!("{hook}: {error}");
                    tracing::warn!(target: "authbridge::nopass", hook, "portal hook raised: {error}");
                    Err(HookError::new(message))
                }
            }
        })
    }
}

impl BlockingPortalHooks for PyHooks {
    fn confirm_pre_registration(&self, event: PreRegistration) -> HookResult<()> {
        self.call("confirm_pre_registration", &event).map(drop)
    }
    fn confirm_registration(&self, event: Registration) -> HookResult<()> {
        self.call("confirm_registration", &event).map(drop)
    }
    fn update_picture(&self, event: PictureUpdate) -> HookResult<()> {
        self.call("update_picture", &event).map(drop)
    }
    fn validate_user_registration(&self, event: UserRegistrationCheck) -> HookResult<bool> {
        self.call("validate_user_registration", &event)
    }
    fn confirm_user_registration(&self, event: UserRegistration) -> HookResult<()> {
        self.call("confirm_user_registration", &event).map(drop)
    }
    fn authorized_user(&self, event: AuthorizationResult) -> HookResult<()> {
        self.call("authorized_user", &event).map(drop)
    }
    fn update_user(&self, event: UserUpdate) -> HookResult<bool> {
        self.call("update_user", &event)
    }
    fn delete_user(&self, event: UserDeletion) -> HookResult<bool> {
        self.call("delete_user", &event)
    }
    fn add_users(&self, event: UsersAddition) -> HookResult<bool> {
        self.call("add_users", &event)
    }
    fn close_session(&self, event: SessionClosing) -> HookResult<()> {
        self.call("close_session", &event).map(drop)
    }
    fn disable_service(&self, event: ServiceDisabling) -> HookResult<()> {
        self.call("disable_service", &event).map(drop)
    }
}

/// The answer to one callback: send `status`, `content_type`, `headers` and `body` as they are.
#[pyclass(module = "authbridge", frozen)]
pub struct PortalResponse {
    response: CoreResponse,
}

#[pymethods]
impl PortalResponse {
    #[getter]
    fn status(&self) -> u16 {
        self.response.status
    }

    #[getter]
    fn content_type(&self) -> Option<&'static str> {
        self.response.content_type
    }

    #[getter]
    fn headers(&self) -> Vec<(String, String)> {
        self.response.headers.clone()
    }

    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.response.body)
    }

    /// The body parsed as JSON (None for an empty body).
    fn json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if self.response.body.is_empty() {
            return Ok(py.None());
        }
        crate::json::to_py(py, &self.response.json())
    }

    /// The first error's `code` in the seed's envelope.
    #[getter]
    fn error_code(&self) -> Option<String> {
        self.response.error_code()
    }

    #[getter]
    fn error_message(&self) -> Option<String> {
        self.response.error_message()
    }

    fn __repr__(&self) -> String {
        format!("PortalResponse(status={}, body={:?})", self.response.status, self.response.body_text())
    }
}

fn response(py: Python<'_>, response: CoreResponse) -> PyResult<Py<PyAny>> {
    Ok(Py::new(py, PortalResponse { response })?.into_any())
}

/// The portal's registration and phase. `repr` hides `auth_token`.
#[pyclass(module = "authbridge", frozen)]
pub struct PortalStatus {
    record: PortalRecord,
    phase: Py<PyAny>,
}

#[pymethods]
impl PortalStatus {
    #[getter]
    fn version(&self) -> u64 {
        self.record.version
    }

    #[getter]
    fn phase(&self, py: Python<'_>) -> Py<PyAny> {
        self.phase.clone_ref(py)
    }

    #[getter]
    fn portal_id(&self) -> Option<&str> {
        self.record.portal_id.as_deref()
    }

    /// The bearer the NoPass server issued at registration (a secret).
    #[getter]
    fn auth_token(&self) -> Option<&str> {
        self.record.auth_token.as_ref().map(Secret::expose)
    }

    #[getter]
    fn settings(&self) -> Option<&str> {
        self.record.settings.as_deref()
    }

    #[getter]
    fn changed_at_ms(&self) -> u64 {
        self.record.changed_at_ms
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "PortalStatus(phase={}, portal_id={:?}, auth_token={}, version={})",
            self.phase.bind(py).repr()?,
            self.record.portal_id,
            if self.record.auth_token.is_some() { "'***'" } else { "None" },
            self.record.version
        ))
    }
}

fn status(py: Python<'_>, record: PortalRecord) -> PyResult<Py<PyAny>> {
    let phase = enums::portal_phase(py, record.phase)?.unbind();
    Ok(Py::new(py, PortalStatus { record, phase })?.into_any())
}

/// A login (or a registration's session) as the portal keeps it.
#[pyclass(module = "authbridge", frozen)]
pub struct LoginSession {
    session: CoreSession,
    origin: Py<PyAny>,
    state: Py<PyAny>,
}

#[pymethods]
impl LoginSession {
    #[getter]
    fn auth_id(&self) -> &str {
        &self.session.auth_id
    }
    #[getter]
    fn user_id(&self) -> Option<&str> {
        self.session.user_id.as_deref()
    }
    #[getter]
    fn origin(&self, py: Python<'_>) -> Py<PyAny> {
        self.origin.clone_ref(py)
    }
    #[getter]
    fn state(&self, py: Python<'_>) -> Py<PyAny> {
        self.state.clone_ref(py)
    }
    #[getter]
    fn reason(&self) -> Option<&str> {
        self.session.reason.as_deref()
    }
    /// The current picture/code as base64 PNG.
    #[getter]
    fn image(&self) -> Option<&str> {
        self.session.image.as_deref()
    }
    #[getter]
    fn next_change_ms(&self) -> Option<u64> {
        self.session.next_change_ms
    }
    #[getter]
    fn picture_expires_at_ms(&self) -> Option<u64> {
        self.session.picture_expires_at_ms
    }
    #[getter]
    fn pictures(&self) -> u32 {
        self.session.pictures
    }
    #[getter]
    fn created_at_ms(&self) -> u64 {
        self.session.created_at_ms
    }
    #[getter]
    fn expires_at_ms(&self) -> u64 {
        self.session.expires_at_ms
    }
    #[getter]
    fn updated_at_ms(&self) -> u64 {
        self.session.updated_at_ms
    }
    /// Increases with every change; pass it to `wait_session` to wait for the next one.
    #[getter]
    fn version(&self) -> u64 {
        self.session.version
    }
    /// Nothing more can happen to it: denied, closed or expired (an authorized session can
    /// still be closed).
    #[getter]
    fn finished(&self) -> bool {
        self.session.is_finished()
    }
    /// The picture as a `data:image/png;base64,...` URL, for an `<img src>`.
    fn image_data_url(&self) -> Option<String> {
        self.session.image_data_url()
    }
    /// The picture as PNG bytes.
    fn image_png<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.session.image_png().map(|png| PyBytes::new(py, &png))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "LoginSession(auth_id={:?}, user_id={}, state={}, pictures={}, version={})",
            self.session.auth_id,
            self.session.user_id.as_deref().map_or("None".to_string(), |u| format!("{u:?}")),
            self.state.bind(py).repr()?,
            self.session.pictures,
            self.session.version
        ))
    }
}

fn session(py: Python<'_>, session: CoreSession) -> PyResult<Py<PyAny>> {
    let origin = enums::session_origin(py, session.origin)?.unbind();
    let state = enums::session_state(py, session.state)?.unbind();
    Ok(Py::new(py, LoginSession { session, origin, state })?.into_any())
}

fn maybe_session(py: Python<'_>, found: Option<CoreSession>) -> PyResult<Py<PyAny>> {
    match found {
        Some(found) => session(py, found),
        None => Ok(py.None()),
    }
}

/// A started user registration: send the user to `register_link`. `repr` hides `otp`.
#[pyclass(module = "authbridge", frozen)]
pub struct PreRegisteredUser {
    user: CorePreRegistered,
}

#[pymethods]
impl PreRegisteredUser {
    #[getter]
    fn user_id(&self) -> &str {
        &self.user.user_id
    }
    /// The code ConfirmUserRegistration must carry (a secret; the portal keeps its digest).
    #[getter]
    fn otp(&self) -> &str {
        self.user.otp.expose()
    }
    #[getter]
    fn register_link(&self) -> &str {
        &self.user.register_link
    }
    #[getter]
    fn expires_at_ms(&self) -> u64 {
        self.user.expires_at_ms
    }
    fn __repr__(&self) -> String {
        format!(
            "PreRegisteredUser(user_id={:?}, otp='***', register_link={:?}, expires_at_ms={})",
            self.user.user_id, self.user.register_link, self.user.expires_at_ms
        )
    }
}

fn pre_registered(py: Python<'_>, user: CorePreRegistered) -> PyResult<Py<PyAny>> {
    Ok(Py::new(py, PreRegisteredUser { user })?.into_any())
}

/// The portal served by authbridge's own small HTTP server (for hosts with no web stack).
#[pyclass(module = "authbridge", frozen)]
pub struct EmbeddedServer {
    server: Mutex<Option<CoreServer>>,
    url: String,
}

#[pymethods]
impl EmbeddedServer {
    /// `http://<host>:<port>`: the portal URL to give the NoPass server.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let server = self.server.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(server) = server {
            blocking::wait(py, move || async move {
                server.stop().await;
                Ok(())
            })?;
        }
        Ok(())
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<()> {
        self.close(py)
    }

    fn __repr__(&self) -> String {
        format!("EmbeddedServer(url={:?})", self.url)
    }
}

fn seconds(name: &str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| PyValueError::new_err(format!("{name} must be a non-negative number of seconds")))
}

fn peer(peer: Option<&str>) -> PyResult<Option<IpAddr>> {
    peer.map(|p| p.parse::<IpAddr>().map_err(|_| PyValueError::new_err(format!("peer {p:?} is not an IP address"))))
        .transpose()
}

fn head(method: &str, path: &str, headers: Vec<(String, String)>, from: Option<&str>) -> PyResult<RequestHead> {
    let mut head = RequestHead::new(method, path);
    head.headers = headers;
    if let Some(addr) = peer(from)? {
        head = head.peer(addr);
    }
    Ok(head)
}

/// The options of `Portal(...)`, gathered so the constructor stays readable.
struct Options<'a> {
    admin_id: String,
    s_code: String,
    server_url: Option<&'a str>,
    server_transport: Option<&'a TransportOptions>,
    hooks: Option<Py<PyAny>>,
    store: Option<String>,
    response_mode: &'a str,
    mount_path: Option<String>,
    max_body_bytes: Option<usize>,
    registration_ttl: Option<f64>,
    login_ttl: Option<f64>,
    session_retention: Option<f64>,
    shared_secret: Option<String>,
    shared_secret_header: Option<(String, String)>,
    allowed_sources: Vec<String>,
}

fn build(options: Options<'_>) -> PyResult<Core> {
    let mut config = PortalConfig::new(options.admin_id, options.s_code).py_err()?;
    if let Some(url) = options.server_url {
        let server = NoPassServerConfig::new(url).py_err()?.transport(transport::config(options.server_transport));
        config = config.server(server);
    }
    config = config.response_mode(match options.response_mode {
        "envelope" => ResponseMode::Envelope,
        "bare" => ResponseMode::Bare,
        other => {
            return Err(PyValueError::new_err(format!("response_mode must be 'envelope' or 'bare', not {other:?}")))
        }
    });
    if let Some(path) = options.mount_path {
        config = config.mount_path(path);
    }
    if let Some(limit) = options.max_body_bytes {
        config = config.max_body_bytes(limit);
    }
    if let Some(ttl) = options.registration_ttl {
        config = config.registration_ttl(seconds("registration_ttl", ttl)?);
    }
    if let Some(ttl) = options.login_ttl {
        config = config.login_ttl(seconds("login_ttl", ttl)?);
    }
    if let Some(retention) = options.session_retention {
        config = config.session_retention(seconds("session_retention", retention)?);
    }
    let shared_secret = match (options.shared_secret, options.shared_secret_header) {
        (Some(_), Some(_)) => {
            return Err(crate::errors::to_py(authbridge::Error::invalid(
                "shared_secret",
                "give shared_secret or shared_secret_header, not both",
            )))
        }
        (Some(bearer), None) => Some(SharedSecret::Bearer(Secret::new(bearer))),
        (None, Some((name, value))) => Some(SharedSecret::Header { name, value: Secret::new(value) }),
        (None, None) => None,
    };
    let allowed_sources =
        options.allowed_sources.iter().map(|source| IpRange::parse(source)).collect::<Result<Vec<_>, _>>().py_err()?;
    let access = AccessPolicy { shared_secret, allowed_sources };
    config = config.access(access);
    let mut builder = Core::builder(config);
    match options.store.as_deref() {
        None | Some(":memory:") => {}
        Some(path) => builder = builder.store(SqliteStore::open(path).py_err()?),
    }
    if let Some(hooks) = options.hooks {
        Python::attach(|py| -> PyResult<()> {
            py.import("authbridge._portal")?.getattr("_check_hooks")?.call1((hooks.bind(py),))?;
            Ok(())
        })?;
        builder = builder.hooks(BlockingHooks::new(PyHooks { hooks }));
    }
    builder.build().py_err()
}

/// The NoPass portal (blocking methods). Mount `handle` in your web framework (or use
/// `authbridge.asgi.PortalApp` / `authbridge.wsgi.PortalApp`, or `serve()`).
#[pyclass(module = "authbridge", frozen)]
pub struct Portal {
    inner: Core,
}

/// The portal's asyncio methods (`Portal.aio`).
#[pyclass(module = "authbridge", frozen)]
pub struct AsyncPortal {
    inner: Core,
}

twin_clients! {
    Portal, AsyncPortal,
    common {}
    sync {
    /// A portal with the `adminId` and `sCode` entered in the NoPass console. `server_url` is
    /// the NoPass server (for `pre_register_user` / `request_authorization`); `store` is a
    /// SQLite file (durable, shared by processes) or None for memory; `hooks` is a
    /// `PortalHooks` object.
    #[new]
    #[pyo3(signature = (admin_id, s_code, *, server_url = None, server_transport = None, hooks = None, store = None, response_mode = "envelope", mount_path = None, max_body_bytes = None, registration_ttl = None, login_ttl = None, session_retention = None, shared_secret = None, shared_secret_header = None, allowed_sources = Vec::new()))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        admin_id: String,
        s_code: String,
        server_url: Option<&str>,
        server_transport: Option<PyRef<'_, TransportOptions>>,
        hooks: Option<Py<PyAny>>,
        store: Option<std::path::PathBuf>,
        response_mode: &str,
        mount_path: Option<String>,
        max_body_bytes: Option<usize>,
        registration_ttl: Option<f64>,
        login_ttl: Option<f64>,
        session_retention: Option<f64>,
        shared_secret: Option<String>,
        shared_secret_header: Option<(String, String)>,
        allowed_sources: Vec<String>,
    ) -> PyResult<Self> {
        let store = store.map(|p| p.to_string_lossy().into_owned());
        let inner = build(Options {
            admin_id,
            s_code,
            server_url,
            server_transport: server_transport.as_deref(),
            hooks,
            store,
            response_mode,
            mount_path,
            max_body_bytes,
            registration_ttl,
            login_ttl,
            session_retention,
            shared_secret,
            shared_secret_header,
            allowed_sources,
        })?;
        Ok(Self { inner })
    }

    /// The asyncio methods of this portal (same state, same hooks).
    #[getter]
    fn aio(&self) -> AsyncPortal {
        AsyncPortal { inner: self.inner.clone() }
    }

    /// The largest callback body accepted (the adapters read no more than this).
    #[getter]
    fn max_body_bytes(&self) -> usize {
        self.inner.config().max_body_bytes
    }

    /// Serves the portal on `host:port` with authbridge's embedded HTTP server (port 0 picks
    /// a free one). Close the returned server (or use it in `with`) to stop.
    #[pyo3(signature = (host = "127.0.0.1", port = 0))]
    fn serve(&self, py: Python<'_>, host: &str, port: u16) -> PyResult<EmbeddedServer> {
        let ip: IpAddr = host.parse().map_err(|_| PyValueError::new_err(format!("host {host:?} is not an IP address")))?;
        let portal = self.inner.clone();
        let server = blocking::wait(py, move || CoreServer::start(portal, SocketAddr::new(ip, port)))?;
        let url = server.url();
        Ok(EmbeddedServer { server: Mutex::new(Some(server)), url })
    }

    fn __repr__(&self) -> String {
        "Portal(admin_id='***', s_code='***')".to_string()
    }
}
    async {
        fn __repr__(&self) -> String {
            "AsyncPortal(...)".to_string()
        }
    }
    ops {
        /// Handles one callback: method, path, headers (pairs) and the whole body in; the
        /// answer out. Never raises for a bad callback: that is an answer in the seed's
        /// envelope. `peer` is the caller's IP address (for `allowed_sources`).
        #[pyo3(signature = (method, path, headers, body, peer = None))]
        fn handle(method: String, path: String, headers: Vec<(String, String)>, body: Vec<u8>, peer: Option<String>) using portal =>
            {
                let head = head(&method, &path, headers, peer.as_deref())?;
                op("nopass.handle", move || async move { Ok(portal.handle_request(head, &body).await) }, response)
            };
        /// The portal's registration and phase.
        fn status() using portal =>
            op("nopass.status", move || async move { portal.status().await }, status);
        /// The session with this `authId` as of now, or None.
        fn session(auth_id: String) using portal =>
            op("nopass.session", move || async move { portal.session(&auth_id).await }, maybe_session);
        /// Waits until the session's version passes `seen_version` (0: now) or it expires:
        /// what a login page's long-poll needs. `Timeout`, `Cancelled`, `NotFound` as usual.
        #[pyo3(signature = (auth_id, seen_version = 0, *, timeout = 60.0, interval = None, cancel = None))]
        fn wait_session(auth_id: String, seen_version: u64, timeout: f64, interval: Option<f64>, cancel: Option<CancellationToken>) using portal =>
            {
                let options = wait::options(timeout, interval, cancel)?;
                op("nopass.wait_session", move || async move {
                    portal.wait_session(&auth_id, seen_version, &options).await
                }, session)
            };
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
        /// RequestAuthorization: starts `user_id`'s login; show the session's picture.
        fn request_authorization(user_id: String) using portal =>
            op("nopass.request_authorization", move || async move { portal.request_authorization(&user_id).await }, session);
        /// Forgets the registration and every session (back to unregistered).
        fn reset() using portal =>
            op("nopass.reset", move || async move { portal.reset().await }, none);
    }
}
