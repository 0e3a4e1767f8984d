//! `authbridge.AuthxClient` (blocking) and `AsyncAuthxClient`, over core's `authx::AuthxClient`,
//! with the ProcessBiometric framing encoder on its own (`BiometricFrame`).

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use authbridge::authx::{
    AccessToken as CoreToken, AuthxClient as Core, AuthxConfig, BiometricApp as CoreApp, BiometricCall as CoreCall,
    BiometricData, BiometricFrame as CoreFrame, BiometricResult as CoreResult, DeviceData as CoreDevice, FrameStream,
    PinVerification as CorePin, UserProfile as CoreProfile,
};
use authbridge::Secret;
use futures_util::StreamExt;
use pyo3::exceptions::{PyRuntimeError, PyStopIteration, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::closing::Closable;
use crate::errors::IntoPyResult;
use crate::transport::{self, TransportOptions};
use crate::twin::{none, op, plain, twin_clients};
use crate::{blocking, enums};

fn seconds(name: &str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| PyValueError::new_err(format!("{name} must be a non-negative number of seconds")))
}

/// The biometric application: `application_parameters` of every ProcessBiometric call.
#[pyclass(module = "authbridge", frozen, from_py_object)]
#[derive(Clone)]
pub struct BiometricApp {
    app: CoreApp,
}

#[pymethods]
impl BiometricApp {
    #[new]
    fn new(application_key: String, secret_key: String, host_name: &str) -> Self {
        Self { app: CoreApp::new(application_key, secret_key, host_name) }
    }

    #[getter]
    fn host_name(&self) -> &str {
        &self.app.host_name
    }

    fn __repr__(&self) -> String {
        format!("BiometricApp(application_key='***', secret_key='***', host_name={:?})", self.app.host_name)
    }
}

/// A user for AddUser / UpdateUser (the seed's field rules are checked before sending).
#[pyclass(module = "authbridge", frozen, get_all, from_py_object)]
#[derive(Clone)]
pub struct UserProfile {
    user_name: String,
    email: String,
    first_name: String,
    last_name: String,
    number: String,
    country_code: Option<String>,
    aliases: Vec<Option<String>>,
}

#[pymethods]
impl UserProfile {
    #[new]
    #[pyo3(signature = (user_name, email, first_name, last_name, number, *, country_code = None, aliases = Vec::new()))]
    fn new(
        user_name: String,
        email: String,
        first_name: String,
        last_name: String,
        number: String,
        country_code: Option<String>,
        aliases: Vec<Option<String>>,
    ) -> PyResult<Self> {
        if aliases.len() > 5 {
            return Err(crate::errors::to_py(authbridge::Error::invalid("alias_name", "at most 5 aliases")));
        }
        Ok(Self { user_name, email, first_name, last_name, number, country_code, aliases })
    }

    fn __repr__(&self) -> String {
        format!(
            "UserProfile(user_name={:?}, email={:?}, first_name={:?}, last_name={:?}, number={:?})",
            self.user_name, self.email, self.first_name, self.last_name, self.number
        )
    }
}

impl UserProfile {
    fn core(&self) -> authbridge::Result<CoreProfile> {
        let mut profile =
            CoreProfile::new(&self.user_name, &self.email, &self.first_name, &self.last_name, &self.number);
        if let Some(code) = &self.country_code {
            profile = profile.country_code(code);
        }
        for (index, alias) in self.aliases.iter().enumerate() {
            if let Some(alias) = alias {
                profile = profile.alias(index, alias)?;
            }
        }
        Ok(profile)
    }
}

/// `device_data` of a ProcessBiometric call; the defaults describe the calling program.
#[pyclass(module = "authbridge", frozen, from_py_object)]
#[derive(Clone)]
pub struct DeviceData {
    device: CoreDevice,
}

