//! Where AuthX is and how authbridge authenticates to it.

use std::time::Duration;

use url::Url;

use crate::transport::TransportConfig;
use crate::validate::{no_control, required};
use crate::{Error, Result, Secret};

/// The content type authbridge gives the `biometricdata` part. The vendor spells it
/// `application/octect-stream`; authbridge sends the registered spelling and keeps it configurable
/// (docs/vendors/authx.md, "Decisions where the vendor is silent")
/// ([`AuthxConfig::biometric_content_type`]).
pub const DEFAULT_BIOMETRIC_CONTENT_TYPE: &str = "application/octet-stream";

/// The credentials of the AuthX application a biometric call is made for, sent inside the
/// `processBiometrics` part as `application_parameters` (docs/vendors/authx.md, "Process
/// Biometric"). They are not the Manage API `ApplicationId`/`ApplicationKey` used for the access
/// token.
#[derive(Debug, Clone)]
pub struct BiometricApp {
    /// `application_parameters.application_key`.
    pub application_key: Secret,
    /// `application_parameters.secret_key`.
    pub secret_key: Secret,
    /// `application_parameters.host_name`: the tenant host code (docs/vendors/authx.md), the same
    /// code as in the base URL.
    pub host_name: String,
}

impl BiometricApp {
    /// The application's `application_key` and `secret_key` (secrets) and its tenant host code.
    /// Checked when a frame is built, not here.
    pub fn new(application_key: impl Into<Secret>, secret_key: impl Into<Secret>, host_name: &str) -> Self {
        Self { application_key: application_key.into(), secret_key: secret_key.into(), host_name: host_name.into() }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        required("application_key", self.application_key.expose())?;
        no_control("application_key", self.application_key.expose())?;
        required("secret_key", self.secret_key.expose())?;
        no_control("secret_key", self.secret_key.expose())?;
        required("host_name", &self.host_name)?;
        no_control("host_name", &self.host_name)
    }
}

/// Configuration of an [`super::AuthxClient`].
#[derive(Debug, Clone)]
pub struct AuthxConfig {
    /// `https://api-<tenant host>.authx.com`, or any URL that serves the same routes.
    pub base_url: Url,
    /// Manage API `ApplicationId` header of the AccessToken call.
    pub application_id: Secret,
    /// Manage API `ApplicationKey` header of the AccessToken call.
    pub application_key: Secret,
    /// The application biometric calls are made for; required by
    /// [`super::AuthxClient::process_biometric`] only.
    pub biometric_app: Option<BiometricApp>,
    /// A token is renewed this long before its `expires_in` runs out (at most half its
    /// lifetime), so a call never goes out with a token about to lapse in flight.
    pub token_refresh_margin: Duration,
    /// Content type of the `biometricdata` part ([`DEFAULT_BIOMETRIC_CONTENT_TYPE`]).
    pub biometric_content_type: String,
    /// Time limit of one biometric upload (large samples on slow links take longer than an
    /// ordinary call's `request_timeout`).
    pub upload_timeout: Duration,
    /// Timeouts, limits, TLS and retries of the HTTP layer.
    pub transport: TransportConfig,
}

