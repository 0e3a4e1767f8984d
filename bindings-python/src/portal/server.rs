//! `EmbeddedServer`: the portal on authbridge's own small HTTP server, for hosts with no web
//! stack. It passes each connection's socket peer to the portal itself.

use authbridge::nopass::EmbeddedServer as CoreServer;
use pyo3::prelude::*;

use crate::closing::{closable_methods, Closable};

/// The portal served by authbridge's own small HTTP server (for hosts with no web stack).
#[pyclass(module = "authbridge", frozen)]
pub struct EmbeddedServer {
    inner: Closable<CoreServer>,
    url: String,
}

closable_methods! { sync EmbeddedServer {
    /// `http://<host>:<port>` (`https://` with TLS): the portal URL to give the NoPass server
    /// (behind a public name, give that name; the certificate must be for it).
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    fn __repr__(&self) -> String {
        format!("EmbeddedServer(url={:?})", self.url)
    }
}}

impl EmbeddedServer {
    pub fn new(server: CoreServer) -> Self {
        let url = server.url();
        let inner = Closable::stopping("the embedded server", server, |server| Box::pin(server.stop()));
        Self { inner, url }
    }
}
