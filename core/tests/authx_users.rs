//! AddUser, UpdateUser, DeleteUser, GeneratePin, VerifyPin against the sandbox: every success,
//! every refusal, and the failures of the HTTP layer.
#![cfg(all(feature = "authx", feature = "sandbox"))]
// Helpers outside the #[test] functions may unwrap as the tests themselves do.
#![allow(clippy::unwrap_used)]

mod authx_support;

use authbridge::authx::{AuthxClient, AuthxConfig, PinVerification};
use authbridge::sandbox::{AuthxSim, Fault};
use authbridge::{Secret, Vendor};
use authx_support::{config, profile, setup};
use serde_json::json;

#[tokio::test]
async fn add_user_sends_the_seed_shape_and_decodes_the_guid() {
    let (sandbox, client) = setup().await;
    let guid = client.add_user(&profile("Richard001")).await.unwrap();
    let stored = sandbox.authx().user_named("Richard001").unwrap();
    assert_eq!(guid.as_str(), stored.guid);
    assert_eq!(stored.country_code, "+1");
    assert_eq!(
        sandbox.authx().last_request("authx.AddUser").unwrap(),
        json!({
            "guid": "",
            "user_name": "Richard001",
            "email": "Richard001@example.com",
            "name": { "first_Name": "Richard", "last_Name": "Miller" },
            "phone": { "mobile": { "countryCode": "+1", "number": "9876813805" } }
        }),
        "aliases left out, countryCode defaulted to +1"
    );
}

#[tokio::test]
async fn add_user_with_country_code_and_aliases() {
    let (sandbox, client) = setup().await;
    let user = profile("Priya").country_code("+91").alias(0, "priya.k").unwrap().alias(4, "pk").unwrap();
    let guid = client.add_user(&user).await.unwrap();
    let stored = sandbox.authx().user(guid.as_str()).unwrap();
    assert_eq!(stored.country_code, "+91");
    assert_eq!(stored.aliases, [Some("priya.k".into()), None, None, None, Some("pk".into())]);
    let sent = sandbox.authx().last_request("authx.AddUser").unwrap();
    assert_eq!(sent["alias_name"], "priya.k");
    assert_eq!(sent["alias_name4"], "pk");
    assert!(sent.get("alias_name1").is_none());
}

#[tokio::test]
async fn a_taken_user_name_is_a_vendor_error_with_subcode_and_text() {
    let (_sandbox, client) = setup().await;
    client.add_user(&profile("dup")).await.unwrap();
    let error = client.add_user(&profile("dup")).await.unwrap_err();
    assert_eq!(error.code(), "vendor");
    assert_eq!(error.vendor(), Some(Vendor::AuthX));
    assert_eq!(error.status(), Some(200));
    assert_eq!(error.vendor_code(), Some("0"));
    assert_eq!(error.vendor_message(), Some("User name already exists"));
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let (sandbox, client) = setup().await;
    let mut bad = profile("x");
    bad.last_name = String::new();
    let error = client.add_user(&bad).await.unwrap_err();
    assert_eq!(error.to_string(), "invalid input: `last_Name` must not be empty");
    let error = client.add_user(&profile("x").country_code("0091")).await.unwrap_err();
    assert!(error.to_string().contains("`countryCode`"), "{error}");
    assert_eq!(client.verify_pin("", &Secret::new("1")).await.unwrap_err().code(), "invalid_input");
    assert_eq!(client.generate_pin("g", &Secret::new(" ")).await.unwrap_err().code(), "invalid_input");
    assert_eq!(client.delete_user("a\nb").await.unwrap_err().code(), "invalid_input");
    assert_eq!(sandbox.request_count("authx.AddUser"), 0);
    assert_eq!(sandbox.request_count("authx.AccessToken"), 0, "not even a token was fetched");
}

#[tokio::test]
async fn update_user_changes_the_profile_but_not_the_user_name() {
    let (sandbox, client) = setup().await;
    let guid = client.add_user(&profile("Richard088")).await.unwrap();
    let mut changed = profile("Richard088").country_code("+44");
    changed.email = "Richardmiller088@gmail.com".into();
    let answered = client.update_user(guid.as_str(), &changed).await.unwrap();
    assert_eq!(answered, guid);
    let stored = sandbox.authx().user(guid.as_str()).unwrap();
    assert_eq!((stored.email.as_str(), stored.country_code.as_str()), ("Richardmiller088@gmail.com", "+44"));
    assert_eq!(sandbox.authx().last_request("authx.UpdateUser").unwrap()["guid"], guid.as_str());

    let error = client.update_user(guid.as_str(), &profile("someone-else")).await.unwrap_err();
    assert_eq!((error.code(), error.vendor_code()), ("vendor", Some("0")));
    assert_eq!(error.vendor_message(), Some("user_name cannot be changed"));

    let error = client.update_user("no-such-guid", &changed).await.unwrap_err();
    assert_eq!((error.code(), error.vendor_code()), ("vendor", Some("100")));
    assert_eq!(error.vendor_message(), Some("User not found"));
}

#[tokio::test]
async fn delete_user_then_again() {
    let (sandbox, client) = setup().await;
    let guid = client.add_user(&profile("gone")).await.unwrap();
    client.delete_user(guid.as_str()).await.unwrap();
    assert!(sandbox.authx().user(guid.as_str()).is_none());
    let error = client.delete_user(guid.as_str()).await.unwrap_err();
    assert_eq!((error.code(), error.vendor_code()), ("vendor", Some("100")));
}

