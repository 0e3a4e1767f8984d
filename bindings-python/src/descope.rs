//! `authbridge.DescopeClient` (blocking) and `AsyncDescopeClient`: nOTP, TOTP and session
//! validation, over core's `descope::DescopeClient`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use authbridge::descope::{
    DescopeClient as Core, DescopeConfig, LoginOptions as CoreLoginOptions, NotpOptions, NotpStart as CoreStart,
    PendingSession, Session as CoreSession, SessionClaims as CoreClaims, SessionValidation,
    TotpEnrollment as CoreEnrollment, User as CoreUser, UserDetails as CoreDetails, DEFAULT_PROVIDER,
};
use authbridge::Secret;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::closing::Closable;
use crate::errors::IntoPyResult;
use crate::transport::{self, TransportOptions};
use crate::twin::{op, twin_clients};
use crate::wait::{self, CancellationToken};
use crate::{json, totp};

fn seconds(name: &str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| PyValueError::new_err(format!("{name} must be a non-negative number of seconds")))
}

/// `loginOptions` of a sign-in (custom claims and template options of a sign-up).
#[pyclass(module = "authbridge", frozen, from_py_object)]
#[derive(Clone)]
pub struct LoginOptions {
    options: CoreLoginOptions,
}

#[pymethods]
impl LoginOptions {
    #[new]
    #[pyo3(signature = (*, stepup = false, mfa = false, custom_claims = None, template_options = None, revoke_other_sessions = false))]
    fn new(
        stepup: bool,
        mfa: bool,
        custom_claims: Option<Bound<'_, PyDict>>,
        template_options: Option<BTreeMap<String, String>>,
        revoke_other_sessions: bool,
    ) -> PyResult<Self> {
        let custom_claims = match custom_claims {
            Some(claims) => match json::from_py(claims.as_any())? {
                serde_json::Value::Object(map) => map,
                _ => return Err(PyValueError::new_err("custom_claims must be a dict")),
            },
            None => serde_json::Map::new(),
        };
        Ok(Self {
            options: CoreLoginOptions {
                stepup,
                mfa,
                custom_claims,
                template_options: template_options.unwrap_or_default(),
                revoke_other_sessions,
            },
        })
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.options)
    }
}

/// Details of a user to sign up.
#[pyclass(module = "authbridge", frozen, from_py_object)]
#[derive(Clone)]
pub struct UserDetails {
    details: CoreDetails,
}

#[pymethods]
impl UserDetails {
    #[new]
    #[pyo3(signature = (*, name = None, given_name = None, middle_name = None, family_name = None, email = None, phone = None))]
    fn new(
        name: Option<String>,
        given_name: Option<String>,
        middle_name: Option<String>,
        family_name: Option<String>,
        email: Option<String>,
        phone: Option<String>,
    ) -> Self {
        Self { details: CoreDetails { name, given_name, middle_name, family_name, email, phone } }
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.details)
    }
}

/// What a nOTP start returns: show `image` (a base64 PNG QR code) or send the person to
/// `redirect_url`, then wait with `pending_ref` (a secret: whoever holds it gets the session).
#[pyclass(module = "authbridge", frozen)]
pub struct NotpStart {
    start: CoreStart,
}

#[pymethods]
impl NotpStart {
    #[getter]
    fn pending_ref(&self) -> &str {
        self.start.pending_ref.expose()
    }

    #[getter]
    fn redirect_url(&self) -> &str {
        &self.start.redirect_url
    }

    #[getter]
    fn image(&self) -> &str {
        &self.start.image
    }

    fn __repr__(&self) -> String {
        format!(
            "NotpStart(pending_ref='***', redirect_url={:?}, image=<{} base64 chars>)",
            self.start.redirect_url,
            self.start.image.len()
        )
    }
}

fn notp_start(py: Python<'_>, start: CoreStart) -> PyResult<Py<PyAny>> {
    Ok(Py::new(py, NotpStart { start })?.into_any())
}

/// A Descope user object; fields the seed does not type are in `extra`.
#[pyclass(module = "authbridge", frozen, get_all, name = "DescopeUser")]
pub struct DescopeUser {
    user_id: String,
    login_ids: Vec<String>,
    name: Option<String>,
    given_name: Option<String>,
    middle_name: Option<String>,
    family_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    verified_email: bool,
    verified_phone: bool,
    status: Option<String>,
    picture: Option<String>,
    role_names: Vec<String>,
    created_time: Option<i64>,
    totp: Option<bool>,
    extra: Py<PyAny>,
}

