//! Where nevisIDM is and how authbridge authenticates to it.

use http::HeaderName;
use url::Url;

use crate::transport::TransportConfig;
use crate::{Error, Result, Secret, SecretBytes};

/// The API's path under an on-premises host, used when the configured URL has no path.
pub const DEFAULT_BASE_PATH: &str = "/nevisidm/api/auth/v1";

/// How the caller proves itself to nevisIDM. It depends on the deployment
/// (docs/vendors/nevisidm.md, "Decisions where the vendor is silent"): a SecToken header from
/// nevisAuth, a gateway with Basic auth or a client certificate, or a Bearer token on the cloud
/// product.
#[derive(Debug, Clone, Default)]
pub enum NevisAuth {
    /// No authentication of the caller: the deployment lets the network decide (a gateway in
    /// front, for instance).
    #[default]
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// `Authorization: Basic …`.
    Basic {
        /// The user name; Basic authentication cannot carry a `:` in it.
        username: String,
        /// The password.
        password: Secret,
    },
    /// Any header, e.g. a nevisAuth SecToken.
    Header {
        /// The header's name.
        name: HeaderName,
        /// Its value, sent marked sensitive so no layer prints it.
        value: Secret,
    },
    /// Mutual TLS with a PEM certificate and private key.
    ClientCertificate(SecretBytes),
}

/// Configuration of a [`super::NevisClient`].
#[derive(Debug, Clone)]
pub struct NevisConfig {
    /// `https://your-host` (then [`DEFAULT_BASE_PATH`] is appended) or the full API base URL.
    pub base_url: Url,
    /// How authbridge proves itself to nevisIDM on every call.
    pub auth: NevisAuth,
    /// Timeouts, limits, TLS and retries of the HTTP layer.
    pub transport: TransportConfig,
}

impl NevisConfig {
    /// A configuration for the nevisIDM at `base_url` with no caller authentication.
    pub fn new(base_url: &str) -> Result<Self> {
        let mut url =
            Url::parse(base_url).map_err(|e| Error::invalid("base_url", format!("must be an absolute URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::invalid("base_url", "must be an http or https URL"));
        }
        if url.cannot_be_a_base() || url.query().is_some() || url.fragment().is_some() {
            return Err(Error::invalid("base_url", "must be a base URL without query or fragment"));
        }
        if url.path() == "/" || url.path().is_empty() {
            url.set_path(DEFAULT_BASE_PATH);
        }
        let trimmed = url.path().trim_end_matches('/').to_string();
        url.set_path(&trimmed);
        Ok(Self { base_url: url, auth: NevisAuth::None, transport: TransportConfig::default() })
    }

    /// Sets how the caller proves itself ([`NevisAuth`]).
    pub fn auth(mut self, auth: NevisAuth) -> Self {
        self.auth = auth;
        self
    }

    /// Sets the HTTP layer's timeouts, limits, TLS and retries.
    pub fn transport(mut self, transport: TransportConfig) -> Self {
        self.transport = transport;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_the_default_path_only_to_a_bare_host() {
        assert_eq!(
            NevisConfig::new("https://idm.example").unwrap().base_url.as_str(),
            "https://idm.example/nevisidm/api/auth/v1"
        );
        assert_eq!(
            NevisConfig::new("https://gw.example/idm/v1/").unwrap().base_url.as_str(),
            "https://gw.example/idm/v1"
        );
        assert_eq!(NevisConfig::new("ftp://x").unwrap_err().code(), "invalid_input");
        assert_eq!(NevisConfig::new("not a url").unwrap_err().code(), "invalid_input");
    }

    #[test]
    fn debug_hides_credentials() {
        let config = NevisConfig::new("https://idm.example")
            .unwrap()
            .auth(NevisAuth::Basic { username: "svc".into(), password: Secret::new("gateway-pass") });
        assert!(!format!("{config:?}").contains("gateway-pass"));
    }
}
