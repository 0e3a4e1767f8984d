//! The keywords of `Portal(...)` → core's `PortalConfig` and `PortalBuilder`. Conversion only:
//! every limit and combination is checked by core when the portal is built.

use std::time::Duration;

use authbridge::nopass::{open_store_blocking, NoPassServerConfig, Portal as Core, PortalConfig, ResponseMode};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use super::access::AccessOptions;
use super::hooks::Hooks;
use crate::errors::IntoPyResult;
use crate::transport::{self, TransportOptions};

/// Every duration of the portal, in seconds (`None`: core's default).
pub struct Timings {
    pub registration_ttl: Option<f64>,
    pub login_ttl: Option<f64>,
    pub redeem_ttl: Option<f64>,
    pub pre_registration_ttl: Option<f64>,
    pub hook_timeout: Option<f64>,
    pub session_retention: Option<f64>,
}

/// The options of `Portal(...)`, gathered so the constructor stays readable.
pub struct Options<'a> {
    pub admin_id: String,
    pub s_code: String,
    pub access: AccessOptions,
    pub server_url: Option<&'a str>,
    pub server_transport: Option<&'a TransportOptions>,
    pub hooks: Option<Py<PyAny>>,
    pub store: Option<String>,
    pub response_mode: &'a str,
    pub mount_path: Option<String>,
    pub max_body_bytes: Option<usize>,
    pub timings: Timings,
}

pub(super) fn seconds(name: &str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| PyValueError::new_err(format!("{name} must be a non-negative number of seconds")))
}

/// One of `PortalConfig`'s duration setters.
type Setter = fn(PortalConfig, Duration) -> PortalConfig;

impl Timings {
    fn apply(self, mut config: PortalConfig) -> PyResult<PortalConfig> {
        let setters: [(&str, Option<f64>, Setter); 6] = [
            ("registration_ttl", self.registration_ttl, PortalConfig::registration_ttl),
            ("login_ttl", self.login_ttl, PortalConfig::login_ttl),
            ("redeem_ttl", self.redeem_ttl, PortalConfig::redeem_ttl),
            ("pre_registration_ttl", self.pre_registration_ttl, PortalConfig::pre_registration_ttl),
            ("hook_timeout", self.hook_timeout, PortalConfig::hook_timeout),
            ("session_retention", self.session_retention, PortalConfig::session_retention),
        ];
        for (name, value, set) in setters {
            if let Some(value) = value {
                config = set(config, seconds(name, value)?);
            }
        }
        Ok(config)
    }
}

fn response_mode(name: &str) -> PyResult<ResponseMode> {
    match name {
        "envelope" => Ok(ResponseMode::Envelope),
        "bare" => Ok(ResponseMode::Bare),
        other => Err(PyValueError::new_err(format!("response_mode must be 'envelope' or 'bare', not {other:?}"))),
    }
}

/// The portal, and the names of its `async def` hooks.
pub fn build(options: Options<'_>) -> PyResult<(Core, Vec<String>)> {
    let mut config = PortalConfig::new(options.admin_id, options.s_code)
        .py_err()?
        .access(options.access.policy()?)
        .response_mode(response_mode(options.response_mode)?);
    if let Some(url) = options.server_url {
        let server = NoPassServerConfig::new(url).py_err()?.transport(transport::config(options.server_transport));
        config = config.server(server);
    }
    if let Some(path) = options.mount_path {
        config = config.mount_path(path);
    }
    if let Some(limit) = options.max_body_bytes {
        config = config.max_body_bytes(limit);
    }
    config = options.timings.apply(config)?;
    let mut builder = Core::builder(config);
    let store = match options.store.as_deref() {
        None | Some(":memory:") => "memory:",
        Some(url) => url,
    };
    builder = builder.shared_store(open_store_blocking(store).py_err()?);
    let mut async_hooks = Vec::new();
    if let Some(hooks) = options.hooks {
        let (hooks, names) = Hooks::new(hooks)?;
        builder = builder.hooks(hooks);
        async_hooks = names;
    }
    Ok((builder.build().py_err()?, async_hooks))
}
