//! `Sandbox.nopass`: the NoPass server stand-in's control API, and its driver, which sends a
//! portal the callbacks the real NoPass server sends (blocking here, asyncio on `.aio`).

use std::sync::Arc;

use authbridge::sandbox::{CallbackReply, Sandbox as Core, SimPortal};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::json;
use crate::twin::{none, op, plain, twin_clients};

fn portal_dict(py: Python<'_>, portal: SimPortal) -> PyResult<Py<PyAny>> {
    let dict = PyDict::new(py);
    dict.set_item("portal_id", portal.portal_id)?;
    dict.set_item("auth_token", portal.auth_token)?;
    dict.set_item("s_code", portal.s_code)?;
    Ok(dict.into_any().unbind())
}

fn reply_dict(py: Python<'_>, reply: CallbackReply) -> PyResult<Py<PyAny>> {
    let dict = PyDict::new(py);
    dict.set_item("success", reply.is_success())?;
    dict.set_item("status", reply.status)?;
    dict.set_item("result", json::to_py(py, reply.result())?)?;
    dict.set_item("error_code", reply.error_code())?;
    dict.set_item("error_message", reply.error_message())?;
    dict.set_item("body", json::to_py(py, &reply.body)?)?;
    Ok(dict.into_any().unbind())
}

/// The NoPass server stand-in: its users and registrations, and (blocking) the callbacks it
/// sends to the portal at `set_portal_url(...)`. `.aio` has the same callbacks for asyncio.
#[pyclass(module = "authbridge", frozen)]
pub struct NoPassSandbox {
    inner: Arc<Core>,
}

/// The NoPass stand-in's callbacks for asyncio (for a portal served on the same loop).
#[pyclass(module = "authbridge", frozen)]
pub struct AsyncNoPassSandbox {
    inner: Arc<Core>,
}

impl NoPassSandbox {
    pub(super) fn new(inner: Arc<Core>) -> Self {
        Self { inner }
    }
}