#[pymethods]
impl DescopeUser {
    fn __repr__(&self) -> String {
        format!("DescopeUser(user_id={:?}, login_ids={:?}, name={:?})", self.user_id, self.login_ids, self.name)
    }
}

fn user(py: Python<'_>, user: CoreUser) -> PyResult<Py<DescopeUser>> {
    Py::new(
        py,
        DescopeUser {
            extra: json::object_to_py(py, &user.extra)?,
            user_id: user.user_id,
            login_ids: user.login_ids,
            name: user.name,
            given_name: user.given_name,
            middle_name: user.middle_name,
            family_name: user.family_name,
            email: user.email,
            phone: user.phone,
            verified_email: user.verified_email,
            verified_phone: user.verified_phone,
            status: user.status,
            picture: user.picture,
            role_names: user.role_names,
            created_time: user.created_time,
            totp: user.totp,
        },
    )
}

/// A signed-in session. `repr` hides both JWTs; read them with `.session_jwt` / `.refresh_jwt`.
#[pyclass(module = "authbridge", frozen)]
pub struct Session {
    session: CoreSession,
    user: Py<DescopeUser>,
}

#[pymethods]
impl Session {
    #[getter]
    fn session_jwt(&self) -> &str {
        self.session.session_jwt.expose()
    }

    #[getter]
    fn refresh_jwt(&self) -> Option<&str> {
        self.session.refresh_jwt.as_ref().map(Secret::expose)
    }

    #[getter]
    fn cookie_max_age(&self) -> Option<i64> {
        self.session.cookie_max_age
    }

    #[getter]
    fn cookie_expiration(&self) -> Option<i64> {
        self.session.cookie_expiration
    }

    #[getter]
    fn cookie_domain(&self) -> Option<&str> {
        self.session.cookie_domain.as_deref()
    }

    #[getter]
    fn cookie_path(&self) -> Option<&str> {
        self.session.cookie_path.as_deref()
    }

    #[getter]
    fn first_seen(&self) -> bool {
        self.session.first_seen
    }

    #[getter]
    fn user(&self, py: Python<'_>) -> Py<DescopeUser> {
        self.user.clone_ref(py)
    }

    fn __repr__(&self) -> String {
        format!(
            "Session(session_jwt='***', refresh_jwt={}, first_seen={}, user_id={:?})",
            if self.session.refresh_jwt.is_some() { "'***'" } else { "None" },
            self.session.first_seen,
            self.session.user.user_id
        )
    }
}

fn session(py: Python<'_>, mut session: CoreSession) -> PyResult<Py<PyAny>> {
    let user = user(py, std::mem::take(&mut session.user))?;
    Ok(Py::new(py, Session { session, user })?.into_any())
}

fn pending(py: Python<'_>, pending: PendingSession) -> PyResult<Py<PyAny>> {
    match pending {
        PendingSession::Pending => Ok(py.None()),
        PendingSession::Ready(ready) => session(py, *ready),
    }
}

/// A TOTP key to show the person (QR `image`, `provisioning_url`, base32 `key`: all secret).
#[pyclass(module = "authbridge", frozen)]
pub struct TotpEnrollment {
    enrollment: CoreEnrollment,
}

#[pymethods]
impl TotpEnrollment {
    #[getter]
    fn provisioning_url(&self) -> &str {
        self.enrollment.provisioning_url.expose()
    }

    #[getter]
    fn image(&self) -> &str {
        self.enrollment.image.expose()
    }

    #[getter]
    fn key(&self) -> &str {
        self.enrollment.key.expose()
    }

    /// A generator for this key, producing the codes the person's app will show.
    fn generator(&self) -> PyResult<totp::Totp> {
        Ok(totp::Totp { totp: self.enrollment.generator().py_err()? })
    }

    fn __repr__(&self) -> String {
        "TotpEnrollment(provisioning_url='***', image='***', key='***')".to_string()
    }
}

fn enrollment(py: Python<'_>, enrollment: CoreEnrollment) -> PyResult<Py<PyAny>> {
    Ok(Py::new(py, TotpEnrollment { enrollment })?.into_any())
}

/// The checked claims of a session JWT.
#[pyclass(module = "authbridge", frozen, get_all)]
pub struct SessionClaims {
    subject: String,
    issuer: String,
    issued_at: Option<u64>,
    expires_at: u64,
    roles: Vec<String>,
    permissions: Vec<String>,
    /// Tenant ID → `{"roles": [...], "permissions": [...], ...}`.
    tenants: Py<PyAny>,
    /// Every claim, as in the token.
    all: Py<PyAny>,
}

