//! `authbridge.TransportOptions`: core's `TransportConfig` with seconds as floats.

use std::time::Duration;

use authbridge::transport::{RetryPolicy, TransportConfig};
use authbridge::SecretBytes;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// Time limits, size limit, retries, TLS and proxy settings shared by every client.
#[pyclass(module = "authbridge", frozen)]
#[derive(Clone)]
pub struct TransportOptions {
    pub config: TransportConfig,
}

fn seconds(name: &str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| PyValueError::new_err(format!("{name} must be a non-negative number of seconds")))
}

#[pymethods]
impl TransportOptions {
    #[new]
    #[pyo3(signature = (
        *,
        connect_timeout = 10.0,
        request_timeout = 30.0,
        max_response_bytes = 4_194_304,
        max_attempts = 3,
        retry_base_delay = 0.2,
        retry_max_delay = 5.0,
        max_retry_after = 30.0,
        extra_ca_pem = None,
        proxy = None,
        use_env_proxy = true,
        user_agent_suffix = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        connect_timeout: f64,
        request_timeout: f64,
        max_response_bytes: u64,
        max_attempts: u32,
        retry_base_delay: f64,
        retry_max_delay: f64,
        max_retry_after: f64,
        extra_ca_pem: Option<Vec<u8>>,
        proxy: Option<String>,
        use_env_proxy: bool,
        user_agent_suffix: Option<String>,
    ) -> PyResult<Self> {
        if max_attempts == 0 {
            return Err(PyValueError::new_err("max_attempts must be at least 1"));
        }
        Ok(Self {
            config: TransportConfig {
                connect_timeout: seconds("connect_timeout", connect_timeout)?,
                request_timeout: seconds("request_timeout", request_timeout)?,
                max_response_bytes,
                retry: RetryPolicy {
                    max_attempts,
                    base_delay: seconds("retry_base_delay", retry_base_delay)?,
                    max_delay: seconds("retry_max_delay", retry_max_delay)?,
                    max_retry_after: seconds("max_retry_after", max_retry_after)?,
                },
                extra_ca_pem,
                client_identity_pem: None,
                use_env_proxy,
                proxy,
                user_agent_suffix,
            },
        })
    }

    #[getter]
    fn connect_timeout(&self) -> f64 {
        self.config.connect_timeout.as_secs_f64()
    }

    #[getter]
    fn request_timeout(&self) -> f64 {
        self.config.request_timeout.as_secs_f64()
    }

    #[getter]
    fn max_attempts(&self) -> u32 {
        self.config.retry.max_attempts
    }

    fn __repr__(&self) -> String {
        let c = &self.config;
        format!(
            "TransportOptions(connect_timeout={}, request_timeout={}, max_response_bytes={}, max_attempts={}, proxy={})",
            c.connect_timeout.as_secs_f64(),
            c.request_timeout.as_secs_f64(),
            c.max_response_bytes,
            c.retry.max_attempts,
            // A proxy URL may carry credentials.
            if c.proxy.is_some() { "'***'" } else { "None" },
        )
    }
}

/// The transport of a client: the given options, or the defaults.
pub fn config(options: Option<&TransportOptions>) -> TransportConfig {
    options.map(|o| o.config.clone()).unwrap_or_default()
}

/// A PEM client identity (certificate and key) from Python bytes or str.
pub fn identity(pem: Option<Vec<u8>>) -> Option<SecretBytes> {
    pem.map(SecretBytes::new)
}
