//! `authbridge.NevisClient` (blocking) and its `.aio` twin, over core's `nevis::NevisClient`.

use std::sync::Arc;

use authbridge::nevis::{LoginStatus as CoreLoginStatus, NevisAuth, NevisClient as Core, NevisConfig};
use authbridge::Secret;
use pyo3::prelude::*;

use crate::closing::{closable_methods, Closable};
use crate::errors::IntoPyResult;
use crate::transport::{self, TransportOptions};
use crate::{aio, blocking, enums};

/// A successful login's status (`statusCode` 5).
#[pyclass(module = "authbridge", frozen, get_all)]
pub struct LoginStatus {
    /// `LoginStatusCode.OK`.
    status: Py<PyAny>,
    /// The numeric `statusCode`.
    code: i64,
    description: String,
}

#[pymethods]
impl LoginStatus {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "LoginStatus(status={}, code={}, description={})",
            self.status.bind(py).repr()?,
            self.code,
            pyo3::types::PyString::new(py, &self.description).repr()?
        ))
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(other) = other.cast::<LoginStatus>() else { return Ok(false) };
        let other = other.get();
        Ok(self.code == other.code && self.description == other.description && self.status.bind(py).eq(&other.status)?)
    }
}

fn login_status(py: Python<'_>, status: CoreLoginStatus) -> PyResult<Py<PyAny>> {
    let value = LoginStatus {
        status: enums::login_status_code(py, status.status)?.unbind(),
        code: status.status.code(),
        description: status.description,
    };
    Ok(Py::new(py, value)?.into_any())
}

fn build(
    base_url: &str,
    bearer: Option<String>,
    basic: Option<(String, String)>,
    header: Option<(String, String)>,
    client_certificate_pem: Option<Vec<u8>>,
    transport: Option<&TransportOptions>,
) -> PyResult<Arc<Core>> {
    let given = [bearer.is_some(), basic.is_some(), header.is_some(), client_certificate_pem.is_some()];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(crate::errors::to_py(authbridge::Error::invalid(
            "auth",
            "give at most one of bearer, basic, header and client_certificate_pem",
        )));
    }
    let auth = if let Some(token) = bearer {
        NevisAuth::Bearer(Secret::new(token))
    } else if let Some((username, password)) = basic {
        NevisAuth::Basic { username, password: Secret::new(password) }
    } else if let Some((name, value)) = header {
        let name = http_header_name(&name)?;
        NevisAuth::Header { name, value: Secret::new(value) }
    } else if let Some(pem) = transport::identity(client_certificate_pem) {
        NevisAuth::ClientCertificate(pem)
    } else {
        NevisAuth::None
    };
    let config = NevisConfig::new(base_url).py_err()?.auth(auth).transport(transport::config(transport));
    Ok(Arc::new(Core::new(config).py_err()?))
}

fn http_header_name(name: &str) -> PyResult<http::HeaderName> {
    http::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| crate::errors::to_py(authbridge::Error::invalid("header", "must be a valid HTTP header name")))
}

/// What a call on a closed client names.
const WHAT: &str = "the nevisIDM client";

/// nevisIDM Authentication API client. Thread-safe: share one instance.
#[pyclass(module = "authbridge", frozen)]
pub struct NevisClient {
    inner: Closable<Core>,
}