#[pymethods]
impl SessionClaims {
    fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }

    fn __repr__(&self) -> String {
        format!(
            "SessionClaims(subject={:?}, issuer={:?}, expires_at={}, roles={:?}, permissions={:?})",
            self.subject, self.issuer, self.expires_at, self.roles, self.permissions
        )
    }
}

fn claims(py: Python<'_>, claims: CoreClaims) -> PyResult<Py<PyAny>> {
    let tenants = PyDict::new(py);
    for (id, tenant) in &claims.tenants {
        let entry = match json::object_to_py(py, &tenant.extra)?.into_bound(py).cast_into::<PyDict>() {
            Ok(dict) => dict,
            Err(_) => PyDict::new(py),
        };
        entry.set_item("roles", PyList::new(py, &tenant.roles)?)?;
        entry.set_item("permissions", PyList::new(py, &tenant.permissions)?)?;
        tenants.set_item(id, entry)?;
    }
    let value = SessionClaims {
        all: json::object_to_py(py, &claims.all)?,
        tenants: tenants.into_any().unbind(),
        subject: claims.subject,
        issuer: claims.issuer,
        issued_at: claims.issued_at,
        expires_at: claims.expires_at,
        roles: claims.roles,
        permissions: claims.permissions,
    };
    Ok(Py::new(py, value)?.into_any())
}

fn notp_options(
    provider: Option<String>,
    provider_id: Option<String>,
    login_options: Option<LoginOptions>,
    refresh_jwt: Option<String>,
) -> NotpOptions {
    NotpOptions {
        provider: provider.unwrap_or_else(|| DEFAULT_PROVIDER.to_string()),
        provider_id,
        login_options: login_options.map(|o| o.options).unwrap_or_default(),
        refresh_jwt: refresh_jwt.map(Secret::new),
    }
}

#[allow(clippy::too_many_arguments)]
fn build(
    project_id: &str,
    base_url: Option<&str>,
    management_key: Option<String>,
    leeway: f64,
    min_key_refresh: f64,
    audience: Option<String>,
    transport: Option<&TransportOptions>,
) -> PyResult<Arc<Core>> {
    let mut config = DescopeConfig::new(project_id).py_err()?;
    if let Some(url) = base_url {
        config = config.base_url(url).py_err()?;
    }
    if let Some(key) = management_key {
        config = config.management_key(Secret::new(key)).py_err()?;
    }
    config = config.transport(transport::config(transport)).session_validation(SessionValidation {
        leeway: seconds("leeway", leeway)?,
        min_key_refresh: seconds("min_key_refresh", min_key_refresh)?,
        audience,
    });
    Ok(Arc::new(Core::new(config).py_err()?))
}

/// Descope nOTP / TOTP client (blocking). Thread-safe: share one instance (one key cache).
#[pyclass(module = "authbridge", frozen)]
pub struct DescopeClient {
    inner: Closable<Core>,
}

/// Descope client for asyncio: every operation returns a coroutine.
#[pyclass(module = "authbridge", frozen)]
pub struct AsyncDescopeClient {
    inner: Closable<Core>,
}

