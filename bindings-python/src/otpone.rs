//! OtpOne: `OtpOneServer` (server key) and `OtpOneClient` (client key), blocking and asyncio,
//! over core's `otpone`. The two keys are different types in core and cannot be swapped: a
//! client key given to the server class is refused (`InvalidInput`) before anything is sent.

use std::collections::HashMap;
use std::time::Duration;

use authbridge::otpone::{
    ClientKey, OtpOneClient as CoreClient, OtpOneConfig, OtpOneServer as CoreServer, PageType, RequestType,
    Transaction as CoreTransaction, Validation as CoreValidation,
};
use authbridge::Secret;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::closing::Closable;
use crate::errors::IntoPyResult;
use crate::transport::{self, TransportOptions};
use crate::twin::{op, plain, twin_clients};
use crate::wait::{self, CancellationToken};
use crate::{enums, json};

/// A transaction opened by getTransactionID: keep it (or its `user_mail`) with the session.
#[pyclass(module = "authbridge", frozen, get_all, name = "OtpOneTransaction")]
pub struct Transaction {
    id: String,
    user_mail: String,
    request_type: Py<PyAny>,
}

#[pymethods]
impl Transaction {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "OtpOneTransaction(id={:?}, user_mail={:?}, request_type={})",
            self.id,
            self.user_mail,
            self.request_type.bind(py).repr()?
        ))
    }
}

fn transaction(py: Python<'_>, t: CoreTransaction) -> PyResult<Py<PyAny>> {
    let value = Transaction {
        request_type: enums::request_type(py, t.request_type)?.unbind(),
        id: t.id,
        user_mail: t.user_mail,
    };
    Ok(Py::new(py, value)?.into_any())
}

/// A validation OtpOne reported valid for the expected user. `repr` hides `private_token`.
#[pyclass(module = "authbridge", frozen, name = "OtpOneValidation")]
pub struct Validation {
    validation: CoreValidation,
    fields: Py<PyAny>,
}

#[pymethods]
impl Validation {
    /// `UserValided`: who validated.
    #[getter]
    fn user_valided(&self) -> &str {
        &self.validation.user_valided
    }

    /// `privateToken` the server attached (distributed requests); a secret.
    #[getter]
    fn private_token(&self) -> Option<&str> {
        self.validation.private_token.as_ref().map(Secret::expose)
    }

    #[getter]
    fn message(&self) -> Option<&str> {
        self.validation.message.as_deref()
    }

    /// Every other field of the answer, as sent.
    #[getter]
    fn fields(&self, py: Python<'_>) -> Py<PyAny> {
        self.fields.clone_ref(py)
    }

    fn __repr__(&self) -> String {
        format!(
            "OtpOneValidation(user_valided={:?}, private_token={}, message={:?})",
            self.validation.user_valided,
            if self.validation.private_token.is_some() { "'***'" } else { "None" },
            self.validation.message
        )
    }
}

fn validation(py: Python<'_>, validation: CoreValidation) -> PyResult<Py<PyAny>> {
    let fields = json::object_to_py(py, &validation.fields)?;
    Ok(Py::new(py, Validation { validation, fields })?.into_any())
}