#[pymethods]
impl DeviceData {
    #[new]
    #[pyo3(signature = (*, browser_name = None, os = None, os_version = None, browser_version = None, device_name = None, ip = None, src_user_id = 0))]
    fn new(
        browser_name: Option<String>,
        os: Option<String>,
        os_version: Option<String>,
        browser_version: Option<String>,
        device_name: Option<String>,
        ip: Option<String>,
        src_user_id: i64,
    ) -> Self {
        let mut device = CoreDevice::default();
        let set = |slot: &mut String, value: Option<String>| {
            if let Some(value) = value {
                *slot = value;
            }
        };
        set(&mut device.browser_name, browser_name);
        set(&mut device.os, os);
        set(&mut device.os_version, os_version);
        set(&mut device.browser_version, browser_version);
        set(&mut device.device_name, device_name);
        set(&mut device.ip, ip);
        device.src_user_id = src_user_id;
        Self { device }
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.device)
    }
}

/// One ProcessBiometric call: whose sample, which biometric, what to do with it.
#[pyclass(module = "authbridge", frozen, from_py_object)]
#[derive(Clone)]
pub struct BiometricCall {
    call: CoreCall,
}

#[pymethods]
impl BiometricCall {
    #[new]
    #[pyo3(signature = (user_guid, kind, process, *, correlation_id = None, device_data = None, src_user_id = 0))]
    fn new(
        user_guid: &str,
        kind: &str,
        process: &str,
        correlation_id: Option<String>,
        device_data: Option<DeviceData>,
        src_user_id: i64,
    ) -> PyResult<Self> {
        let mut call =
            CoreCall::new(user_guid, enums::biometric_kind_from(kind)?, enums::biometric_process_from(process)?);
        call.correlation_id = correlation_id;
        if let Some(device) = device_data {
            call.device_data = device.device;
        }
        call.src_user_id = src_user_id;
        Ok(Self { call })
    }

    #[getter]
    fn user_guid(&self) -> &str {
        &self.call.user
    }

    #[getter]
    fn kind<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        enums::biometric_kind(py, self.call.kind)
    }

    #[getter]
    fn process<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        enums::biometric_process(py, self.call.process)
    }

    #[getter]
    fn correlation_id(&self) -> Option<&str> {
        self.call.correlation_id.as_deref()
    }

    fn __repr__(&self) -> String {
        format!(
            "BiometricCall(user_guid={:?}, kind={}, process={}, correlation_id={:?})",
            self.call.user,
            self.call.kind.as_str(),
            self.call.process.as_str(),
            self.call.correlation_id
        )
    }
}

/// The sample: `bytes` (kept in memory, wiped after use) or a path (streamed from disk).
#[derive(FromPyObject)]
pub enum Sample {
    Bytes(Vec<u8>),
    Path(PathBuf),
}

impl Sample {
    async fn open(self) -> authbridge::Result<BiometricData> {
        match self {
            Sample::Bytes(bytes) => Ok(BiometricData::bytes(bytes)),
            Sample::Path(path) => BiometricData::file(path).await,
        }
    }
}

/// An AuthX access token. `repr` never shows the token; read it with `.access_token`.
#[pyclass(module = "authbridge", frozen)]
pub struct AccessToken {
    token: CoreToken,
}

#[pymethods]
impl AccessToken {
    /// The bearer token itself (a secret: do not log it).
    #[getter]
    fn access_token(&self) -> &str {
        self.token.access_token.expose()
    }

    #[getter]
    fn token_type(&self) -> &str {
        &self.token.token_type
    }

    /// Seconds the token lives from when it was issued (`expires_in`).
    #[getter]
    fn expires_in(&self) -> f64 {
        self.token.expires_in.as_secs_f64()
    }

    #[getter]
    fn company_id(&self) -> Option<&str> {
        self.token.company_id.as_deref()
    }

    #[getter]
    fn issued(&self) -> Option<&str> {
        self.token.issued.as_deref()
    }

    #[getter]
    fn expires(&self) -> Option<&str> {
        self.token.expires.as_deref()
    }