twin_clients! {
    DescopeClient, AsyncDescopeClient,
    common {
        /// A client for `project_id`, on Descope's host for it unless `base_url` is given.
        #[new]
        #[pyo3(signature = (project_id, *, base_url = None, management_key = None, leeway = 5.0, min_key_refresh = 30.0, audience = None, transport = None))]
        fn new(
            project_id: &str,
            base_url: Option<&str>,
            management_key: Option<String>,
            leeway: f64,
            min_key_refresh: f64,
            audience: Option<String>,
            transport: Option<PyRef<'_, TransportOptions>>,
        ) -> PyResult<Self> {
            let inner =
                build(project_id, base_url, management_key, leeway, min_key_refresh, audience, transport.as_deref())?;
            Ok(Self { inner: Closable::new("the Descope client", inner) })
        }
    }
    sync {
        /// The asyncio twin of this client, sharing its connection pool and key cache.
        #[getter]
        fn aio(&self) -> AsyncDescopeClient {
            AsyncDescopeClient { inner: self.inner.twin() }
        }

        fn __repr__(&self) -> String {
            "DescopeClient(...)".to_string()
        }
    }
    async {
        fn __repr__(&self) -> String {
            "AsyncDescopeClient(...)".to_string()
        }
    }
    ops {
        /// nOTP sign-up; an empty `login_id` makes the person's WhatsApp number the login ID.
        #[pyo3(signature = (login_id, user = None, *, provider = None, provider_id = None, login_options = None))]
        fn notp_sign_up(login_id: String, user: Option<UserDetails>, provider: Option<String>, provider_id: Option<String>, login_options: Option<LoginOptions>) using client =>
            op("descope.notp_sign_up", move || async move {
                let options = notp_options(provider, provider_id, login_options, None);
                client.notp_sign_up(&login_id, user.as_ref().map(|u| &u.details), &options).await
            }, notp_start);
        /// nOTP sign-in (`refresh_jwt` for a step-up or MFA sign-in).
        #[pyo3(signature = (login_id, *, provider = None, provider_id = None, login_options = None, refresh_jwt = None))]
        fn notp_sign_in(login_id: String, provider: Option<String>, provider_id: Option<String>, login_options: Option<LoginOptions>, refresh_jwt: Option<String>) using client =>
            op("descope.notp_sign_in", move || async move {
                let options = notp_options(provider, provider_id, login_options, refresh_jwt);
                client.notp_sign_in(&login_id, &options).await
            }, notp_start);
        /// nOTP sign-in, signing the user up first when the login ID is new.
        #[pyo3(signature = (login_id, *, provider = None, provider_id = None, login_options = None, refresh_jwt = None))]
        fn notp_sign_up_or_in(login_id: String, provider: Option<String>, provider_id: Option<String>, login_options: Option<LoginOptions>, refresh_jwt: Option<String>) using client =>
            op("descope.notp_sign_up_or_in", move || async move {
                let options = notp_options(provider, provider_id, login_options, refresh_jwt);
                client.notp_sign_up_or_in(&login_id, &options).await
            }, notp_start);
        /// One look at a pending nOTP login: the Session, or None while the person has not acted.
        fn notp_pending_session(pending_ref: String) using client =>
            op("descope.notp_pending_session", move || async move {
                client.notp_pending_session(&Secret::new(pending_ref)).await
            }, pending);
        /// Waits until the person has acted (polling at `interval`, at least 1 s) or `timeout`
        /// passes (`Timeout`); `cancel` (or cancelling the task) ends it with `Cancelled`.
        #[pyo3(signature = (pending_ref, *, timeout = 300.0, interval = None, cancel = None))]
        fn wait_for_session(pending_ref: String, timeout: f64, interval: Option<f64>, cancel: Option<CancellationToken>) using client =>
            {
                let options = wait::options(timeout, interval, cancel)?;
                op("descope.wait_for_session", move || async move {
                    client.wait_for_session(&Secret::new(pending_ref), &options).await
                }, session)
            };
        /// TOTP sign-up: the key to show the person.
        #[pyo3(signature = (login_id, user = None))]
        fn totp_sign_up(login_id: String, user: Option<UserDetails>) using client =>
            op("descope.totp_sign_up", move || async move {
                client.totp_sign_up(&login_id, user.as_ref().map(|u| &u.details)).await
            }, enrollment);
        /// Verifies a code from the person's authenticator app; a wrong code is
        /// `AuthenticationFailed`.
        #[pyo3(signature = (login_id, code, login_options = None))]
        fn totp_verify(login_id: String, code: String, login_options: Option<LoginOptions>) using client =>
            op("descope.totp_verify", move || async move {
                client.totp_verify(&login_id, &Secret::new(code), login_options.as_ref().map(|o| &o.options)).await
            }, session);
        /// Verifies a code as a step-up or second factor of the session `refresh_jwt` belongs to.
        fn totp_verify_for_session(login_id: String, code: String, login_options: LoginOptions, refresh_jwt: String) using client =>
            op("descope.totp_verify_for_session", move || async move {
                client.totp_verify_for_session(&login_id, &Secret::new(code), &login_options.options, &Secret::new(refresh_jwt)).await
            }, session);
        /// Adds or replaces the TOTP key of the signed-in user `refresh_jwt` belongs to.
        fn totp_update(login_id: String, refresh_jwt: String) using client =>
            op("descope.totp_update", move || async move {
                client.totp_update(&login_id, &Secret::new(refresh_jwt)).await
            }, enrollment);
        /// Checks a session JWT against the project's keys (fetched and cached); a refused one
        /// is `AuthenticationFailed` with `.session_rejection` saying why.
        fn validate_session(session_jwt: String) using client =>
            op("descope.validate_session", move || async move {
                client.validate_session(&Secret::new(session_jwt)).await
            }, claims);
    }
}
