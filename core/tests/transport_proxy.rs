//! Proxies: an explicit proxy URL, the usual environment variables, and the switch that
//! ignores them. The proxy here is a local listener that answers as nevisIDM would, while the
//! configured nevisIDM address is a closed port: a login that succeeds went through the proxy.
#![cfg(feature = "nevis")]
// Helpers outside the #[test] functions may unwrap as the tests themselves do.
#![allow(clippy::unwrap_used)]

mod raw_http;

use std::sync::{Arc, Mutex};

use authbridge::nevis::{NevisClient, NevisConfig};
use authbridge::transport::{RetryPolicy, TransportConfig};
use authbridge::Secret;
use tokio::net::TcpListener;

/// A forward proxy stand-in: records each request line and answers a successful login.
async fn proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                let Some(head) = raw_http::read_head(&mut stream).await else { return };
                record.lock().unwrap().push(head.lines().next().unwrap_or_default().to_string());
                raw_http::answer_login(&mut stream).await;
            });
        }
    });
    (url, seen)
}

/// An address where nothing listens.
async fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}

fn client(base: &str, transport: TransportConfig) -> NevisClient {
    let transport = TransportConfig { retry: RetryPolicy::none(), ..transport };
    NevisClient::new(NevisConfig::new(base).unwrap().transport(transport)).unwrap()
}

async fn login(client: &NevisClient) -> authbridge::Result<authbridge::nevis::LoginStatus> {
    client.password_login("1000", "1234", &Secret::new("1StrongPassword!")).await
}

#[tokio::test]
async fn an_explicit_proxy_carries_the_request() {
    let (proxy_url, seen) = proxy().await;
    let nevis = closed_port().await;
    let client = client(&nevis, TransportConfig { proxy: Some(proxy_url), ..TransportConfig::default() });
    assert!(login(&client).await.unwrap().status.is_ok());
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    // A forward proxy gets the absolute URL of the vendor.
    assert!(
        seen[0].starts_with(&format!("POST {nevis}/nevisidm/api/auth/v1/1000/users/1234/password/login")),
        "{seen:?}"
    );

    let error = NevisClient::new(
        NevisConfig::new(&nevis)
            .unwrap()
            .transport(TransportConfig { proxy: Some("not a url".into()), ..TransportConfig::default() }),
    )
    .map(|_| ())
    .unwrap_err();
    assert_eq!(error.code(), "invalid_input");
    assert!(error.to_string().contains("proxy"), "{error}");
}

#[tokio::test]
async fn the_proxy_environment_variables_are_used_unless_switched_off() {
    let (proxy_url, seen) = proxy().await;
    let nevis = closed_port().await;
    // The only test in this binary that touches the environment.
    for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        std::env::set_var(name, &proxy_url);
    }
    for name in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(name);
    }

    assert!(login(&client(&nevis, TransportConfig::default())).await.unwrap().status.is_ok());
    assert_eq!(seen.lock().unwrap().len(), 1);

    let direct = client(&nevis, TransportConfig { use_env_proxy: false, ..TransportConfig::default() });
    assert_eq!(login(&direct).await.unwrap_err().code(), "connect");
    assert_eq!(seen.lock().unwrap().len(), 1, "the proxy was used although switched off");
}
