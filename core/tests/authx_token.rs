//! The AuthX access token: cached, renewed ahead of `expires_in`, renewed after a 401, and
//! fetched by one request however many calls wait for it (counted by the sandbox).
#![cfg(all(feature = "authx", feature = "sandbox"))]
// Helpers outside the #[test] functions may unwrap as the tests themselves do.
#![allow(clippy::unwrap_used)]

mod authx_support;

use std::sync::Arc;
use std::time::Duration;

use authbridge::authx::{AuthxClient, PinVerification};
use authbridge::sandbox::{Fault, Sandbox};
use authbridge::transport::RetryPolicy;
use authbridge::Secret;
use authx_support::{config, profile, setup};
use futures_util::future::join_all;

const TOKEN: &str = "authx.AccessToken";

/// A user with PIN 102374.
async fn user_with_pin(client: &AuthxClient) -> String {
    let guid = client.add_user(&profile("concurrent")).await.unwrap();
    client.generate_pin(guid.as_str(), &Secret::new("102374")).await.unwrap();
    guid.as_str().to_string()
}

/// Runs `n` VerifyPin calls at once, each in its own task on the multi-thread runtime, and
/// checks every one verified.
async fn verify_concurrently(client: &Arc<AuthxClient>, guid: &str, n: usize) {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (client, guid) = (client.clone(), guid.to_string());
            tokio::spawn(async move { client.verify_pin(&guid, &Secret::new("102374")).await })
        })
        .collect();
    for outcome in join_all(tasks).await {
        assert_eq!(outcome.unwrap().unwrap(), PinVerification::Verified);
    }
}

#[tokio::test]
async fn the_token_is_fetched_once_and_reused() {
    let (sandbox, client) = setup().await;
    let token = client.access_token().await.unwrap();
    assert_eq!(token.token_type, "bearer");
    assert_eq!(token.expires_in, Duration::from_secs(1_209_599));
    assert_eq!(token.company_id.as_deref(), Some("10022513"));
    assert!(token.issued.as_deref().is_some_and(|d| d.ends_with(" GMT")));
    assert!(token.expires.is_some());
    user_with_pin(&client).await;
    let again = client.access_token().await.unwrap();
    assert_eq!(again.access_token, token.access_token);
    assert_eq!(sandbox.request_count(TOKEN), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundred_calls_on_a_lapsed_token_make_one_token_request() {
    let (sandbox, client) = setup().await;
    let client = Arc::new(client);
    sandbox.authx().set_token_lifetime(Duration::from_secs(1));
    let guid = user_with_pin(&client).await;
    // Past `expires_in`: the client knows the token is stale without asking the server.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    sandbox.authx().set_token_lifetime(Duration::from_secs(3600));
    sandbox.reset_counts();
    verify_concurrently(&client, &guid, 100).await;
    assert_eq!(sandbox.request_count(TOKEN), 1);
    assert_eq!(sandbox.request_count("authx.VerifyPin"), 100, "no call was refused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundred_calls_on_a_token_the_server_ended_make_one_token_request() {
    let (sandbox, client) = setup().await;
    let client = Arc::new(client);
    let guid = user_with_pin(&client).await;
    // The client still holds a token it believes valid for two weeks; the server disagrees.
    sandbox.authx().expire_tokens();
    sandbox.reset_counts();
    verify_concurrently(&client, &guid, 100).await;
    assert_eq!(sandbox.request_count(TOKEN), 1);
    // Calls that sent the old token were refused and repeated once; calls that started after
    // the renewal went out with the new token at once.
    let sent = sandbox.request_count("authx.VerifyPin");
    assert!((101..=200).contains(&sent), "{sent} VerifyPin requests");
}

#[tokio::test]
async fn the_token_is_renewed_before_it_lapses() {
    let (sandbox, client) = setup().await;
    sandbox.authx().set_token_lifetime(Duration::from_secs(4));
    let guid = user_with_pin(&client).await;
    let first = client.access_token().await.unwrap();
    // Renewal is due half-way through a short life (the 5-minute margin exceeds it).
    tokio::time::sleep(Duration::from_millis(2300)).await;
    sandbox.reset_counts();
    assert!(client.verify_pin(&guid, &Secret::new("102374")).await.unwrap().is_verified());
    assert_eq!(sandbox.request_count(TOKEN), 1);
    assert_eq!(sandbox.request_count("authx.VerifyPin"), 1, "renewed ahead, not after a refusal");
    assert_ne!(client.access_token().await.unwrap().access_token, first.access_token);
}

#[tokio::test]
async fn a_second_401_is_returned_after_one_renewal() {
    let (sandbox, client) = setup().await;
    let guid = user_with_pin(&client).await;
    sandbox.reset_counts();
    sandbox.arm_times("authx.VerifyPin", Fault::Status { status: 401, retry_after: None }, 2);
    let error = client.verify_pin(&guid, &Secret::new("102374")).await.unwrap_err();
    assert_eq!((error.code(), error.status()), ("unauthorized", Some(401)));
    assert_eq!(sandbox.request_count(TOKEN), 1, "renewed once");
    assert_eq!(sandbox.request_count("authx.VerifyPin"), 2, "repeated once");
}

#[tokio::test]
async fn a_refused_add_user_is_repeated_once_and_adds_one_user() {
    let (sandbox, client) = setup().await;
    client.access_token().await.unwrap();
    sandbox.authx().expire_tokens();
    client.add_user(&profile("once")).await.unwrap();
    assert_eq!(sandbox.authx().user_count(), 1);
    assert_eq!(sandbox.request_count("authx.AddUser"), 2);
    assert_eq!(sandbox.request_count(TOKEN), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_token_request_is_shared_not_repeated_by_every_caller() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut config = config(&sandbox);
    config.transport.request_timeout = Duration::from_millis(300);
    config.transport.retry = RetryPolicy::none();
    let client = AuthxClient::new(config).unwrap();
    // The one token request times out; every caller is waiting on it by then.
    sandbox.arm_times(TOKEN, Fault::Delay(Duration::from_secs(1)), 1);
    for outcome in join_all((0..20).map(|_| client.delete_user("g"))).await {
        assert_eq!(outcome.unwrap_err().code(), "timeout");
    }
    assert_eq!(sandbox.request_count(TOKEN), 1);
    assert_eq!(sandbox.request_count("authx.DeleteUser"), 0);
    // The next call asks again.
    client.access_token().await.unwrap();
    assert_eq!(sandbox.request_count(TOKEN), 2);
}

#[tokio::test]
async fn a_token_refused_unprocessed_is_asked_again() {
    let (sandbox, client) = setup().await;
    sandbox.arm_times(TOKEN, Fault::Status { status: 503, retry_after: Some("0".into()) }, 1);
    client.access_token().await.unwrap();
    assert_eq!(sandbox.request_count(TOKEN), 2);
}