fn config(
    base_url: Option<&str>,
    send_request_timeout: Option<f64>,
    paths: Option<HashMap<String, String>>,
    params: Option<HashMap<String, String>>,
    transport: Option<&TransportOptions>,
) -> PyResult<OtpOneConfig> {
    let mut config = match base_url {
        Some(url) => OtpOneConfig::new(url).py_err()?,
        None => OtpOneConfig::default(),
    };
    if let Some(timeout) = send_request_timeout {
        let timeout = Duration::try_from_secs_f64(timeout)
            .map_err(|_| PyValueError::new_err("send_request_timeout must be a non-negative number of seconds"))?;
        config = config.send_request_timeout(timeout);
    }
    for (name, value) in paths.unwrap_or_default() {
        let p = &mut config.paths;
        let slot = match name.as_str() {
            "get_transaction_id" => &mut p.get_transaction_id,
            "get_html" => &mut p.get_html,
            "verify_token" => &mut p.verify_token,
            "is_finish" => &mut p.is_finish,
            "get_result" => &mut p.get_result,
            "send_request" => &mut p.send_request,
            other => return Err(PyValueError::new_err(format!("unknown OtpOne path {other:?}"))),
        };
        *slot = value;
    }
    for (name, value) in params.unwrap_or_default() {
        let p = &mut config.params;
        let slot = match name.as_str() {
            "srv_api_key" => &mut p.srv_api_key,
            "js_api_key" => &mut p.js_api_key,
            "user_mail" => &mut p.user_mail,
            "request_type" => &mut p.request_type,
            "message" => &mut p.message,
            "private_token" => &mut p.private_token,
            "transaction_id" => &mut p.transaction_id,
            "page_type" => &mut p.page_type,
            "form_id" => &mut p.form_id,
            "user_ip" => &mut p.user_ip,
            "os_type" => &mut p.os_type,
            "app_name" => &mut p.app_name,
            "token" => &mut p.token,
            other => return Err(PyValueError::new_err(format!("unknown OtpOne parameter {other:?}"))),
        };
        *slot = value;
    }
    Ok(config.transport(transport::config(transport)))
}

/// OtpOne with the server key (`SRV-…`): opens transactions, renders GetHTML, verifies
/// tokens, sends server-only requests. Blocking; thread-safe.
#[pyclass(module = "authbridge", frozen)]
pub struct OtpOneServer {
    inner: Closable<CoreServer>,
}

/// OtpOne server-key client for asyncio.
#[pyclass(module = "authbridge", frozen)]
pub struct AsyncOtpOneServer {
    inner: Closable<CoreServer>,
}

twin_clients! {
    OtpOneServer, AsyncOtpOneServer,
    common {
        /// `paths` and `params` override the operation paths and query parameter names
        /// (keys as core names them: `get_html`, `srv_api_key`, …) for gateways that differ.
        #[new]
        #[pyo3(signature = (server_key, *, base_url = None, send_request_timeout = None, paths = None, params = None, transport = None))]
        fn new(
            server_key: String,
            base_url: Option<&str>,
            send_request_timeout: Option<f64>,
            paths: Option<HashMap<String, String>>,
            params: Option<HashMap<String, String>>,
            transport: Option<PyRef<'_, TransportOptions>>,
        ) -> PyResult<Self> {
            let config = config(base_url, send_request_timeout, paths, params, transport.as_deref())?;
            let key = authbridge::otpone::ServerKey::new(server_key).py_err()?;
            Ok(Self { inner: Closable::new("the OtpOne server-key client", CoreServer::new(config, key).py_err()?) })
        }
    }
    sync {
        /// The asyncio twin of this client, sharing its connection pool.
        #[getter]
        fn aio(&self) -> AsyncOtpOneServer {
            AsyncOtpOneServer { inner: self.inner.twin() }
        }

        fn __repr__(&self) -> String {
            "OtpOneServer(server_key='***')".to_string()
        }
    }
    async {
        fn __repr__(&self) -> String {
            "AsyncOtpOneServer(server_key='***')".to_string()
        }
    }
    ops {
        /// getTransactionID: opens a transaction for `user_mail` (`private_token` is handed
        /// to the client side with the result of a distributed request).
        #[pyo3(signature = (user_mail, request_type, message, private_token = None))]
        fn get_transaction_id(user_mail: String, request_type: String, message: String, private_token: Option<String>) using server =>
            {
                let request_type = RequestType::from_name(&request_type).py_err()?;
                op("otpone.get_transaction_id", move || async move {
                    let token = private_token.map(Secret::new);
                    server.get_transaction_id(&user_mail, request_type, &message, token.as_ref()).await
                }, transaction)
            };
        /// GetHTML: the fragment to write into the page.
        fn get_html(transaction_id: String, page_type: String, form_id: String) using server =>
            {
                let page_type = PageType::from_name(&page_type).py_err()?;
                op("otpone.get_html", move || async move {
                    server.get_html(&transaction_id, page_type, &form_id).await
                }, plain)
            };
        /// VerifyToken: the token the page received; `UserValided` must be `expected_user`.
        fn verify_token(token: String, expected_user: String) using server =>
            op("otpone.verify_token", move || async move {
                server.verify_token(&Secret::new(token), &expected_user).await
            }, validation);
        /// SendRequest (server only): asks and answers in one call of up to about two minutes.
        fn send_request(user_mail: String, request_type: String, message: String, user_ip: String, os_type: String, app_name: String) using server =>
            {
                let request_type = RequestType::from_name(&request_type).py_err()?;
                op("otpone.send_request", move || async move {
                    server.send_request(&user_mail, request_type, &message, &user_ip, &os_type, &app_name).await
                }, validation)
            };
    }
}