    fn __repr__(&self) -> String {
        format!(
            "AccessToken(access_token='***', token_type={:?}, expires_in={}, company_id={:?})",
            self.token.token_type,
            self.token.expires_in.as_secs_f64(),
            self.token.company_id
        )
    }
}

fn access_token(py: Python<'_>, token: CoreToken) -> PyResult<Py<PyAny>> {
    Ok(Py::new(py, AccessToken { token })?.into_any())
}

/// The answer of VerifyPin: a wrong PIN is an answer (`verified` False), not an error.
#[pyclass(module = "authbridge", frozen, get_all)]
pub struct PinVerification {
    verified: bool,
    /// `response_subcode` of a refused PIN.
    subcode: Option<i64>,
    /// `response_text` of a refused PIN.
    message: Option<String>,
}

#[pymethods]
impl PinVerification {
    fn __bool__(&self) -> bool {
        self.verified
    }

    fn __repr__(&self) -> String {
        format!("PinVerification(verified={}, subcode={:?}, message={:?})", self.verified, self.subcode, self.message)
    }
}

fn pin_verification(py: Python<'_>, pin: CorePin) -> PyResult<Py<PyAny>> {
    let value = match pin {
        CorePin::Verified => PinVerification { verified: true, subcode: None, message: None },
        CorePin::Rejected { subcode, message } => PinVerification { verified: false, subcode: Some(subcode), message },
    };
    Ok(Py::new(py, value)?.into_any())
}

/// The answer of one ProcessBiometric call.
#[pyclass(module = "authbridge", frozen, get_all)]
pub struct BiometricResult {
    outcome: Py<PyAny>,
    /// `response_code`.
    code: i64,
    subcode: i64,
    message: Option<String>,
    correlation_id: String,
}

#[pymethods]
impl BiometricResult {
    #[getter]
    fn success(&self) -> bool {
        self.code == 1
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "BiometricResult(outcome={}, code={}, subcode={}, message={:?}, correlation_id={:?})",
            self.outcome.bind(py).repr()?,
            self.code,
            self.subcode,
            self.message,
            self.correlation_id
        ))
    }
}

fn biometric_result(py: Python<'_>, result: CoreResult) -> PyResult<Py<PyAny>> {
    let value = BiometricResult {
        outcome: enums::biometric_outcome(py, result.outcome)?.unbind(),
        code: result.outcome.code(),
        subcode: result.subcode,
        message: result.message,
        correlation_id: result.correlation_id,
    };
    Ok(Py::new(py, value)?.into_any())
}

/// A framed ProcessBiometric body, for hosts that send it with their own HTTP stack: set
/// `Content-Type` to `content_type` (and `Content-Length` when known), then send the chunks
/// of `chunks()` (streamed: the sample is read as you iterate) or the bytes of `read()`.
#[pyclass(module = "authbridge", frozen)]
pub struct BiometricFrame {
    content_type: String,
    boundary: String,
    correlation_id: String,
    content_length: Option<u64>,
    frame: Mutex<Option<CoreFrame>>,
}

impl BiometricFrame {
    fn wrap(frame: CoreFrame) -> Self {
        Self {
            content_type: frame.content_type(),
            boundary: frame.boundary().to_string(),
            correlation_id: frame.correlation_id().to_string(),
            content_length: frame.content_length(),
            frame: Mutex::new(Some(frame)),
        }
    }

    fn take(&self) -> PyResult<CoreFrame> {
        self.frame
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .ok_or_else(|| PyRuntimeError::new_err("the frame's body was already read"))
    }
}

#[pymethods]
impl BiometricFrame {
    /// Frames `data` for `call` on behalf of `app`; `data_content_type` types the sample part.
    #[staticmethod]
    #[pyo3(signature = (app, call, data, data_content_type = "application/octet-stream"))]
    fn new(
        py: Python<'_>,
        app: BiometricApp,
        call: BiometricCall,
        data: Sample,
        data_content_type: &str,
    ) -> PyResult<Self> {
        let content_type = data_content_type.to_string();
        let frame = blocking::wait(py, move || async move {
            CoreFrame::with_content_type(&app.app, &call.call, data.open().await?, &content_type)
        })?;
        Ok(Self::wrap(frame))
    }

