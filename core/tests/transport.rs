//! The transport's promises, observed from outside: safe retries only, Retry-After honoured,
//! time and size limits, same-origin redirects, the User-Agent.
#![cfg(all(feature = "nevis", feature = "sandbox"))]
// Helpers outside the #[test] functions may unwrap as the tests themselves do.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use authbridge::nevis::{NevisClient, NevisConfig};
use authbridge::sandbox::{Fault, Sandbox};
use authbridge::transport::{Replay, Request, RetryPolicy, Transport, TransportConfig};
use authbridge::{Secret, Vendor};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const ROUTE: &str = "nevisidm.password_login";

async fn setup(transport: TransportConfig) -> (Sandbox, NevisClient) {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.nevis().add_client("1000", "Default");
    sandbox.nevis().add_user("1000", "1234");
    sandbox.nevis().set_password("1000", "1234", "pw");
    let config = NevisConfig::new(&sandbox.url(Vendor::Nevis).unwrap()).unwrap().transport(transport);
    (sandbox, NevisClient::new(config).unwrap())
}

async fn login(client: &NevisClient) -> authbridge::Result<authbridge::nevis::LoginStatus> {
    client.password_login("1000", "1234", &Secret::new("pw")).await
}

#[tokio::test]
async fn a_503_with_retry_after_is_waited_out_then_succeeds() {
    let (sandbox, client) = setup(TransportConfig::default()).await;
    sandbox.arm_times(ROUTE, Fault::Status { status: 503, retry_after: Some("1".into()) }, 1);
    let started = Instant::now();
    assert!(login(&client).await.unwrap().status.is_ok());
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After: 1 was not honoured");
    assert_eq!(sandbox.request_count(ROUTE), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_returned_as_rate_limited() {
    let (sandbox, client) = setup(TransportConfig::default()).await;
    sandbox.arm_times(ROUTE, Fault::Status { status: 429, retry_after: Some("3600".into()) }, 1);
    let error = login(&client).await.unwrap_err();
    assert_eq!(error.code(), "rate_limited");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(sandbox.request_count(ROUTE), 1);
}

#[tokio::test]
async fn a_503_without_retry_after_is_not_replayed_for_a_password() {
    let (sandbox, client) = setup(TransportConfig::default()).await;
    sandbox.arm_times(ROUTE, Fault::Status { status: 503, retry_after: None }, 1);
    let error = login(&client).await.unwrap_err();
    assert_eq!(error.code(), "http_status");
    assert_eq!(error.status(), Some(503));
    assert_eq!(sandbox.request_count(ROUTE), 1);
}

#[tokio::test]
async fn a_connection_reset_on_a_password_login_is_not_retried() {
    let (sandbox, client) = setup(TransportConfig::default()).await;
    sandbox.arm_times(ROUTE, Fault::Reset, 1);
    let error = login(&client).await.unwrap_err();
    assert_eq!(error.code(), "transport", "{error}");
    assert_eq!(sandbox.request_count(ROUTE), 1, "the password must reach the server only once");
}

#[tokio::test]
async fn a_truncated_answer_to_a_password_login_is_not_retried() {
    let (sandbox, client) = setup(TransportConfig::default()).await;
    sandbox.arm_times(ROUTE, Fault::TruncatedBody, 1);
    let error = login(&client).await.unwrap_err();
    assert_eq!(error.code(), "transport", "{error}");
    assert_eq!(sandbox.request_count(ROUTE), 1);
}

#[tokio::test]
async fn a_safe_request_is_retried_after_a_reset() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.arm_times(ROUTE, Fault::Reset, 1);
    let transport = Transport::new(Vendor::Nevis, TransportConfig::default()).unwrap();
    let url = format!("{}/nevisidm/api/auth/v1/1000/users/1234/password/login/", sandbox.url(Vendor::Nevis).unwrap());
    let request = Request::new(http::Method::GET, url.parse().unwrap(), "probe", Replay::Safe);
    // The second attempt reaches the handler, which refuses GET strictly.
    let response = transport.send(request).await.unwrap();
    assert_eq!(response.status, 400);
    assert_eq!(sandbox.request_count(ROUTE), 2);
}

#[tokio::test]
async fn a_slow_server_fails_with_timeout_within_the_bound() {
    let transport = TransportConfig { request_timeout: Duration::from_millis(300), ..TransportConfig::default() };
    let (sandbox, client) = setup(transport).await;
    sandbox.arm(ROUTE, Fault::Delay(Duration::from_secs(5)));
    let started = Instant::now();
    let error = login(&client).await.unwrap_err();
    assert_eq!(error.code(), "timeout", "{error}");
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
    assert_eq!(sandbox.request_count(ROUTE), 1);
}

#[tokio::test]
async fn an_oversize_answer_is_a_clear_error() {
    let transport = TransportConfig { max_response_bytes: 1024, ..TransportConfig::default() };
    let (sandbox, client) = setup(transport).await;
    sandbox.arm_times(ROUTE, Fault::LargeBody(64 * 1024), 1);
    let error = login(&client).await.unwrap_err();
    assert_eq!(error.code(), "response_too_large");
    assert!(error.to_string().contains("1024 bytes"), "{error}");
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error_after_bounded_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let transport = TransportConfig {
        retry: RetryPolicy { max_attempts: 2, base_delay: Duration::from_millis(10), ..RetryPolicy::default() },
        ..TransportConfig::default()
    };
    let client = NevisClient::new(NevisConfig::new(&url).unwrap().transport(transport)).unwrap();
    let error = login(&client).await.unwrap_err();
    assert_eq!(error.code(), "connect", "{error}");
}

/// Accepts one connection, returns the raw request head, and answers `answer`.
async fn one_shot_server(answer: String) -> (String, tokio::task::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        stream.write_all(answer.as_bytes()).await.unwrap();
        String::from_utf8_lossy(&head).into_owned()
    });
    (url, task)
}

#[tokio::test]
async fn requests_carry_the_authbridge_user_agent() {
    let ok = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 45\r\nconnection: close\r\n\r\n{\"statusCode\":5,\"description\":\"Login Ok....\"}";
    let (url, server) = one_shot_server(ok.to_string()).await;
    let client = NevisClient::new(NevisConfig::new(&url).unwrap()).unwrap();
    login(&client).await.unwrap();
    let head = server.await.unwrap().to_ascii_lowercase();
    assert!(head.contains(&format!("user-agent: authbridge/{}", env!("CARGO_PKG_VERSION"))), "{head}");
}

#[tokio::test]
async fn redirects_to_another_origin_are_not_followed() {
    let elsewhere = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let elsewhere_addr = elsewhere.local_addr().unwrap();
    let redirect = format!(
        "HTTP/1.1 307 Temporary Redirect\r\nlocation: http://{elsewhere_addr}/steal\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    let (url, server) = one_shot_server(redirect).await;
    let config = NevisConfig::new(&url).unwrap().auth(authbridge::nevis::NevisAuth::Bearer(Secret::new("token")));
    let client = NevisClient::new(config).unwrap();
    let error = login(&client).await.unwrap_err();
    assert_eq!(error.status(), Some(307), "{error}");
    server.await.unwrap();
    let contacted = tokio::time::timeout(Duration::from_millis(200), elsewhere.accept()).await;
    assert!(contacted.is_err(), "the redirect target was contacted");
}