impl AuthxConfig {
    /// The AuthX tenant whose host code is `host` (8 characters, e.g. `hu1tjtwu`), at the vendor's
    /// URL template `https://{apipath}-{Hostname}.authx.com` with `apipath` = `api`.
    pub fn for_tenant(
        host: &str,
        application_id: impl Into<Secret>,
        application_key: impl Into<Secret>,
    ) -> Result<Self> {
        required("host", host)?;
        if !host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') || host.len() > 63 {
            return Err(Error::invalid("host", "must be a tenant host code (letters, digits and '-', at most 63)"));
        }
        Self::new(&format!("https://api-{}.authx.com", host.to_ascii_lowercase()), application_id, application_key)
    }

    /// AuthX at an explicit base URL (a proxy, a private deployment, the sandbox).
    pub fn new(base_url: &str, application_id: impl Into<Secret>, application_key: impl Into<Secret>) -> Result<Self> {
        let mut url =
            Url::parse(base_url).map_err(|e| Error::invalid("base_url", format!("must be an absolute URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::invalid("base_url", "must be an http or https URL"));
        }
        if url.cannot_be_a_base() || url.query().is_some() || url.fragment().is_some() {
            return Err(Error::invalid("base_url", "must be a base URL without query or fragment"));
        }
        let trimmed = url.path().trim_end_matches('/').to_string();
        url.set_path(&trimmed);
        let (application_id, application_key) = (application_id.into(), application_key.into());
        for (field, value) in [("ApplicationId", &application_id), ("ApplicationKey", &application_key)] {
            required(field, value.expose())?;
            no_control(field, value.expose())?;
        }
        Ok(Self {
            base_url: url,
            application_id,
            application_key,
            biometric_app: None,
            token_refresh_margin: Duration::from_secs(300),
            biometric_content_type: DEFAULT_BIOMETRIC_CONTENT_TYPE.into(),
            upload_timeout: Duration::from_secs(300),
            transport: TransportConfig::default(),
        })
    }

    /// Sets the application biometric uploads are made for (needed by
    /// [`AuthxClient::process_biometric`](super::AuthxClient::process_biometric) only).
    pub fn biometric_app(mut self, app: BiometricApp) -> Self {
        self.biometric_app = Some(app);
        self
    }

    /// Sets how long before its expiry a token is renewed (at most half its lifetime is used).
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.token_refresh_margin = margin;
        self
    }

    /// Sets the `biometricdata` part's content type, e.g. the vendor's own spelling
    /// `application/octect-stream` for a server that insists on it.
    pub fn biometric_content_type(mut self, content_type: &str) -> Self {
        self.biometric_content_type = content_type.into();
        self
    }

    /// Sets the time limit of one biometric upload.
    pub fn upload_timeout(mut self, timeout: Duration) -> Self {
        self.upload_timeout = timeout;
        self
    }

    /// Sets the HTTP layer's timeouts, limits, TLS and retries.
    pub fn transport(mut self, transport: TransportConfig) -> Self {
        self.transport = transport;
        self
    }

    /// `<base>/<operation>`, e.g. `https://api-hu1tjtwu.authx.com/AddUser`.
    pub(crate) fn url(&self, operation: &str) -> Result<Url> {
        let mut url = self.base_url.clone();
        url.path_segments_mut()
            .map_err(|()| Error::Config("AuthX base URL cannot take a path".into()))?
            .pop_if_empty()
            .push(operation);
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_host_fills_the_seed_template() {
        let config = AuthxConfig::for_tenant("hu1tjtwu", "id", "key").unwrap();
        assert_eq!(config.base_url.as_str(), "https://api-hu1tjtwu.authx.com/");
        assert_eq!(config.url("AccessToken").unwrap().as_str(), "https://api-hu1tjtwu.authx.com/AccessToken");
        assert_eq!(AuthxConfig::for_tenant("a.evil.com/x", "id", "key").unwrap_err().code(), "invalid_input");
    }

    #[test]
    fn base_url_is_overridable_with_a_path() {
        let config = AuthxConfig::new("http://127.0.0.1:9/authx/", "id", "key").unwrap();
        assert_eq!(config.url("VerifyPin").unwrap().as_str(), "http://127.0.0.1:9/authx/VerifyPin");
        assert_eq!(AuthxConfig::new("ftp://x", "id", "key").unwrap_err().code(), "invalid_input");
        let missing = AuthxConfig::new("https://x", "", "key").unwrap_err();
        assert_eq!(missing.to_string(), "invalid input: `ApplicationId` must not be empty");
    }

    #[test]
    fn debug_hides_credentials() {
        let config = AuthxConfig::new("https://x", "app-id-1", "app-key-2").unwrap().biometric_app(BiometricApp::new(
            "bio-key-3",
            "bio-secret-4",
            "hu1tjtwu",
        ));
        let printed = format!("{config:?}");
        for secret in ["app-id-1", "app-key-2", "bio-key-3", "bio-secret-4"] {
            assert!(!printed.contains(secret), "{secret} leaked");
        }
    }
}
