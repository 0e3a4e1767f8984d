//! TLS for the server loop (feature `server`), with rustls and its `ring` provider, so the
//! library links without OpenSSL.
//!
//! The NoPass server calls the portal at `https://MyWebSite/api/PortalCommunication/…`,
//! so a receiver reachable from a network serves HTTPS. A client CA bundle turns on mutual
//! TLS: a caller must then present a certificate issued by one of those CAs, or the handshake
//! fails before any request is read.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use tokio_rustls::TlsAcceptor;

use crate::pem::{certificates, private_key};
use crate::{Error, Result};

/// A server certificate chain and private key, and optionally the CAs whose client
/// certificates are required. Build it once; cloning is cheap.
///
/// Errors are [`Error::Config`] and never quote the private key.
#[derive(Clone)]
pub struct ServerTls {
    chain: Vec<CertificateDer<'static>>,
    key: Arc<PrivateKeyDer<'static>>,
    client_roots: Option<Arc<RootCertStore>>,
    config: Arc<ServerConfig>,
}

impl std::fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerTls")
            .field("certificates", &self.chain.len())
            .field("client_certificates_required", &self.client_roots.is_some())
            .finish_non_exhaustive()
    }
}

impl ServerTls {
    /// From a PEM certificate chain (the server's certificate first, then intermediates) and
    /// its PEM private key (PKCS#8, PKCS#1 or SEC1). Fails if either is unusable or the key
    /// does not belong to the certificate.
    pub fn from_pem(cert_chain_pem: &[u8], private_key_pem: &[u8]) -> Result<Self> {
        let chain = certificates(cert_chain_pem, "the TLS certificate chain")?;
        let key = private_key(private_key_pem, "the TLS private key")?;
        Self::build(chain, Arc::new(key), None)
    }

    /// Requires every client to present a certificate issued by one of the CAs in
    /// `client_ca_pem` (one or more PEM certificates); one without, or from another CA, fails
    /// the handshake. Requests on such a connection are marked as coming from a verified
    /// client certificate ([`super::Peer::client_certificate_verified`]).
    pub fn require_client_certificates(self, client_ca_pem: &[u8]) -> Result<Self> {
        let mut roots = RootCertStore::empty();
        for ca in certificates(client_ca_pem, "the client CA bundle")? {
            roots
                .add(ca)
                .map_err(|e| Error::Config(format!("a certificate of the client CA bundle is not usable: {e}")))?;
        }
        Self::build(self.chain, self.key, Some(Arc::new(roots)))
    }

    /// Whether clients must present a certificate from the configured CAs.
    pub fn requires_client_certificates(&self) -> bool {
        self.client_roots.is_some()
    }

    pub(super) fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(self.config.clone())
    }

    fn build(
        chain: Vec<CertificateDer<'static>>,
        key: Arc<PrivateKeyDer<'static>>,
        client_roots: Option<Arc<RootCertStore>>,
    ) -> Result<Self> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Config(format!("TLS is not available: {e}")))?;
        let builder = match &client_roots {
            None => builder.with_no_client_auth(),
            Some(roots) => {
                let verifier = WebPkiClientVerifier::builder_with_provider(roots.clone(), provider)
                    .build()
                    .map_err(|e| Error::Config(format!("the client CA bundle is not usable: {e}")))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let mut config = builder
            .with_single_cert(chain.clone(), key.clone_key())
            .map_err(|e| Error::Config(format!("the TLS certificate and private key are not usable together: {e}")))?;
        // The loop speaks HTTP/1.1 only; a client asking for h2 alone is refused in the handshake.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self { chain, key, client_roots, config: Arc::new(config) })
    }
}