#[tokio::test]
async fn pins_right_wrong_missing_and_unknown_user() {
    let (sandbox, client) = setup().await;
    let guid = client.add_user(&profile("pinner")).await.unwrap();
    let guid = guid.as_str();

    let before = client.verify_pin(guid, &Secret::new("102374")).await.unwrap();
    assert_eq!(
        before,
        PinVerification::Rejected { subcode: 0, message: Some("No PIN generated for this user".into()) }
    );

    client.generate_pin(guid, &Secret::new("102374")).await.unwrap();
    assert!(sandbox.authx().user(guid).unwrap().has_pin);
    assert_eq!(sandbox.authx().last_request("authx.GeneratePin").unwrap(), json!({ "guid": guid, "pin": "102374" }));

    let right = client.verify_pin(guid, &Secret::new("102374")).await.unwrap();
    assert!(right.is_verified());
    let wrong = client.verify_pin(guid, &Secret::new("999999")).await.unwrap();
    assert_eq!(wrong, PinVerification::Rejected { subcode: 0, message: Some("Invalid PIN".into()) });
    assert!(!wrong.is_verified());

    let error = client.verify_pin("no-such-guid", &Secret::new("102374")).await.unwrap_err();
    assert_eq!((error.code(), error.vendor_code()), ("vendor", Some("100")));
    let error = client.generate_pin("no-such-guid", &Secret::new("1")).await.unwrap_err();
    assert_eq!((error.code(), error.vendor_code()), ("vendor", Some("100")));
}

#[tokio::test]
async fn a_server_error_is_reported_and_never_replayed() {
    let (sandbox, client) = setup().await;
    sandbox.arm_times("authx.AddUser", Fault::Status { status: 500, retry_after: None }, 1);
    let error = client.add_user(&profile("a")).await.unwrap_err();
    assert_eq!((error.code(), error.status()), ("http_status", Some(500)));
    assert_eq!(sandbox.request_count("authx.AddUser"), 1);
    assert_eq!(sandbox.authx().user_count(), 0);

    sandbox.arm_times("authx.VerifyPin", Fault::Reset, 1);
    let error = client.verify_pin("g", &Secret::new("1")).await.unwrap_err();
    assert_eq!(error.code(), "transport");
    assert_eq!(sandbox.request_count("authx.VerifyPin"), 1, "a PIN that may have been seen is not sent again");
}

#[tokio::test]
async fn a_call_refused_unprocessed_with_retry_after_is_repeated() {
    let (sandbox, client) = setup().await;
    sandbox.arm_times("authx.AddUser", Fault::Status { status: 503, retry_after: Some("0".into()) }, 1);
    client.add_user(&profile("patient")).await.unwrap();
    assert_eq!(sandbox.request_count("authx.AddUser"), 2);
    assert_eq!(sandbox.authx().user_count(), 1);

    sandbox.arm_times("authx.DeleteUser", Fault::Status { status: 429, retry_after: Some("3600".into()) }, 1);
    let error = client.delete_user("g").await.unwrap_err();
    assert_eq!(error.code(), "rate_limited");
    assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(3600)));
}

#[tokio::test]
async fn answers_that_are_not_the_envelope_fail_to_decode() {
    let (sandbox, client) = setup().await;
    sandbox.arm_times("authx.DeleteUser", Fault::LargeBody(100), 1);
    assert_eq!(client.delete_user("g").await.unwrap_err().code(), "decode");
    sandbox.arm_times("authx.DeleteUser", Fault::TruncatedBody, 1);
    let code = client.delete_user("g").await.unwrap_err().code();
    assert!(code == "transport" || code == "decode", "{code}");
}

#[tokio::test]
async fn wrong_application_credentials_are_unauthorized() {
    let (sandbox, _client) = setup().await;
    let url = sandbox.url(Vendor::AuthX).unwrap();
    let client = AuthxClient::new(AuthxConfig::new(&url, AuthxSim::APPLICATION_ID, "wrong-key").unwrap()).unwrap();
    let error = client.add_user(&profile("a")).await.unwrap_err();
    assert_eq!((error.code(), error.status()), ("unauthorized", Some(401)));
    assert_eq!(error.vendor_code(), Some("invalid_client"));
    assert_eq!(sandbox.request_count("authx.AccessToken"), 1);
    assert_eq!(sandbox.request_count("authx.AddUser"), 0);
}

#[tokio::test]
async fn another_application_added_through_the_control_api() {
    let (sandbox, _client) = setup().await;
    sandbox.authx().add_application("my-app", "my-key");
    let url = sandbox.url(Vendor::AuthX).unwrap();
    let client = AuthxClient::new(AuthxConfig::new(&url, "my-app", "my-key").unwrap()).unwrap();
    client.add_user(&profile("mine")).await.unwrap();
}

#[tokio::test]
async fn nothing_listening_is_a_connect_error() {
    let (sandbox, _client) = setup().await;
    let mut config = config(&sandbox);
    sandbox.stop().await;
    config.transport.retry = authbridge::transport::RetryPolicy::none();
    let client = AuthxClient::new(config).unwrap();
    assert_eq!(client.verify_pin("g", &Secret::new("1")).await.unwrap_err().code(), "connect");
}
