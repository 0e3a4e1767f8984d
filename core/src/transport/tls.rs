//! Whom a client trusts, and how it proves who it is: the rustls configuration every
//! transport is built with.
//!
//! Servers are verified by the operating system's trust store (`rustls-platform-verifier`),
//! so a CA a company installs there is trusted as every other program on the machine trusts
//! it. Where the system has no usable store (a minimal container without `ca-certificates`),
//! the Mozilla roots compiled into the library stand in. `extra_ca_pem` adds private CAs to
//! either.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};
use rustls_platform_verifier::Verifier;

use super::TransportConfig;
use crate::pem::{certificates, private_key};
use crate::{Error, Result};

/// Where a client's trusted roots come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Roots {
    /// The operating system's trust store.
    Platform,
    /// The roots compiled into the library: the system has no usable store.
    Bundled,
}

/// The TLS configuration for `config`: its server verification, its client certificate if it
/// has one, and HTTP/2 offered beside HTTP/1.1.
pub(super) fn client_config(config: &TransportConfig) -> Result<(ClientConfig, Roots)> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let extra_roots = match &config.extra_ca_pem {
        Some(pem) => certificates(pem, "the extra CA certificate")?,
        None => Vec::new(),
    };
    let (verifier, roots) = server_verifier(provider.clone(), extra_roots)?;
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS is not available: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut tls = match &config.client_identity_pem {
        None => builder.with_no_client_auth(),
        Some(pem) => {
            let what = "client certificate";
            let chain = certificates(pem.expose(), what)?;
            let key = private_key(pem.expose(), what)?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| Error::Config(format!("client certificate: not usable with its private key: {e}")))?
        }
    };
    // reqwest leaves ALPN to whoever builds the configuration.
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok((tls, roots))
}

fn server_verifier(
    provider: Arc<CryptoProvider>,
    extra_roots: Vec<CertificateDer<'static>>,
) -> Result<(Arc<dyn rustls::client::danger::ServerCertVerifier>, Roots)> {
    let unusable = |e: rustls::Error| Error::Config(format!("the extra CA certificate is not usable: {e}"));
    // Asked without the extra roots first: with them, the platform verifier would also
    // succeed on a system with no store at all, trusting nothing but the private CA.
    if Verifier::new(provider.clone()).is_ok() {
        let verifier = Verifier::new_with_extra_roots(extra_roots, provider).map_err(unusable)?;
        return Ok((Arc::new(verifier), Roots::Platform));
    }
    tracing::warn!("the system has no usable trust store; using the roots bundled with authbridge");
    let mut store = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    for root in extra_roots {
        store.add(root).map_err(unusable)?;
    }
    let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider)
        .build()
        .map_err(|e| Error::Config(format!("TLS verification is not available: {e}")))?;
    Ok((verifier, Roots::Bundled))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Points the system store lookup at an empty directory. nextest runs every test in a
    /// process of its own, so the environment changed here is this test's alone.
    fn without_a_system_store() {
        let empty = std::env::temp_dir().join(format!("authbridge-no-trust-store-{}", std::process::id()));
        std::fs::create_dir_all(&empty).unwrap();
        std::env::set_var("SSL_CERT_FILE", empty.join("absent.pem"));
        std::env::set_var("SSL_CERT_DIR", &empty);
    }

    fn private_ca_pem() -> Vec<u8> {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.self_signed(&key).unwrap().pem().into_bytes()
    }

    #[test]
    fn the_bundled_roots_stand_in_where_the_system_has_no_store() {
        without_a_system_store();
        let (tls, roots) = client_config(&TransportConfig::default()).unwrap();
        assert_eq!(roots, Roots::Bundled);
        assert_eq!(tls.alpn_protocols, [b"h2".to_vec(), b"http/1.1".to_vec()]);

        // A private CA is added to them, not used instead of them.
        let config = TransportConfig { extra_ca_pem: Some(private_ca_pem()), ..TransportConfig::default() };
        assert_eq!(client_config(&config).unwrap().1, Roots::Bundled);
    }

    #[test]
    fn an_unusable_extra_ca_is_a_config_error_naming_it() {
        let config =
            TransportConfig { extra_ca_pem: Some(b"no certificate here".to_vec()), ..TransportConfig::default() };
        let error = client_config(&config).unwrap_err();
        assert_eq!(error.code(), "config");
        assert!(error.to_string().contains("extra CA certificate"), "{error}");
    }
}
