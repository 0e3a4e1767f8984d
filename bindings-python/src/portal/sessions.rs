//! What the host and the browser see of a login: `LoginSession`, `RedeemedLogin` and
//! `PreRegisteredUser`.
//!
//! A login is known by its opaque browser handle only; the NoPass server's `authId` never
//! reaches Python (core keeps only its digest). The handle is what `redeem_login` takes, so a
//! `repr` (which ends up in logs) shows only its first characters, enough to tell sessions
//! apart.

use authbridge::nopass::{
    LoginSession as CoreSession, PreRegisteredUser as CorePreRegistered, RedeemedLogin as CoreRedeemed,
};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::enums;

/// The first characters of a handle, for a `repr`.
fn abbreviated(handle: &str) -> String {
    let start: String = handle.chars().take(6).collect();
    format!("'{start}…'")
}

/// A login (or a portal-started registration's session) as the portal keeps it.
#[pyclass(module = "authbridge", frozen)]
pub struct LoginSession {
    session: CoreSession,
    origin: Py<PyAny>,
    state: Py<PyAny>,
}

#[pymethods]
impl LoginSession {
    /// The opaque handle to give the browser (random; not the NoPass `authId`).
    #[getter]
    fn handle(&self) -> &str {
        &self.session.handle
    }
    /// The portal's own user id the login was requested (or the registration started) for.
    #[getter]
    fn user_id(&self) -> &str {
        &self.session.user_id
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
    /// When a pending login runs out, or an authorised one must be redeemed by.
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
    /// Nothing more can happen to it: redeemed, denied, closed or expired (an authorised
    /// session can still be redeemed or closed).
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
            "LoginSession(handle={}, user_id={:?}, state={}, pictures={}, version={})",
            abbreviated(&self.session.handle),
            self.session.user_id,
            self.state.bind(py).repr()?,
            self.session.pictures,
            self.session.version
        ))
    }
}

pub fn session(py: Python<'_>, session: CoreSession) -> PyResult<Py<PyAny>> {
    let origin = enums::session_origin(py, session.origin)?.unbind();
    let state = enums::session_state(py, session.state)?.unbind();
    Ok(Py::new(py, LoginSession { session, origin, state })?.into_any())
}

pub fn maybe_session(py: Python<'_>, found: Option<CoreSession>) -> PyResult<Py<PyAny>> {
    match found {
        Some(found) => session(py, found),
        None => Ok(py.None()),
    }
}

/// An authorised login, given once by `redeem_login`: sign `user_id` in.
#[pyclass(module = "authbridge", frozen)]
pub struct RedeemedLogin {
    login: CoreRedeemed,
    origin: Py<PyAny>,
}

#[pymethods]
impl RedeemedLogin {
    #[getter]
    fn handle(&self) -> &str {
        &self.login.handle
    }
    /// The portal's own user id (never a value the NoPass server supplied).
    #[getter]
    fn user_id(&self) -> &str {
        &self.login.user_id
    }
    #[getter]
    fn origin(&self, py: Python<'_>) -> Py<PyAny> {
        self.origin.clone_ref(py)
    }
    /// When the NoPass server authorised it (Unix milliseconds).
    #[getter]
    fn authorized_at_ms(&self) -> u64 {
        self.login.authorized_at_ms
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "RedeemedLogin(handle={}, user_id={:?}, origin={}, authorized_at_ms={})",
            abbreviated(&self.login.handle),
            self.login.user_id,
            self.origin.bind(py).repr()?,
            self.login.authorized_at_ms
        ))
    }
}

pub fn redeemed(py: Python<'_>, login: CoreRedeemed) -> PyResult<Py<PyAny>> {
    let origin = enums::session_origin(py, login.origin)?.unbind();
    Ok(Py::new(py, RedeemedLogin { login, origin })?.into_any())
}

/// A started user registration: send the user to `register_link`, give the browser `handle`
/// to wait on, and redeem it like a login once confirmed. `repr` hides `otp`.
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
    /// The browser handle of the session the registration authorises once confirmed.
    #[getter]
    fn handle(&self) -> &str {
        &self.user.handle
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
            "PreRegisteredUser(user_id={:?}, handle={}, otp='***', register_link={:?}, expires_at_ms={})",
            self.user.user_id,
            abbreviated(&self.user.handle),
            self.user.register_link,
            self.user.expires_at_ms
        )
    }
}

pub fn pre_registered(py: Python<'_>, user: CorePreRegistered) -> PyResult<Py<PyAny>> {
    Ok(Py::new(py, PreRegisteredUser { user })?.into_any())
}
