//! The embedded receiver over TLS, with certificates made for the test: callbacks over https,
//! mutual TLS that refuses clients without a certificate from the configured CA at the
//! handshake and marks the requests of those with one, a stalled handshake closed by the
//! header timeout, and unusable PEM refused as a config error that does not quote the key.
#![cfg(all(unix, feature = "nopass", feature = "server", feature = "sandbox"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod nopass_support;
mod receiver_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use authbridge::nopass::{AccessPolicy, Callback, EmbeddedServer, NoHooks, Portal, ReceiverOptions, ServerTls};
use authbridge::serve::{full, serve_with, Peer, ServeOptions};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use receiver_support::*;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A private CA with a server certificate for `localhost` and `127.0.0.1` and a client
/// certificate, and a client certificate from a CA the server does not know.
struct Pki {
    ca_pem: String,
    ca_der: CertificateDer<'static>,
    server_cert_pem: String,
    server_key_pem: String,
    client: Identity,
    stranger: Identity,
}

/// A client certificate with its key, as PEM (for reqwest) and DER (for rustls).
struct Identity {
    pem: String,
    der: CertificateDer<'static>,
    key: Vec<u8>,
}

fn issuer(name: &str) -> (Issuer<'static, KeyPair>, String, CertificateDer<'static>) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(rcgen::DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).unwrap();
    (Issuer::new(params, key), cert.pem(), cert.der().clone())
}

fn leaf(ca: &Issuer<'static, KeyPair>, names: &[&str]) -> (String, Identity) {
    let key = KeyPair::generate().unwrap();
    let params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    let cert = params.signed_by(&key, ca).unwrap();
    let identity = Identity {
        pem: format!("{}{}", cert.pem(), key.serialize_pem()),
        der: cert.der().clone(),
        key: key.serialize_der(),
    };
    (cert.pem(), identity)
}

fn pki() -> Pki {
    let (ca, ca_pem, ca_der) = issuer("authbridge receiver test CA");
    let (server_cert_pem, server) = leaf(&ca, &["localhost", "127.0.0.1"]);
    let server_key_pem = server.pem[server_cert_pem.len()..].to_string();
    let (_, client) = leaf(&ca, &["nopass-server"]);
    let (stranger_ca, _, _) = issuer("unknown CA");
    let (_, stranger) = leaf(&stranger_ca, &["stranger"]);
    Pki { ca_pem, ca_der, server_cert_pem, server_key_pem, client, stranger }
}

fn server_tls(pki: &Pki) -> ServerTls {
    ServerTls::from_pem(pki.server_cert_pem.as_bytes(), pki.server_key_pem.as_bytes()).unwrap()
}

fn mutual_tls(pki: &Pki) -> ServerTls {
    server_tls(pki).require_client_certificates(pki.ca_pem.as_bytes()).unwrap()
}

async fn start(options: ReceiverOptions) -> EmbeddedServer {
    EmbeddedServer::start_with(portal(NoHooks), localhost(), options).await.unwrap()
}

/// An HTTPS client trusting the test CA, presenting `identity` if given.
fn https_client(pki: &Pki, identity: Option<&Identity>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .add_root_certificate(reqwest::Certificate::from_pem(pki.ca_pem.as_bytes()).unwrap());
    if let Some(identity) = identity {
        builder = builder.identity(reqwest::Identity::from_pem(identity.pem.as_bytes()).unwrap());
    }
    builder.build().unwrap()
}

async fn pre_register(client: &reqwest::Client, base: &str) -> reqwest::Result<reqwest::Response> {
    client
        .post(format!("{base}{}", Callback::ConfirmPreRegistration.path()))
        .header("Content-Type", "application/json-patch+json")
        .body(pre_registration())
        .send()
        .await
}

/// Connects with rustls directly (presenting `identity` if given), sends a callback and
/// reads: the TLS error the server's alert causes, or what came back.
async fn raw_tls_callback(pki: &Pki, server: &EmbeddedServer, identity: Option<&Identity>) -> std::io::Result<String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.ca_der.clone()).unwrap();
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let config = match identity {
        None => builder.with_no_client_auth(),
        Some(identity) => builder
            .with_client_auth_cert(
                vec![identity.der.clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(identity.key.clone())),
            )
            .unwrap(),
    };
    let tcp = TcpStream::connect(server.addr()).await?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    // With TLS 1.3 the client finishes its side before the server has checked its
    // certificate, so the refusal may only show on the first read.
    let mut tls = connector.connect(ServerName::try_from("localhost").unwrap(), tcp).await?;
    tls.write_all(&request_then_close(Callback::ConfirmPreRegistration, &pre_registration())).await?;
    let mut received = Vec::new();
    tls.read_to_end(&mut received).await?;
    Ok(String::from_utf8_lossy(&received).into_owned())
}

/// The TLS alert the server sent, if that is what `result` failed with.
fn alert(result: &std::io::Result<String>) -> Option<rustls::AlertDescription> {
    let error = result.as_ref().err()?.get_ref()?.downcast_ref::<rustls::Error>()?;
    match error {
        rustls::Error::AlertReceived(description) => Some(*description),
        _ => None,
    }
}