/// OtpOne with the client key (`JS-…`): waits for and reads a distributed request's result.
/// Blocking; thread-safe.
#[pyclass(module = "authbridge", frozen)]
pub struct OtpOneClient {
    inner: Closable<CoreClient>,
}

/// OtpOne client-key client for asyncio.
#[pyclass(module = "authbridge", frozen)]
pub struct AsyncOtpOneClient {
    inner: Closable<CoreClient>,
}

twin_clients! {
    OtpOneClient, AsyncOtpOneClient,
    common {
        #[new]
        #[pyo3(signature = (client_key, *, base_url = None, paths = None, params = None, transport = None))]
        fn new(
            client_key: String,
            base_url: Option<&str>,
            paths: Option<HashMap<String, String>>,
            params: Option<HashMap<String, String>>,
            transport: Option<PyRef<'_, TransportOptions>>,
        ) -> PyResult<Self> {
            let config = config(base_url, None, paths, params, transport.as_deref())?;
            let key = ClientKey::new(client_key).py_err()?;
            Ok(Self { inner: Closable::new("the OtpOne client-key client", CoreClient::new(config, key).py_err()?) })
        }
    }
    sync {
        /// The asyncio twin of this client, sharing its connection pool.
        #[getter]
        fn aio(&self) -> AsyncOtpOneClient {
            AsyncOtpOneClient { inner: self.inner.twin() }
        }

        fn __repr__(&self) -> String {
            "OtpOneClient(client_key='***')".to_string()
        }
    }
    async {
        fn __repr__(&self) -> String {
            "AsyncOtpOneClient(client_key='***')".to_string()
        }
    }
    ops {
        /// IsFinish: whether the person has answered.
        fn is_finish(transaction_id: String) using client =>
            op("otpone.is_finish", move || async move { client.is_finish(&transaction_id).await }, plain);
        /// GetResult: the validation (refused unless valid, and for `expected_user` when given).
        #[pyo3(signature = (transaction_id, expected_user = None))]
        fn get_result(transaction_id: String, expected_user: Option<String>) using client =>
            op("otpone.get_result", move || async move {
                client.get_result(&transaction_id, expected_user.as_deref()).await
            }, validation);
        /// Polls IsFinish (at least 1 s apart) until answered, then GetResult; `Timeout` at the
        /// deadline, `Cancelled` by `cancel` or task cancellation, `AuthenticationFailed` when
        /// the person denied.
        #[pyo3(signature = (transaction_id, expected_user = None, *, timeout = 300.0, interval = None, cancel = None))]
        fn wait_for_result(transaction_id: String, expected_user: Option<String>, timeout: f64, interval: Option<f64>, cancel: Option<CancellationToken>) using client =>
            {
                let options = wait::options(timeout, interval, cancel)?;
                op("otpone.wait_for_result", move || async move {
                    client.wait_for_result(&transaction_id, expected_user.as_deref(), &options).await
                }, validation)
            };
    }
}
