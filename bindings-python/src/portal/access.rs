//! The access-policy keywords of `Portal(...)` → core's `AccessPolicy`.
//!
//! The NoPass protocol signs nothing, so core builds no portal without a policy (DESIGN
//! "Trust model"). This module only converts: which combinations are valid (`any_source`
//! alone, `trusted_proxies` only with sources, secrets of 16 characters or more) is core's
//! rule, checked when the portal is built. The one thing said here is the error for a portal
//! given no policy at all, worded with the Python keywords rather than core's Rust names.

use authbridge::nopass::{AccessPolicy, IpRange, SharedSecret};
use authbridge::{Error, Secret};
use pyo3::prelude::*;

use crate::errors::{to_py, IntoPyResult};

/// The keywords as given.
pub struct AccessOptions {
    pub allowed_sources: Vec<String>,
    pub trusted_proxies: Vec<String>,
    pub shared_secret_header: Option<(String, String)>,
    pub shared_secret_bearer: Option<String>,
    pub require_client_certificate: bool,
    pub accept_any_source: bool,
}

const NO_POLICY: &str = "the portal needs an access policy: allowed_sources=[...] (the NoPass server's \
    addresses; with trusted_proxies=[...] behind a reverse proxy), shared_secret_header=(name, secret) or \
    shared_secret_bearer=secret (added by your reverse proxy), require_client_certificate=True, or \
    accept_any_source=True for a network where only the NoPass server can reach the portal";

fn ranges(field: &'static str, texts: &[String]) -> PyResult<Vec<IpRange>> {
    texts.iter().map(|text| IpRange::parse_field(field, text)).collect::<authbridge::Result<Vec<_>>>().py_err()
}

impl AccessOptions {
    /// The policy, or a `ConfigError` when no keyword asks for any check.
    pub fn policy(self) -> PyResult<AccessPolicy> {
        let shared_secret = match (self.shared_secret_header, self.shared_secret_bearer) {
            (Some(_), Some(_)) => {
                return Err(to_py(Error::invalid(
                    "shared_secret",
                    "give shared_secret_header or shared_secret_bearer, not both",
                )))
            }
            (Some((name, value)), None) => Some(SharedSecret::Header { name, value: Secret::new(value) }),
            (None, Some(bearer)) => Some(SharedSecret::Bearer(Secret::new(bearer))),
            (None, None) => None,
        };
        let policy = AccessPolicy {
            allowed_sources: ranges("allowed_sources", &self.allowed_sources)?,
            trusted_proxies: ranges("trusted_proxies", &self.trusted_proxies)?,
            shared_secret,
            client_certificate: self.require_client_certificate,
            any_source: self.accept_any_source,
        };
        let asks_nothing = policy.allowed_sources.is_empty()
            && policy.trusted_proxies.is_empty()
            && policy.shared_secret.is_none()
            && !policy.client_certificate
            && !policy.any_source;
        if asks_nothing {
            return Err(to_py(Error::Config(NO_POLICY.into())));
        }
        Ok(policy)
    }
}