closable_methods! { sync NevisClient {
    #[new]
    #[pyo3(signature = (base_url, *, bearer = None, basic = None, header = None, client_certificate_pem = None, transport = None))]
    fn new(
        base_url: &str,
        bearer: Option<String>,
        basic: Option<(String, String)>,
        header: Option<(String, String)>,
        client_certificate_pem: Option<Vec<u8>>,
        transport: Option<PyRef<'_, TransportOptions>>,
    ) -> PyResult<Self> {
        let inner = build(base_url, bearer, basic, header, client_certificate_pem, transport.as_deref())?;
        Ok(Self { inner: Closable::new(WHAT, inner) })
    }

    /// The asyncio twin of this client, sharing its connection pool.
    #[getter]
    fn aio(&self) -> AsyncNevisClient {
        AsyncNevisClient { inner: self.inner.twin() }
    }

    fn recovery_code_login(
        &self,
        py: Python<'_>,
        client_ext_id: &str,
        user_ext_id: &str,
        code: String,
    ) -> PyResult<()> {
        let (client, code) = (self.inner.get()?, Secret::new(code));
        blocking::wait(py, || client.recovery_code_login(client_ext_id, user_ext_id, &code))
    }

    fn password_login(
        &self,
        py: Python<'_>,
        client_ext_id: &str,
        user_ext_id: &str,
        password: String,
    ) -> PyResult<Py<PyAny>> {
        let (client, password) = (self.inner.get()?, Secret::new(password));
        let status = blocking::wait(py, || client.password_login(client_ext_id, user_ext_id, &password))?;
        login_status(py, status)
    }

    fn device_password_login(
        &self,
        py: Python<'_>,
        client_ext_id: &str,
        user_ext_id: &str,
        credential_ext_id: &str,
        password: String,
    ) -> PyResult<Py<PyAny>> {
        let (client, password) = (self.inner.get()?, Secret::new(password));
        let status = blocking::wait(py, || {
            client.device_password_login(client_ext_id, user_ext_id, credential_ext_id, &password)
        })?;
        login_status(py, status)
    }

    fn context_password_login(
        &self,
        py: Python<'_>,
        client_ext_id: &str,
        user_ext_id: &str,
        context: &str,
        password: String,
    ) -> PyResult<Py<PyAny>> {
        let (client, password) = (self.inner.get()?, Secret::new(password));
        let status =
            blocking::wait(py, || client.context_password_login(client_ext_id, user_ext_id, context, &password))?;
        login_status(py, status)
    }

    fn __repr__(&self) -> String {
        "NevisClient(...)".to_string()
    }
}}

/// The asyncio nevisIDM client: every method returns an awaitable.
#[pyclass(module = "authbridge", frozen)]
pub struct AsyncNevisClient {
    inner: Closable<Core>,
}

closable_methods! { async AsyncNevisClient {
    #[new]
    #[pyo3(signature = (base_url, *, bearer = None, basic = None, header = None, client_certificate_pem = None, transport = None))]
    fn new(
        base_url: &str,
        bearer: Option<String>,
        basic: Option<(String, String)>,
        header: Option<(String, String)>,
        client_certificate_pem: Option<Vec<u8>>,
        transport: Option<PyRef<'_, TransportOptions>>,
    ) -> PyResult<Self> {
        let inner = build(base_url, bearer, basic, header, client_certificate_pem, transport.as_deref())?;
        Ok(Self { inner: Closable::new(WHAT, inner) })
    }

    fn recovery_code_login(&self, client_ext_id: String, user_ext_id: String, code: String) -> PyResult<aio::Call> {
        let client = self.inner.get()?;
        let code = Secret::new(code);
        Ok(aio::call(
            "nevis.recovery_code_login",
            move || async move { client.recovery_code_login(&client_ext_id, &user_ext_id, &code).await },
            aio::none,
        ))
    }

    fn password_login(&self, client_ext_id: String, user_ext_id: String, password: String) -> PyResult<aio::Call> {
        let client = self.inner.get()?;
        let password = Secret::new(password);
        Ok(aio::call(
            "nevis.password_login",
            move || async move { client.password_login(&client_ext_id, &user_ext_id, &password).await },
            login_status,
        ))
    }

    fn device_password_login(
        &self,
        client_ext_id: String,
        user_ext_id: String,
        credential_ext_id: String,
        password: String,
    ) -> PyResult<aio::Call> {
        let client = self.inner.get()?;
        let password = Secret::new(password);
        Ok(aio::call(
            "nevis.device_password_login",
            move || async move {
                client.device_password_login(&client_ext_id, &user_ext_id, &credential_ext_id, &password).await
            },
            login_status,
        ))
    }

    fn context_password_login(
        &self,
        client_ext_id: String,
        user_ext_id: String,
        context: String,
        password: String,
    ) -> PyResult<aio::Call> {
        let client = self.inner.get()?;
        let password = Secret::new(password);
        Ok(aio::call(
            "nevis.context_password_login",
            move || async move { client.context_password_login(&client_ext_id, &user_ext_id, &context, &password).await },
            login_status,
        ))
    }

    fn __repr__(&self) -> String {
        "AsyncNevisClient(...)".to_string()
    }
}}
