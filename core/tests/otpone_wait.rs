//! `OtpOneClient::wait_for_result` against the sandbox: every way a wait for a person ends.
#![cfg(all(feature = "otpone", feature = "sandbox"))]
// Helpers outside the #[test] functions may unwrap as the tests themselves do.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use authbridge::otpone::{ClientKey, OtpOneClient, OtpOneConfig, OtpOneServer, RequestType, ServerKey, Transaction};
use authbridge::sandbox::{Fault, Sandbox};
use authbridge::transport::{RetryPolicy, TransportConfig};
use authbridge::{CancellationToken, Secret, Vendor, WaitOptions};

const SRV: &str = "SRV-0b1c2d3e-1111-2222-3333-444455556666";
const JS: &str = "JS-0b1c2d3e-1111-2222-3333-444455556666";
const ALICE: &str = "alice@example.com";

struct Setup {
    sandbox: Sandbox,
    client: OtpOneClient,
    txn: Transaction,
}

/// A sandbox, a distributed transaction for Alice carrying a private token, and a client
/// built with `transport`.
async fn setup(transport: TransportConfig) -> Setup {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.otpone().register_keys(SRV, JS);
    let config = OtpOneConfig::new(&sandbox.url(Vendor::OtpOne).unwrap()).unwrap();
    let server = OtpOneServer::new(config.clone(), ServerKey::new(SRV).unwrap()).unwrap();
    let pt = Secret::new("private-for-the-client");
    let txn = server.get_transaction_id(ALICE, RequestType::RequestComputerSession, "Unlock", Some(&pt)).await.unwrap();
    let client = OtpOneClient::new(config.transport(transport), ClientKey::new(JS).unwrap()).unwrap();
    Setup { sandbox, client, txn }
}

fn options(timeout: Duration) -> WaitOptions {
    WaitOptions::new(timeout).interval(Duration::from_secs(1))
}

#[tokio::test]
async fn approved_while_waiting() {
    let s = setup(TransportConfig::default()).await;
    let person = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        s.sandbox.otpone().approve(&s.txn.id).unwrap();
    };
    let wait = options(Duration::from_secs(30));
    let (result, ()) = tokio::join!(s.client.wait_for_result(&s.txn.id, Some(ALICE), &wait), person);
    let result = result.unwrap();
    assert_eq!(result.user_valided, ALICE);
    assert_eq!(result.private_token.unwrap().expose(), "private-for-the-client");
    assert!(s.sandbox.request_count("otpone.IsFinish") >= 2, "approval came after the first poll");
    assert_eq!(s.sandbox.request_count("otpone.GetResult"), 1, "GetResult only once IsFinish is true");
}

#[tokio::test]
async fn denied_while_waiting() {
    let s = setup(TransportConfig::default()).await;
    let person = async {
        tokio::time::sleep(Duration::from_millis(1200)).await;
        assert!(s.sandbox.otpone().deny(&s.txn.id));
    };
    let wait = options(Duration::from_secs(30));
    let (result, ()) = tokio::join!(s.client.wait_for_result(&s.txn.id, Some(ALICE), &wait), person);
    let error = result.unwrap_err();
    assert_eq!((error.code(), error.vendor_code()), ("authentication_failed", Some("isValid")));
    assert_eq!(error.vendor_message(), Some("The user denied the request"));
}

#[tokio::test]
async fn approved_for_another_user_fails_the_wait() {
    let s = setup(TransportConfig::default()).await;
    s.sandbox.otpone().set_reported_user(&s.txn.id, "mallory@example.com");
    s.sandbox.otpone().approve(&s.txn.id).unwrap();
    let error = s.client.wait_for_result(&s.txn.id, Some(ALICE), &options(Duration::from_secs(30))).await.unwrap_err();
    assert_eq!((error.code(), error.vendor_code()), ("authentication_failed", Some("UserValided")));
}

