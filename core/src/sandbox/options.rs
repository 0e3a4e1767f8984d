//! How a sandbox starts: its control token, and HTTPS for the stand-ins.

use crate::serve::ServeOptions;

/// Options of [`super::Sandbox::start_with`]; the default is what [`super::Sandbox::start`]
/// does.
#[derive(Debug, Clone, Default)]
pub struct SandboxOptions {
    /// The control endpoint's bearer token (at least 16 characters); random when `None`.
    pub control_token: Option<String>,
    /// Serves every stand-in over HTTPS with this certificate (feature `server`), which must
    /// be valid for `localhost`: to try a client against a private CA or the system's trust
    /// store. The stand-ins' URLs are then `https://localhost:<port>`. The control endpoint
    /// stays plain HTTP on the loopback interface.
    #[cfg(feature = "server")]
    pub tls: Option<crate::serve::ServerTls>,
}

impl SandboxOptions {
    /// The server loop's options for a stand-in, and the origin its URLs start with.
    pub(super) fn serving(&self) -> (ServeOptions, &'static str) {
        #[cfg(feature = "server")]
        if let Some(tls) = &self.tls {
            return (ServeOptions { tls: Some(tls.clone()), ..ServeOptions::default() }, "https://localhost");
        }
        (ServeOptions::default(), "http://127.0.0.1")
    }
}