#[tokio::test]
async fn a_callback_over_https_is_answered() {
    let pki = pki();
    let server = start(ReceiverOptions::default().tls(server_tls(&pki))).await;
    assert!(server.url().starts_with("https://127.0.0.1:"), "{}", server.url());

    let answer = pre_register(&https_client(&pki, None), &server.url()).await.unwrap();
    assert_eq!(answer.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn with_a_client_ca_only_its_certificates_get_past_the_handshake() {
    let pki = pki();
    let server = start(ReceiverOptions::default().tls(mutual_tls(&pki))).await;

    let without = raw_tls_callback(&pki, &server, None).await;
    assert_eq!(alert(&without), Some(rustls::AlertDescription::CertificateRequired), "{without:?}");

    let stranger = raw_tls_callback(&pki, &server, Some(&pki.stranger)).await;
    assert!(alert(&stranger).is_some(), "a certificate from another CA got through: {stranger:?}");

    let trusted = raw_tls_callback(&pki, &server, Some(&pki.client)).await.unwrap();
    assert!(trusted.starts_with("HTTP/1.1 200 "), "{trusted}");
    let answer = pre_register(&https_client(&pki, Some(&pki.client)), &server.url()).await.unwrap();
    assert_eq!(answer.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn requests_are_marked_verified_only_on_mutual_tls_connections() {
    let pki = pki();
    // What the server loop tells the receiver about each request's connection; the receiver
    // copies it into `RequestHead::client_certificate_verified` (tested with it).
    let echo = |_request, peer: Peer| async move {
        Ok(http::Response::new(full(peer.client_certificate_verified.to_string())))
    };
    let verified = |options: ServeOptions, client: reqwest::Client, scheme: &'static str| async move {
        let server = serve_with(localhost(), options, echo).await.unwrap();
        let answer = client.get(format!("{scheme}://localhost:{}/", server.addr().port())).send().await.unwrap();
        answer.text().await.unwrap()
    };
    let client = https_client(&pki, Some(&pki.client));

    let mutual = ServeOptions { tls: Some(mutual_tls(&pki)), ..ServeOptions::default() };
    assert_eq!(verified(mutual, client.clone(), "https").await, "true");
    // The same client, but the server asks for no certificate.
    let tls_only = ServeOptions { tls: Some(server_tls(&pki)), ..ServeOptions::default() };
    assert_eq!(verified(tls_only, client.clone(), "https").await, "false");
    assert_eq!(verified(ServeOptions::default(), client, "http").await, "false");
}

#[tokio::test]
async fn the_client_certificate_policy_admits_only_callers_the_receiver_verified() {
    let pki = pki();
    let portal = Portal::builder(nopass_support::config().access(AccessPolicy::client_certificate())).build().unwrap();
    let start =
        |tls: ServerTls| EmbeddedServer::start_with(portal.clone(), localhost(), ReceiverOptions::default().tls(tls));

    // Mutual TLS: the NoPass server's certificate gets the callback served.
    let mutual = start(mutual_tls(&pki)).await.unwrap();
    let answer = pre_register(&https_client(&pki, Some(&pki.client)), &mutual.url()).await.unwrap();
    assert_eq!(answer.status(), 200);
    mutual.stop().await;
    portal.reset().await.unwrap();

    // TLS without a client CA: a certificate the client presents proves nothing, so an
    // attacker's callback is refused before it is parsed, and nothing changes.
    let plain = start(server_tls(&pki)).await.unwrap();
    let before = portal.status().await.unwrap();
    for identity in [None, Some(&pki.client), Some(&pki.stranger)] {
        let answer = pre_register(&https_client(&pki, identity), &plain.url()).await.unwrap();
        assert_eq!(answer.status(), 403);
        let body: serde_json::Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
        assert_eq!(body["errors"][0]["code"], "client_certificate_required");
    }
    assert_eq!(portal.status().await.unwrap(), before);
    plain.stop().await;
}

#[tokio::test]
async fn a_stalled_tls_handshake_is_closed_by_the_header_timeout() {
    let pki = pki();
    let header_timeout = Duration::from_secs(1);
    let options = ReceiverOptions::default()
        .tls(server_tls(&pki))
        .header_read_timeout(header_timeout)
        .idle_timeout(Duration::from_secs(60));
    let server = start(options).await;

    let opened = Instant::now();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    // The first bytes of a ClientHello record, then nothing.
    stream.write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01]).await.unwrap();
    assert!(closed_within(&mut stream, Duration::from_secs(10)).await, "a stalled handshake stays open");
    assert!(opened.elapsed() >= header_timeout, "closed after {:?}", opened.elapsed());
    server.stop().await;
}

#[test]
fn unusable_pem_is_a_config_error_that_does_not_quote_the_key() {
    let pki = pki();
    let cert = pki.server_cert_pem.as_bytes();
    let secret_line = "c2VjcmV0IGtleSBtYXRlcmlhbA==!";
    let broken_key = format!("-----BEGIN PRIVATE KEY-----\n{secret_line}\n-----END PRIVATE KEY-----\n");
    let unterminated_key = format!("-----BEGIN PRIVATE KEY-----\n{secret_line}\n");
    for key in [broken_key.as_str(), unterminated_key.as_str(), "no key here", ""] {
        let error = ServerTls::from_pem(cert, key.as_bytes()).unwrap_err();
        assert_eq!(error.code(), "config", "{error:?}");
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("c2VjcmV0") && !shown.contains("no key here"), "{shown}");
    }

    // A key that is not the certificate's.
    let error = ServerTls::from_pem(cert, KeyPair::generate().unwrap().serialize_pem().as_bytes()).unwrap_err();
    assert_eq!(error.code(), "config", "{error:?}");

    let key = pki.server_key_pem.as_bytes();
    for chain in ["", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"] {
        assert_eq!(ServerTls::from_pem(chain.as_bytes(), key).unwrap_err().code(), "config", "{chain:?}");
    }
    for bundle in ["", "not a certificate"] {
        let error = server_tls(&pki).require_client_certificates(bundle.as_bytes()).unwrap_err();
        assert_eq!(error.code(), "config", "{bundle:?}");
    }
    let tls = server_tls(&pki);
    assert!(!format!("{tls:?}").contains("PRIVATE"), "{tls:?}");
    assert!(!tls.requires_client_certificates() && mutual_tls(&pki).requires_client_certificates());
}