#[tokio::test]
async fn deadline_passes() {
    let s = setup(TransportConfig::default()).await;
    let started = Instant::now();
    let error = s.client.wait_for_result(&s.txn.id, Some(ALICE), &options(Duration::from_secs(2))).await.unwrap_err();
    assert_eq!(error.code(), "timeout");
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert!(s.sandbox.request_count("otpone.IsFinish") >= 2);
    assert_eq!(s.sandbox.request_count("otpone.GetResult"), 0);
}

#[tokio::test]
async fn cancelled() {
    let s = setup(TransportConfig::default()).await;
    let token = CancellationToken::new();
    let canceller = async {
        tokio::time::sleep(Duration::from_millis(1200)).await;
        token.cancel();
    };
    let wait = options(Duration::from_secs(60)).cancel(token.clone());
    let (result, ()) = tokio::join!(s.client.wait_for_result(&s.txn.id, Some(ALICE), &wait), canceller);
    assert_eq!(result.unwrap_err().code(), "cancelled");
    assert_eq!(s.sandbox.otpone().transaction(&s.txn.id).unwrap().status.as_str(), "pending");
}

#[tokio::test]
async fn rate_limited_then_approved_waits_out_the_retry_after() {
    // No transport retries: the 429 reaches the wait, which must pause for its Retry-After.
    let s = setup(TransportConfig { retry: RetryPolicy::none(), ..TransportConfig::default() }).await;
    s.sandbox.otpone().approve(&s.txn.id).unwrap();
    s.sandbox.arm_times("otpone.IsFinish", Fault::Status { status: 429, retry_after: Some("2".into()) }, 1);
    let started = Instant::now();
    let result = s.client.wait_for_result(&s.txn.id, Some(ALICE), &options(Duration::from_secs(30))).await.unwrap();
    assert_eq!(result.user_valided, ALICE);
    assert!(started.elapsed() >= Duration::from_secs(2), "polled again before Retry-After");
    assert_eq!(s.sandbox.request_count("otpone.IsFinish"), 2);
}

#[tokio::test]
async fn rate_limited_answers_absorbed_by_the_transport() {
    // With the default retry policy the transport honours a short Retry-After itself.
    let s = setup(TransportConfig::default()).await;
    s.sandbox.otpone().approve(&s.txn.id).unwrap();
    s.sandbox.arm_times("otpone.IsFinish", Fault::Status { status: 429, retry_after: Some("1".into()) }, 1);
    let result = s.client.wait_for_result(&s.txn.id, Some(ALICE), &options(Duration::from_secs(30))).await.unwrap();
    assert_eq!(result.private_token.unwrap().expose(), "private-for-the-client");
    assert_eq!(s.sandbox.request_count("otpone.IsFinish"), 2);
}

#[tokio::test]
async fn a_rate_limit_longer_than_the_deadline_ends_in_timeout() {
    let s = setup(TransportConfig { retry: RetryPolicy::none(), ..TransportConfig::default() }).await;
    s.sandbox.otpone().approve(&s.txn.id).unwrap();
    s.sandbox.arm("otpone.IsFinish", Fault::Status { status: 429, retry_after: Some("60".into()) });
    let error = s.client.wait_for_result(&s.txn.id, None, &options(Duration::from_secs(2))).await.unwrap_err();
    assert_eq!(error.code(), "timeout");
    assert_eq!(s.sandbox.request_count("otpone.IsFinish"), 1, "must not poll during the Retry-After");
}

#[tokio::test]
async fn a_server_error_ends_the_wait() {
    let s = setup(TransportConfig { retry: RetryPolicy::none(), ..TransportConfig::default() }).await;
    s.sandbox.arm("otpone.IsFinish", Fault::Status { status: 500, retry_after: None });
    let error = s.client.wait_for_result(&s.txn.id, None, &options(Duration::from_secs(30))).await.unwrap_err();
    assert_eq!((error.code(), error.status()), ("http_status", Some(500)));
}