twin_clients! {
    NoPassSandbox, AsyncNoPassSandbox,
    common {}
    sync {
        #[getter]
        fn aio(&self) -> AsyncNoPassSandbox {
            AsyncNoPassSandbox { inner: self.inner.clone() }
        }

        /// Where the portal's callbacks go (its base URL; the callback path is appended).
        fn set_portal_url(&self, url: &str) {
            self.inner.nopass().set_portal_url(url);
        }

        fn portal_url(&self) -> Option<String> {
            self.inner.nopass().portal_url()
        }

        /// A portal running as several replicas: each callback goes to the next URL in turn.
        fn set_portal_urls(&self, urls: Vec<String>) {
            let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
            self.inner.nopass().set_portal_urls(&urls);
        }

        /// Redelivers a callback up to `times` more times (to the next replica) when a replica
        /// cannot be reached or answers 503, as the NoPass server retries. 0 by default.
        fn set_redeliveries(&self, times: u32) {
            self.inner.nopass().set_redeliveries(times);
        }

        /// The portal as the stand-in registered it: `portal_id`, `auth_token`, `s_code`.
        fn registration(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
            self.inner.nopass().registration().map(|p| portal_dict(py, p)).transpose()
        }

        /// Takes the portal as registered without calling it (for a portal a test registered
        /// by handing it the callbacks itself, e.g. behind an access policy the stand-in's
        /// own calls cannot pass).
        fn set_registration(&self, portal_id: String, auth_token: String, s_code: String) {
            self.inner.nopass().set_registration(SimPortal { portal_id, auth_token, s_code });
        }

        /// Makes `user_id` a NoPass user who can log in.
        fn add_user(&self, user_id: &str) {
            self.inner.nopass().add_user(user_id);
        }

        fn has_user(&self, user_id: &str) -> bool {
            self.inner.nopass().has_user(user_id)
        }

        /// The PreRegisterUser the stand-in received for `user_id` (with its `otp`: a test
        /// double may show it).
        fn pre_registration(&self, py: Python<'_>, user_id: &str) -> PyResult<Option<Py<PyAny>>> {
            let Some(p) = self.inner.nopass().pre_registration(user_id) else { return Ok(None) };
            let dict = PyDict::new(py);
            dict.set_item("user_id", p.user_id)?;
            dict.set_item("otp", p.otp)?;
            dict.set_item("register_link", p.register_link)?;
            dict.set_item("client_ip", p.client_ip)?;
            dict.set_item("redirect_url", p.redirect_url)?;
            dict.set_item("given_name", p.given_name)?;
            dict.set_item("sur_name", p.sur_name)?;
            dict.set_item("phone_number", p.phone_number)?;
            dict.set_item("email", p.email)?;
            Ok(Some(dict.into_any().unbind()))
        }

        /// The `authId` of the last login started for `user_id`.
        fn last_auth_id(&self, user_id: &str) -> Option<String> {
            self.inner.nopass().last_auth_id(user_id)
        }

        /// The user a login `auth_id` belongs to.
        fn login_user(&self, auth_id: &str) -> Option<String> {
            self.inner.nopass().login_user(auth_id)
        }
    }
    async {}
    ops {
        /// POSTs `body` (a dict) to the portal's callback `callback` and returns the answer.
        fn send(callback: String, body: Bound<'_, PyAny>) using core =>
            {
                let body = json::from_py(&body)?;
                op("sandbox.nopass.send", move || async move { core.nopass().send(&callback, &body).await }, reply_dict)
            };
        /// Registers the portal as the NoPass console does (ConfirmPreRegistration, then
        /// ConfirmRegistration); returns `portal_id`, `auth_token`, `s_code`.
        fn register_portal(admin_id: String) using core =>
            op("sandbox.nopass.register_portal", move || async move { core.nopass().register_portal(&admin_id).await }, portal_dict);
        /// Completes the registration `user_id` started with PreRegisterUser; returns the
        /// session's `authId`.
        fn complete_user_registration(user_id: String) using core =>
            op("sandbox.nopass.complete_user_registration", move || async move {
                core.nopass().complete_user_registration(&user_id).await
            }, plain);
        /// A registration the NoPass server starts itself; returns the session's `authId`.
        #[pyo3(signature = (login, email = None))]
        fn register_user_from_server(login: String, email: Option<String>) using core =>
            op("sandbox.nopass.register_user_from_server", move || async move {
                core.nopass().register_user_from_server(&login, email.as_deref()).await
            }, plain);
        fn update_picture(auth_id: String) using core =>
            op("sandbox.nopass.update_picture", move || async move { core.nopass().update_picture(&auth_id).await }, reply_dict);
        #[pyo3(signature = (auth_id, authorized, reason = None))]
        fn authorize(auth_id: String, authorized: bool, reason: Option<String>) using core =>
            op("sandbox.nopass.authorize", move || async move {
                core.nopass().authorize(&auth_id, authorized, reason.as_deref()).await
            }, reply_dict);
        /// A whole login: `pictures` UpdatePictures, then the decision.
        fn drive_login(auth_id: String, pictures: u32, authorized: bool) using core =>
            op("sandbox.nopass.drive_login", move || async move {
                core.nopass().drive_login(&auth_id, pictures, authorized).await
            }, none);
        fn close_session(auth_id: String) using core =>
            op("sandbox.nopass.close_session", move || async move { core.nopass().close_session(&auth_id).await }, reply_dict);
        /// UpdateUser with `updates` shaped as the seed does (`{"givenName": {"newValue": ...}}`).
        fn update_user(user_id: String, updates: Bound<'_, PyAny>) using core =>
            {
                let updates = json::from_py(&updates)?;
                op("sandbox.nopass.update_user", move || async move { core.nopass().update_user(&user_id, updates).await }, reply_dict)
            };
        fn delete_user(user_id: String) using core =>
            op("sandbox.nopass.delete_user", move || async move { core.nopass().delete_user(&user_id).await }, reply_dict);
        /// AddUsers with `users` (a list of `{givenName, surName, phoneNumber, email, login,
        /// isUseEmailAsLogin}` dicts).
        fn add_users(users: Bound<'_, PyAny>) using core =>
            {
                let users = json::from_py(&users)?;
                op("sandbox.nopass.add_users", move || async move { core.nopass().add_users(users).await }, reply_dict)
            };
        fn disable_service() using core =>
            op("sandbox.nopass.disable_service", move || async move { core.nopass().disable_service().await }, reply_dict);
    }
}