    #[getter]
    fn content_type(&self) -> &str {
        &self.content_type
    }

    #[getter]
    fn boundary(&self) -> &str {
        &self.boundary
    }

    #[getter]
    fn correlation_id(&self) -> &str {
        &self.correlation_id
    }

    #[getter]
    fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The whole body as bytes (holds the entire sample in memory).
    fn read<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let frame = self.take()?;
        let body = blocking::wait(py, move || frame.into_bytes())?;
        Ok(PyBytes::new(py, &body))
    }

    /// The body as an iterator of `bytes` chunks, read as it is iterated.
    fn chunks(&self) -> PyResult<FrameChunks> {
        let frame = self.take()?;
        Ok(FrameChunks { stream: Arc::new(tokio::sync::Mutex::new(frame.into_stream())) })
    }

    fn __repr__(&self) -> String {
        format!(
            "BiometricFrame(content_type={:?}, content_length={:?}, correlation_id={:?})",
            self.content_type, self.content_length, self.correlation_id
        )
    }
}

/// Iterator over a frame's chunks.
#[pyclass(module = "authbridge", frozen)]
pub struct FrameChunks {
    stream: Arc<tokio::sync::Mutex<FrameStream>>,
}

#[pymethods]
impl FrameChunks {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let stream = self.stream.clone();
        let chunk = blocking::wait(py, move || async move {
            match stream.lock().await.next().await {
                Some(Ok(chunk)) => Ok(Some(chunk)),
                Some(Err(error)) => Err(authbridge::Error::Io(error)),
                None => Ok(None),
            }
        })?;
        match chunk {
            Some(chunk) => Ok(PyBytes::new(py, &chunk)),
            None => Err(PyStopIteration::new_err(())),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn build(
    base_url: Option<&str>,
    tenant: Option<&str>,
    application_id: String,
    application_key: String,
    biometric_app: Option<BiometricApp>,
    token_refresh_margin: Option<f64>,
    biometric_content_type: Option<&str>,
    upload_timeout: Option<f64>,
    transport: Option<&TransportOptions>,
) -> PyResult<Arc<Core>> {
    let mut config = match (base_url, tenant) {
        (Some(url), _) => AuthxConfig::new(url, application_id, application_key),
        (None, Some(host)) => AuthxConfig::for_tenant(host, application_id, application_key),
        (None, None) => Err(authbridge::Error::invalid("base_url", "give a base URL or a tenant host")),
    }
    .py_err()?;
    if let Some(app) = biometric_app {
        config = config.biometric_app(app.app);
    }
    if let Some(margin) = token_refresh_margin {
        config = config.token_refresh_margin(seconds("token_refresh_margin", margin)?);
    }
    if let Some(content_type) = biometric_content_type {
        config = config.biometric_content_type(content_type);
    }
    if let Some(timeout) = upload_timeout {
        config = config.upload_timeout(seconds("upload_timeout", timeout)?);
    }
    config = config.transport(transport::config(transport));
    Ok(Arc::new(Core::new(config).py_err()?))
}

/// AuthX client (blocking). Thread-safe: share one instance (it shares one cached token).
#[pyclass(module = "authbridge", frozen)]
pub struct AuthxClient {
    inner: Closable<Core>,
}

/// AuthX client for asyncio: every operation returns a coroutine.
#[pyclass(module = "authbridge", frozen)]
pub struct AsyncAuthxClient {
    inner: Closable<Core>,
}

twin_clients! {
    AuthxClient, AsyncAuthxClient,
    common {
        /// AuthX at `base_url` (a proxy, a private deployment, the sandbox).
        #[new]
        #[pyo3(signature = (base_url, application_id, application_key, *, biometric_app = None, token_refresh_margin = None, biometric_content_type = None, upload_timeout = None, transport = None))]
        #[allow(clippy::too_many_arguments)]
        fn new(
            base_url: &str,
            application_id: String,
            application_key: String,
            biometric_app: Option<BiometricApp>,
            token_refresh_margin: Option<f64>,
            biometric_content_type: Option<&str>,
            upload_timeout: Option<f64>,
            transport: Option<PyRef<'_, TransportOptions>>,
        ) -> PyResult<Self> {
            let inner = build(
                Some(base_url),
                None,
                application_id,
                application_key,
                biometric_app,
                token_refresh_margin,
                biometric_content_type,
                upload_timeout,
                transport.as_deref(),
            )?;
            Ok(Self { inner: Closable::new("the AuthX client", inner) })
        }

        /// The AuthX tenant whose host code is `host` (`https://api-<host>.authx.com`).
        #[staticmethod]
        #[pyo3(signature = (host, application_id, application_key, *, biometric_app = None, token_refresh_margin = None, biometric_content_type = None, upload_timeout = None, transport = None))]
        #[allow(clippy::too_many_arguments)]
        fn for_tenant(
            host: &str,
            application_id: String,
            application_key: String,
            biometric_app: Option<BiometricApp>,
            token_refresh_margin: Option<f64>,
            biometric_content_type: Option<&str>,
            upload_timeout: Option<f64>,
            transport: Option<PyRef<'_, TransportOptions>>,
        ) -> PyResult<Self> {
            let inner = build(
                None,
                Some(host),
                application_id,
                application_key,
                biometric_app,
                token_refresh_margin,
                biometric_content_type,
                upload_timeout,
                transport.as_deref(),
            )?;
            Ok(Self { inner: Closable::new("the AuthX client", inner) })
        }

        /// The framed ProcessBiometric body of `call`, for hosts that send it themselves.
        fn biometric_frame(&self, py: Python<'_>, call: BiometricCall, data: Sample) -> PyResult<BiometricFrame> {
            let client = self.inner.get()?;
            let frame =
                blocking::wait(py, move || async move { client.biometric_frame(&call.call, data.open().await?) })?;
            Ok(BiometricFrame::wrap(frame))
        }
        }
    sync {
        /// The asyncio twin of this client, sharing its connection pool and token.
        #[getter]
        fn aio(&self) -> AsyncAuthxClient {
            AsyncAuthxClient { inner: self.inner.twin() }
        }

        fn __repr__(&self) -> String {
            "AuthxClient(...)".to_string()
        }
    }
    async {
        fn __repr__(&self) -> String {
            "AsyncAuthxClient(...)".to_string()
        }
    }
    ops {
        /// The cached access token (renewed before it expires, by one request at a time).
        fn access_token() using client =>
            op("authx.access_token", move || async move { client.access_token().await }, access_token);
        /// AddUser: the new user's `guid`.
        fn add_user(user: UserProfile) using client =>
            op("authx.add_user", move || async move { client.add_user(&user.core()?).await }, |py, guid| plain(py, guid.as_str().to_string()));
        /// UpdateUser: the user's `guid`.
        fn update_user(guid: String, user: UserProfile) using client =>
            op("authx.update_user", move || async move { client.update_user(&guid, &user.core()?).await }, |py, guid| plain(py, guid.as_str().to_string()));
        fn delete_user(guid: String) using client =>
            op("authx.delete_user", move || async move { client.delete_user(&guid).await }, none);
        fn generate_pin(guid: String, pin: String) using client =>
            op("authx.generate_pin", move || async move { client.generate_pin(&guid, &Secret::new(pin)).await }, none);
        fn verify_pin(guid: String, pin: String) using client =>
            op("authx.verify_pin", move || async move { client.verify_pin(&guid, &Secret::new(pin)).await }, pin_verification);
        /// ProcessBiometric: uploads `data` (bytes, or a path streamed from disk).
        fn process_biometric(call: BiometricCall, data: Sample) using client =>
            op("authx.process_biometric", move || async move { client.process_biometric(&call.call, data.open().await?).await }, biometric_result);
    }
}
