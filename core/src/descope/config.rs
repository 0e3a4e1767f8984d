//! Where Descope is and which project a client speaks for (docs/vendors/descope.md, "Where the
//! API lives, and how calls authenticate").

use std::fmt;
use std::time::Duration;

use url::Url;

use crate::transport::TransportConfig;
use crate::validate::{no_control, required};
use crate::{Error, Result, Secret};

/// Descope's API host for projects without a regional one.
pub const DEFAULT_BASE_URL: &str = "https://api.descope.com";

/// Project IDs this long or longer live on a regional host (docs/vendors/descope.md,
/// "Where the API lives, and how calls authenticate").
const REGIONAL_ID_LEN: usize = 32;

/// The API base URL Descope's SDKs derive from a project ID: `https://api.<id[1:5]>.descope.com`
/// for IDs of 32 or more characters, [`DEFAULT_BASE_URL`] otherwise.
pub fn base_url_for(project_id: &str) -> String {
    if project_id.chars().count() >= REGIONAL_ID_LEN {
        let region: String = project_id.chars().skip(1).take(4).collect::<String>().to_ascii_lowercase();
        format!("https://api.{region}.descope.com")
    } else {
        DEFAULT_BASE_URL.to_string()
    }
}

/// How session JWTs are checked against the project's public keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionValidation {
    /// Clock skew tolerated on `exp` and `iat` (the official SDKs use 5 s).
    pub leeway: Duration,
    /// The project's key set is fetched again for an unknown `kid` at most this often, so a
    /// stream of forged tokens cannot turn into a stream of key requests. This holds even
    /// while the set is empty or the last fetch failed (whose error is then answered again).
    pub min_key_refresh: Duration,
    /// When set, the token's `aud` must contain this value. Descope's SDKs do not check the
    /// audience by default.
    pub audience: Option<String>,
}

impl Default for SessionValidation {
    fn default() -> Self {
        Self { leeway: Duration::from_secs(5), min_key_refresh: Duration::from_secs(30), audience: None }
    }
}

/// Configuration of a [`super::DescopeClient`].
#[derive(Clone)]
pub struct DescopeConfig {
    pub(crate) project_id: String,
    pub(crate) base_url: Url,
    pub(crate) management_key: Option<Secret>,
    /// HTTP settings. Descope's SDKs allow 60 s per call; authbridge keeps its 30 s default.
    pub transport: TransportConfig,
    /// How session JWTs are checked ([`SessionValidation`]).
    pub session_validation: SessionValidation,
}

impl fmt::Debug for DescopeConfig {
    /// The project ID is left out: it is the bearer credential of every call.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DescopeConfig")
            .field("project_id", &"***")
            .field("base_url", &self.base_url.as_str())
            .field("management_key", &self.management_key)
            .field("transport", &self.transport)
            .field("session_validation", &self.session_validation)
            .finish()
    }
}

impl DescopeConfig {
    /// A configuration for `project_id`, on the host Descope's SDKs derive from it.
    pub fn new(project_id: &str) -> Result<Self> {
        required("project_id", project_id)?;
        no_control("project_id", project_id)?;
        if project_id.contains([':', '/', '?', '#', ' ']) {
            return Err(Error::invalid("project_id", "must not contain ':', '/', '?', '#' or spaces"));
        }
        let base_url = parse_base_url(&base_url_for(project_id))?;
        Ok(Self {
            project_id: project_id.to_string(),
            base_url,
            management_key: None,
            transport: TransportConfig::default(),
            session_validation: SessionValidation::default(),
        })
    }

    /// Uses another API host (a custom domain, a proxy, the sandbox).
    pub fn base_url(mut self, base_url: &str) -> Result<Self> {
        self.base_url = parse_base_url(base_url)?;
        Ok(self)
    }

    /// Appends a management key to every bearer (`<ProjectId>[:<RefreshJWT>]:<ManagementKey>`),
    /// for projects that require one on authentication calls.
    pub fn management_key(mut self, key: Secret) -> Result<Self> {
        required("management_key", key.expose())?;
        no_control("management_key", key.expose())?;
        self.management_key = Some(key);
        Ok(self)
    }

    /// Sets the HTTP layer's timeouts, limits, TLS and retries.
    pub fn transport(mut self, transport: TransportConfig) -> Self {
        self.transport = transport;
        self
    }

    /// Sets how session JWTs are checked.
    pub fn session_validation(mut self, validation: SessionValidation) -> Self {
        self.session_validation = validation;
        self
    }

    /// The project every call speaks for.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// The API base URL: the global host, the project's regional host, or the one given.
    pub fn url(&self) -> &Url {
        &self.base_url
    }
}

fn parse_base_url(text: &str) -> Result<Url> {
    let mut url = Url::parse(text).map_err(|e| Error::invalid("base_url", format!("must be an absolute URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::invalid("base_url", "must be an http or https URL"));
    }
    if url.cannot_be_a_base() || url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid("base_url", "must be a base URL without query or fragment"));
    }
    let trimmed = url.path().trim_end_matches('/').to_string();
    url.set_path(&trimmed);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regional_host_for_long_project_ids() {
        assert_eq!(base_url_for("P2abc"), "https://api.descope.com");
        assert_eq!(base_url_for("Puse12aAc4T2V93bddihGEx2Ryhc8e5Z"), "https://api.use1.descope.com");
        assert_eq!(base_url_for(&"x".repeat(31)), "https://api.descope.com");
        let config = DescopeConfig::new("Peuw1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").unwrap();
        assert_eq!(config.url().as_str(), "https://api.euw1.descope.com/");
        let custom = config.base_url("https://auth.example.com/").unwrap();
        assert_eq!(custom.url().as_str(), "https://auth.example.com/");
    }

    #[test]
    fn refuses_bad_ids_and_urls() {
        assert_eq!(DescopeConfig::new("").unwrap_err().code(), "invalid_input");
        assert_eq!(DescopeConfig::new("P2:x").unwrap_err().code(), "invalid_input");
        let config = DescopeConfig::new("P2abc").unwrap();
        assert_eq!(config.clone().base_url("ftp://x").unwrap_err().code(), "invalid_input");
        assert_eq!(config.base_url("https://x/?a=b").unwrap_err().code(), "invalid_input");
    }

    #[test]
    fn debug_hides_project_id_and_management_key() {
        let config =
            DescopeConfig::new("P2projectsecretid").unwrap().management_key(Secret::new("K2mgmt-key")).unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("P2projectsecretid") && !debug.contains("K2mgmt-key"), "{debug}");
    }
}
