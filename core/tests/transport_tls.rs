//! The transport's TLS options against a local HTTPS server with certificates made for the
//! test: an extra CA certificate makes a private CA trusted, and a client certificate
//! (nevisIDM's `ClientCertificate` authentication) satisfies a server that demands one.
#![cfg(feature = "nevis")]
// Helpers outside the #[test] functions may unwrap as the tests themselves do.
#![allow(clippy::unwrap_used)]

mod raw_http;

use std::sync::Arc;

use authbridge::nevis::{NevisAuth, NevisClient, NevisConfig};
use authbridge::transport::{RetryPolicy, TransportConfig};
use authbridge::{Secret, SecretBytes};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use tokio::net::TcpListener;

/// A private CA, a server certificate for `localhost` and a client certificate, both issued
/// by it, and a client certificate from a CA the server does not know.
struct Pki {
    ca_pem: String,
    ca_der: CertificateDer<'static>,
    server_chain: Vec<CertificateDer<'static>>,
    server_key: Vec<u8>,
    client_pem: String,
    stranger_pem: String,
}

fn issuer(name: &str) -> (Issuer<'static, KeyPair>, String, CertificateDer<'static>) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(rcgen::DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).unwrap();
    (Issuer::new(params, key), cert.pem(), cert.der().clone())
}

/// A leaf certificate for `names`, issued by `ca`, as one PEM with its private key.
fn leaf(ca: &Issuer<'static, KeyPair>, names: &[&str]) -> (String, CertificateDer<'static>, KeyPair) {
    let key = KeyPair::generate().unwrap();
    let params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    let cert = params.signed_by(&key, ca).unwrap();
    (format!("{}{}", cert.pem(), key.serialize_pem()), cert.der().clone(), key)
}

fn pki() -> Pki {
    let (ca, ca_pem, ca_der) = issuer("authbridge test CA");
    let (_, server_der, server_key) = leaf(&ca, &["localhost"]);
    let (client_pem, _, _) = leaf(&ca, &["portal-client"]);
    let (stranger_ca, _, _) = issuer("unknown CA");
    let (stranger_pem, _, _) = leaf(&stranger_ca, &["stranger"]);
    Pki {
        ca_pem,
        ca_der,
        server_chain: vec![server_der],
        server_key: server_key.serialize_der(),
        client_pem,
        stranger_pem,
    }
}

/// Serves HTTPS on a free port, demanding a client certificate issued by the test CA, and
/// answers every request with a successful login. Returns the base URL.
async fn https_server(pki: &Pki) -> String {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.ca_der.clone()).unwrap();
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone()).build().unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.server_key.clone()));
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(pki.server_chain.clone(), key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A refused handshake is what some tests expect: nothing to answer then.
                let Ok(mut tls) = acceptor.accept(stream).await else { return };
                if raw_http::read_head(&mut tls).await.is_some() {
                    raw_http::answer_login(&mut tls).await;
                }
            });
        }
    });
    format!("https://localhost:{port}")
}

fn client(base: &str, extra_ca: Option<&str>, identity: Option<&str>) -> NevisClient {
    let transport = TransportConfig {
        extra_ca_pem: extra_ca.map(|pem| pem.as_bytes().to_vec()),
        retry: RetryPolicy::none(),
        ..TransportConfig::default()
    };
    let mut config = NevisConfig::new(base).unwrap().transport(transport);
    if let Some(pem) = identity {
        config = config.auth(NevisAuth::ClientCertificate(SecretBytes::new(pem.as_bytes())));
    }
    NevisClient::new(config).unwrap()
}

async fn login(client: &NevisClient) -> authbridge::Result<authbridge::nevis::LoginStatus> {
    client.password_login("1000", "1234", &Secret::new("1StrongPassword!")).await
}

#[tokio::test]
async fn a_private_ca_is_trusted_only_when_configured_and_the_client_certificate_is_presented() {
    let pki = pki();
    let base = https_server(&pki).await;

    // The server's CA is not among the public roots.
    let error = login(&client(&base, None, Some(&pki.client_pem))).await.unwrap_err();
    assert!(matches!(error.code(), "connect" | "transport"), "{error:?}");

    // Trusted, but no client certificate: the server ends the handshake.
    let error = login(&client(&base, Some(&pki.ca_pem), None)).await.unwrap_err();
    assert!(matches!(error.code(), "connect" | "transport"), "{error:?}");

    // A client certificate from a CA the server does not know is refused too.
    let error = login(&client(&base, Some(&pki.ca_pem), Some(&pki.stranger_pem))).await.unwrap_err();
    assert!(matches!(error.code(), "connect" | "transport"), "{error:?}");

    let status = login(&client(&base, Some(&pki.ca_pem), Some(&pki.client_pem))).await.unwrap();
    assert!(status.status.is_ok());
}

#[tokio::test]
async fn unusable_pem_is_a_config_error_before_anything_is_sent() {
    let transport = TransportConfig {
        extra_ca_pem: Some(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n".to_vec()),
        ..TransportConfig::default()
    };
    let config = NevisConfig::new("https://localhost:9").unwrap().transport(transport);
    let error = match NevisClient::new(config) {
        Ok(client) => login(&client).await.unwrap_err(),
        Err(error) => error,
    };
    assert_eq!(error.code(), "config", "{error:?}");

    let config = NevisConfig::new("https://localhost:9")
        .unwrap()
        .auth(NevisAuth::ClientCertificate(SecretBytes::new(b"no key here".to_vec())));
    let error = match NevisClient::new(config) {
        Ok(client) => login(&client).await.unwrap_err(),
        Err(error) => error,
    };
    assert_eq!(error.code(), "config", "{error:?}");
    assert!(!format!("{error:?}").contains("no key here"));
}
