//! The Descope client: configuration, transport and the one way every call is sent.
//! The operations themselves live in `notp.rs`, `totp.rs` and `claims.rs`.

use std::fmt;

use serde::Serialize;
use url::Url;

use super::auth::authenticate;
use super::config::DescopeConfig;
use super::error::{error_from, Call};
use super::keys::KeyCache;
use crate::transport::{Replay, Request, Response, Transport};
use crate::{Error, Result, Secret, Vendor};

/// A Descope client for one project. `Send + Sync`: share it (in an `Arc`) across tasks; it
/// pools connections and caches the project's public keys.
pub struct DescopeClient {
    pub(super) config: DescopeConfig,
    pub(super) transport: Transport,
    pub(super) keys: KeyCache,
}

impl fmt::Debug for DescopeClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DescopeClient").field("config", &self.config).finish_non_exhaustive()
    }
}

impl DescopeClient {
    /// A client for `config`. Nothing is sent yet: the project's keys are fetched when the first
    /// session is validated.
    pub fn new(config: DescopeConfig) -> Result<Self> {
        let transport = Transport::new(Vendor::Descope, config.transport.clone())?;
        let keys = KeyCache::new(config.session_validation.min_key_refresh);
        Ok(Self { config, transport, keys })
    }

    /// The configuration the client was built with.
    pub fn config(&self) -> &DescopeConfig {
        &self.config
    }

    /// `<base>/<segments…>`, each segment percent-encoded on its own.
    pub(super) fn url(&self, segments: &[&str]) -> Result<Url> {
        let mut url = self.config.base_url.clone();
        url.path_segments_mut()
            .map_err(|()| Error::Config("Descope base URL cannot take a path".into()))?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    /// POSTs `body` as JSON to `path` with the project bearer (and `refresh_jwt` when given),
    /// then returns the answer when it is a success, or the mapped error.
    pub(super) async fn post<B: Serialize + ?Sized>(
        &self,
        path: &[&str],
        operation: &'static str,
        replay: Replay,
        refresh_jwt: Option<&Secret>,
        body: &B,
    ) -> Result<Response> {
        let request = Request::post(self.url(path)?, operation, replay)
            .header(http::header::ACCEPT, "application/json")?
            .json(body)?;
        success(self.send(request, refresh_jwt).await?, Call::Other)
    }

    /// Sends `request` with the project bearer and returns the answer whatever its status.
    pub(super) async fn send(&self, request: Request, refresh_jwt: Option<&Secret>) -> Result<Response> {
        let request = authenticate(request, &self.config.project_id, refresh_jwt, self.config.management_key.as_ref())?;
        self.transport.send(request).await
    }
}

/// The answer when it is a success, else the mapped error.
pub(super) fn success(response: Response, call: Call) -> Result<Response> {
    if response.is_success() {
        Ok(response)
    } else {
        Err(error_from(&response, call))
    }
}
