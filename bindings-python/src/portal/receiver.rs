//! The keywords of `Portal.serve(...)` → core's `ReceiverOptions` (timeouts, connection cap,
//! stop grace, TLS or mutual TLS, the metrics page). Conversion only: core refuses unusable
//! PEM, limits that would refuse every callback and a bad metrics path, as `config` errors
//! that never quote the key.

use authbridge::nopass::{ReceiverOptions, ServerTls};
use authbridge::Error;
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};

use super::config::seconds;
use crate::errors::IntoPyResult;

/// A PEM document as Python gives it: `bytes` (read from a file in binary mode) or `str`.
#[derive(FromPyObject)]
pub enum Pem {
    Bytes(PyBackedBytes),
    Text(PyBackedStr),
}

impl Pem {
    fn bytes(&self) -> &[u8] {
        match self {
            Pem::Bytes(bytes) => bytes,
            Pem::Text(text) => text.as_bytes(),
        }
    }
}

/// The keywords of `serve(...)` beyond host and port; `None` keeps core's default.
pub struct ServeOptions {
    pub tls_cert_pem: Option<Pem>,
    pub tls_key_pem: Option<Pem>,
    pub client_ca_pem: Option<Pem>,
    pub header_read_timeout: Option<f64>,
    pub body_read_timeout: Option<f64>,
    pub idle_timeout: Option<f64>,
    pub max_connections: Option<usize>,
    pub shutdown_grace: Option<f64>,
    pub metrics_path: Option<String>,
}

/// One of `ReceiverOptions`' duration setters.
type Setter = fn(ReceiverOptions, std::time::Duration) -> ReceiverOptions;

impl ServeOptions {
    pub fn receiver_options(self) -> PyResult<ReceiverOptions> {
        let mut options = ReceiverOptions::default();
        let setters: [(&str, Option<f64>, Setter); 4] = [
            ("header_read_timeout", self.header_read_timeout, ReceiverOptions::header_read_timeout),
            ("body_read_timeout", self.body_read_timeout, ReceiverOptions::body_read_timeout),
            ("idle_timeout", self.idle_timeout, ReceiverOptions::idle_timeout),
            ("shutdown_grace", self.shutdown_grace, ReceiverOptions::shutdown_grace),
        ];
        for (name, value, set) in setters {
            if let Some(value) = value {
                options = set(options, seconds(name, value)?);
            }
        }
        if let Some(cap) = self.max_connections {
            options = options.max_connections(cap);
        }
        options = options.metrics_path(self.metrics_path);
        if let Some(tls) = tls(self.tls_cert_pem, self.tls_key_pem, self.client_ca_pem).py_err()? {
            options = options.tls(tls);
        }
        Ok(options)
    }
}

fn tls(cert: Option<Pem>, key: Option<Pem>, client_ca: Option<Pem>) -> authbridge::Result<Option<ServerTls>> {
    let (cert, key) = match (cert, key) {
        (Some(cert), Some(key)) => (cert, key),
        (None, None) if client_ca.is_none() => return Ok(None),
        (None, None) => {
            return Err(Error::Config("client_ca_pem needs TLS: give tls_cert_pem and tls_key_pem too".into()))
        }
        _ => return Err(Error::Config("tls_cert_pem and tls_key_pem are given together".into())),
    };
    let tls = ServerTls::from_pem(cert.bytes(), key.bytes())?;
    match client_ca {
        Some(ca) => tls.require_client_certificates(ca.bytes()).map(Some),
        None => Ok(Some(tls)),
    }
}
