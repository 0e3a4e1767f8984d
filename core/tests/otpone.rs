//! OtpOne server and client against the sandbox: every operation, the guide's isValid /
//! UserValided rule, retries only where safe, and configurable wire names.
#![cfg(all(feature = "otpone", feature = "sandbox"))]
// Helpers outside the #[test] functions may unwrap as the tests themselves do.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use authbridge::otpone::{
    ClientKey, Key, KeyKind, OtpOneClient, OtpOneConfig, OtpOneServer, PageType, RequestType, ServerKey,
};
use authbridge::sandbox::{Fault, Sandbox};
use authbridge::{Secret, Vendor};

const SRV: &str = "SRV-5f0c1d2e-aaaa-bbbb-cccc-0123456789ab";
const JS: &str = "JS-5f0c1d2e-aaaa-bbbb-cccc-0123456789ab";
const ALICE: &str = "alice@example.com";

async fn setup() -> (Sandbox, OtpOneServer, OtpOneClient) {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.otpone().register_keys(SRV, JS);
    let config = OtpOneConfig::new(&sandbox.url(Vendor::OtpOne).unwrap()).unwrap();
    let server = OtpOneServer::new(config.clone(), ServerKey::new(SRV).unwrap()).unwrap();
    let client = OtpOneClient::new(config, ClientKey::new(JS).unwrap()).unwrap();
    (sandbox, server, client)
}

fn config(sandbox: &Sandbox) -> OtpOneConfig {
    OtpOneConfig::new(&sandbox.url(Vendor::OtpOne).unwrap()).unwrap()
}

#[tokio::test]
async fn standard_request_opens_loads_html_and_verifies_the_token() {
    let (sandbox, server, _) = setup().await;
    let txn =
        server.get_transaction_id(ALICE, RequestType::RequestWebSession, "Sign in to Example", None).await.unwrap();
    assert_eq!((txn.user_mail.as_str(), txn.request_type), (ALICE, RequestType::RequestWebSession));
    let seen = sandbox.otpone().transaction(&txn.id).unwrap();
    assert_eq!((seen.user_mail.as_str(), seen.request_type, seen.message.as_str()), (ALICE, 0, "Sign in to Example"));
    assert!(!seen.has_private_token);

    let html = server.get_html(&txn.id, PageType::RTRPhoneValidation, "loginForm").await.unwrap();
    assert!(html.contains(&txn.id) && html.contains("data-form=\"loginForm\""), "{html}");

    let token = Secret::new(sandbox.otpone().approve(&txn.id).unwrap());
    let valid = server.verify_token(&token, &txn.user_mail).await.unwrap();
    assert_eq!(valid.user_valided, ALICE);
    assert_eq!(valid.message, None);
    assert_eq!(valid.fields.get("TransactionID").and_then(|v| v.as_str()), Some(txn.id.as_str()));
}

#[tokio::test]
async fn parameters_travel_in_the_query_with_the_seeds_names() {
    let (sandbox, server, client) = setup().await;
    let message = "Approve payment #42 & more: 100 € ?";
    let pt = Secret::new("private value");
    let txn = server.get_transaction_id(ALICE, RequestType::RequestSignDocument, message, Some(&pt)).await.unwrap();
    let query = sandbox.otpone().last_query().unwrap();
    let names: Vec<&str> = query.split('&').map(|pair| pair.split('=').next().unwrap()).collect();
    assert_eq!(names, ["SrvAPIKey", "UserMail", "requestype", "Message", "privateToken"]);
    assert!(query.contains("requestype=6"), "{query}");
    let seen = sandbox.otpone().transaction(&txn.id).unwrap();
    assert_eq!(seen.message, message, "the message must survive query encoding");
    assert!(seen.has_private_token);

    server.get_html(&txn.id, PageType::Certificate, "f1").await.unwrap();
    let query = sandbox.otpone().last_query().unwrap();
    let names: Vec<&str> = query.split('&').map(|pair| pair.split('=').next().unwrap()).collect();
    assert_eq!(names, ["SrvAPIKey", "transactionid", "pageType", "FormID"]);
    assert!(query.contains("pageType=3"), "{query}");

    client.is_finish(&txn.id).await.unwrap();
    let query = sandbox.otpone().last_query().unwrap();
    assert!(query.starts_with("JsAPIKey=JS-") && query.contains("&transactionid="), "{query}");
}

#[tokio::test]
async fn a_token_for_another_user_fails_verification() {
    let (sandbox, server, _) = setup().await;
    let txn = server.get_transaction_id(ALICE, RequestType::RequestWebSession, "Sign in", None).await.unwrap();
    sandbox.otpone().set_reported_user(&txn.id, "mallory@example.com");
    let token = Secret::new(sandbox.otpone().approve(&txn.id).unwrap());
    let error = server.verify_token(&token, &txn.user_mail).await.unwrap_err();
    assert_eq!(error.code(), "authentication_failed");
    assert_eq!(error.vendor_code(), Some("UserValided"));
    assert_eq!(error.vendor(), Some(Vendor::OtpOne));
}

#[tokio::test]
async fn the_reported_user_matches_ignoring_letter_case() {
    let (sandbox, server, _) = setup().await;
    let txn = server.get_transaction_id(ALICE, RequestType::RequestWebSession, "Sign in", None).await.unwrap();
    sandbox.otpone().set_reported_user(&txn.id, "Alice@Example.COM");
    let token = Secret::new(sandbox.otpone().approve(&txn.id).unwrap());
    assert_eq!(server.verify_token(&token, ALICE).await.unwrap().user_valided, "Alice@Example.COM");
}

#[tokio::test]
async fn is_valid_false_fails_verification_and_tokens_are_single_use() {
    let (sandbox, server, _) = setup().await;
    let txn = server.get_transaction_id(ALICE, RequestType::RequestWebSession, "Sign in", None).await.unwrap();
    let token = Secret::new(sandbox.otpone().approve(&txn.id).unwrap());
    server.verify_token(&token, ALICE).await.unwrap();
    let again = server.verify_token(&token, ALICE).await.unwrap_err();
    assert_eq!((again.code(), again.vendor_code()), ("authentication_failed", Some("isValid")));
    assert_eq!(again.vendor_message(), Some("The token is not valid or was already used"));
    let unknown = server.verify_token(&Secret::new("0123456789abcdef"), ALICE).await.unwrap_err();
    assert_eq!(unknown.vendor_code(), Some("isValid"));
}

#[tokio::test]
async fn get_html_accepts_a_text_html_answer_too() {
    let (sandbox, server, _) = setup().await;
    sandbox.otpone().set_html_as_text(true);
    let txn = server.get_transaction_id(ALICE, RequestType::RequestWebSession, "Sign in", None).await.unwrap();
    let html = server.get_html(&txn.id, PageType::SecurityKeyValidation, "f").await.unwrap();
    assert!(html.starts_with("<div id=\"otpone\""), "{html}");
    let missing = server.get_html("no-such-transaction", PageType::SecurityKeyValidation, "f").await.unwrap_err();
    assert_eq!((missing.code(), missing.vendor_message()), ("not_found", Some("Unknown transaction")));
}

#[tokio::test]
async fn distributed_request_delivers_the_private_token_only_on_approval() {
    let (sandbox, server, client) = setup().await;
    let pt = Secret::new("vault-password-123");
    let txn =
        server.get_transaction_id(ALICE, RequestType::RequestComputerSession, "Open session", Some(&pt)).await.unwrap();
    assert!(!client.is_finish(&txn.id).await.unwrap());
    let early = client.get_result(&txn.id, Some(ALICE)).await.unwrap_err();
    assert_eq!(early.vendor_code(), Some("isValid"));
    sandbox.otpone().approve(&txn.id).unwrap();
    assert!(client.is_finish(&txn.id).await.unwrap());
    let result = client.get_result(&txn.id, Some(ALICE)).await.unwrap();
    assert_eq!(result.private_token.as_ref().map(Secret::expose), Some("vault-password-123"));
    assert_eq!(result.user_valided, ALICE);
    let unchecked = client.get_result(&txn.id, None).await.unwrap();
    assert_eq!(unchecked.user_valided, ALICE);

    let denied =
        server.get_transaction_id(ALICE, RequestType::RequestComputerSession, "Open", Some(&pt)).await.unwrap();
    assert!(sandbox.otpone().deny(&denied.id));
    assert!(client.is_finish(&denied.id).await.unwrap());
    let error = client.get_result(&denied.id, Some(ALICE)).await.unwrap_err();
    assert_eq!((error.code(), error.vendor_message()), ("authentication_failed", Some("The user denied the request")));
}

#[tokio::test]
async fn get_result_checks_the_user_when_the_client_knows_it() {
    let (sandbox, server, client) = setup().await;
    let txn = server.get_transaction_id(ALICE, RequestType::RequestApplicationAccess, "App", None).await.unwrap();
    assert_eq!(sandbox.otpone().transaction(&txn.id).unwrap().request_type, 5);
    sandbox.otpone().set_reported_user(&txn.id, "mallory@example.com");
    sandbox.otpone().approve(&txn.id).unwrap();
    let error = client.get_result(&txn.id, Some(ALICE)).await.unwrap_err();
    assert_eq!(error.vendor_code(), Some("UserValided"));
    // Without an expected user the result is given, naming who validated.
    assert_eq!(client.get_result(&txn.id, None).await.unwrap().user_valided, "mallory@example.com");
}

#[tokio::test]
async fn transactions_expire() {
    let (sandbox, server, client) = setup().await;
    let txn = server.get_transaction_id(ALICE, RequestType::RequestWebSession, "Sign in", None).await.unwrap();
    assert!(sandbox.otpone().expire(&txn.id));
    assert!(sandbox.otpone().approve(&txn.id).is_none(), "an expired transaction cannot be approved");
    assert!(client.is_finish(&txn.id).await.unwrap());
    let error = client.get_result(&txn.id, None).await.unwrap_err();
    assert_eq!(error.vendor_message(), Some("The user did not answer in time"));

    sandbox.otpone().set_transaction_ttl(Duration::from_millis(100));
    let txn = server.get_transaction_id(ALICE, RequestType::RequestWebSession, "Sign in", None).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sandbox.otpone().transaction(&txn.id).unwrap().status.as_str(), "expired");
    assert!(client.is_finish(&txn.id).await.unwrap());
}

#[tokio::test]
async fn send_request_waits_for_the_person_and_applies_the_rule() {
    let (sandbox, server, _) = setup().await;
    let sim = sandbox.otpone();
    let call = server.send_request(
        ALICE,
        RequestType::RequestWorkFlowValidation,
        "Approve?",
        "203.0.113.7",
        "Linux",
        "Zapier",
    );
    let person = async {
        let id = sim.wait_pending(ALICE, Duration::from_secs(10)).await.unwrap();
        let seen = sim.transaction(&id).unwrap();
        assert!(seen.server_only);
        assert_eq!(seen.requester, Some(("203.0.113.7".into(), "Linux".into(), "Zapier".into())));
        sim.approve(&id).unwrap();
    };
    let (valid, ()) = tokio::join!(call, person);
    assert_eq!(valid.unwrap().user_valided, ALICE);

    let call = server.send_request(ALICE, RequestType::RequestWebSession, "Sign in?", "::1", "Windows", "App");
    let person = async { assert!(sim.deny(&sim.wait_pending(ALICE, Duration::from_secs(10)).await.unwrap())) };
    let (error, ()) = tokio::join!(call, person);
    let error = error.unwrap_err();
    assert_eq!((error.code(), error.vendor_code()), ("authentication_failed", Some("isValid")));
    assert_eq!(error.vendor_message(), Some("The user denied the request"));

    let bob = "bob@example.com";
    let call = server.send_request(bob, RequestType::RequestWebSession, "Hi", "::1", "iOS", "App");
    let person = async {
        let id = sim.wait_pending(bob, Duration::from_secs(10)).await.unwrap();
        sim.set_reported_user(&id, "mallory@example.com");
        sim.approve(&id).unwrap();
    };
    let (error, ()) = tokio::join!(call, person);
    assert_eq!(error.unwrap_err().vendor_code(), Some("UserValided"));
}

#[tokio::test]
async fn send_request_ends_when_the_vendor_or_the_client_gives_up() {
    let (sandbox, server, _) = setup().await;
    sandbox.otpone().set_server_only_timeout(Duration::from_millis(200));
    let error =
        server.send_request(ALICE, RequestType::RequestWebSession, "Hi", "::1", "Linux", "App").await.unwrap_err();
    assert_eq!(error.vendor_message(), Some("The user did not answer in time"));

    sandbox.otpone().set_server_only_timeout(Duration::from_secs(120));
    let impatient = OtpOneServer::new(
        config(&sandbox).send_request_timeout(Duration::from_millis(300)),
        ServerKey::new(SRV).unwrap(),
    )
    .unwrap();
    let error =
        impatient.send_request(ALICE, RequestType::RequestWebSession, "Hi", "::1", "Linux", "App").await.unwrap_err();
    assert_eq!(error.code(), "timeout");
    assert_eq!(sandbox.request_count("otpone.SendRequest"), 2, "a timed-out SendRequest is not sent again");
}

#[tokio::test]
async fn state_changing_calls_are_never_replayed_reads_are() {
    let (sandbox, server, client) = setup().await;
    sandbox.arm_times("otpone.SendRequest", Fault::Reset, 1);
    let error =
        server.send_request(ALICE, RequestType::RequestWebSession, "Hi", "::1", "Linux", "App").await.unwrap_err();
    assert_eq!(error.code(), "transport");
    assert_eq!(sandbox.request_count("otpone.SendRequest"), 1);

    sandbox.arm_times("otpone.getTransactionID", Fault::Reset, 1);
    assert_eq!(
        server.get_transaction_id(ALICE, RequestType::RequestWebSession, "Hi", None).await.unwrap_err().code(),
        "transport"
    );
    assert_eq!(sandbox.request_count("otpone.getTransactionID"), 1);

    // Refused unprocessed (503 + Retry-After): sent again even though it opens a transaction.
    sandbox.arm_times("otpone.getTransactionID", Fault::Status { status: 503, retry_after: Some("1".into()) }, 1);
    let txn = server.get_transaction_id(ALICE, RequestType::RequestWebSession, "Hi", None).await.unwrap();
    assert_eq!(sandbox.request_count("otpone.getTransactionID"), 3);

    let token = Secret::new(sandbox.otpone().approve(&txn.id).unwrap());
    sandbox.arm_times("otpone.VerifyToken", Fault::Reset, 1);
    assert_eq!(server.verify_token(&token, ALICE).await.unwrap_err().code(), "transport");
    assert_eq!(sandbox.request_count("otpone.VerifyToken"), 1);

    sandbox.arm_times("otpone.IsFinish", Fault::Reset, 1);
    assert!(client.is_finish(&txn.id).await.unwrap());
    assert_eq!(sandbox.request_count("otpone.IsFinish"), 2);
    sandbox.arm_times("otpone.GetResult", Fault::Reset, 1);
    client.get_result(&txn.id, Some(ALICE)).await.unwrap();
    assert_eq!(sandbox.request_count("otpone.GetResult"), 2);
}

#[tokio::test]
async fn keys_of_the_wrong_kind_are_refused_before_anything_is_sent() {
    let e = ServerKey::new(JS).unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert_eq!(ClientKey::new(SRV).unwrap_err().code(), "invalid_input");
    assert_eq!(Key::parse(JS).unwrap().kind(), KeyKind::Client);
    assert_eq!(Key::parse(JS).unwrap().into_server().unwrap_err().code(), "invalid_input");
    assert_eq!(Key::parse("API-123").unwrap_err().code(), "invalid_input");
}

#[tokio::test]
async fn an_unknown_key_is_unauthorized() {
    let (sandbox, _, _) = setup().await;
    let stranger = OtpOneServer::new(config(&sandbox), ServerKey::new("SRV-not-registered").unwrap()).unwrap();
    let error = stranger.get_transaction_id(ALICE, RequestType::RequestWebSession, "Hi", None).await.unwrap_err();
    assert_eq!(
        (error.code(), error.status(), error.vendor_message()),
        ("unauthorized", Some(401), Some("Invalid API key"))
    );
    let stranger = OtpOneClient::new(config(&sandbox), ClientKey::new("JS-not-registered").unwrap()).unwrap();
    assert_eq!(stranger.is_finish("abc").await.unwrap_err().code(), "unauthorized");
}

#[tokio::test]
async fn a_transaction_of_another_key_pair_is_not_found() {
    let (sandbox, server, _) = setup().await;
    sandbox.otpone().register_keys("SRV-other", "JS-other");
    let txn = server.get_transaction_id(ALICE, RequestType::RequestWebSession, "Hi", None).await.unwrap();
    let other = OtpOneClient::new(config(&sandbox), ClientKey::new("JS-other").unwrap()).unwrap();
    assert_eq!(other.is_finish(&txn.id).await.unwrap_err().code(), "not_found");
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field() {
    let (sandbox, server, client) = setup().await;
    let cases = [
        (server.get_transaction_id("alice", RequestType::RequestWebSession, "Hi", None).await.unwrap_err(), "UserMail"),
        (server.get_transaction_id(ALICE, RequestType::RequestWebSession, " ", None).await.unwrap_err(), "Message"),
        (server.get_html("", PageType::Certificate, "f").await.unwrap_err(), "transactionid"),
        (server.get_html("t", PageType::Certificate, "a b").await.unwrap_err(), "FormID"),
        (server.verify_token(&Secret::new(""), ALICE).await.unwrap_err(), "token"),
        (server.verify_token(&Secret::new("tok"), "").await.unwrap_err(), "expected_user"),
        (server.send_request(ALICE, RequestType::RequestWebSession, "Hi", "", "x", "y").await.unwrap_err(), "userIP"),
        (
            server.send_request(ALICE, RequestType::RequestWebSession, "Hi", "ip", "\n", "y").await.unwrap_err(),
            "OSType",
        ),
        (
            server.send_request(ALICE, RequestType::RequestWebSession, "Hi", "ip", "x", "").await.unwrap_err(),
            "NavigatorOrAPPName",
        ),
        (client.is_finish("a\nb").await.unwrap_err(), "transactionid"),
        (client.get_result("t", Some("nobody")).await.unwrap_err(), "expected_user"),
    ];
    for (error, field) in cases {
        assert_eq!(error.code(), "invalid_input");
        assert!(error.to_string().contains(&format!("`{field}`")), "{error} should name {field}");
    }
    for route in ["getTransactionID", "GetHTML", "VerifyToken", "SendRequest", "IsFinish", "GetResult"] {
        assert_eq!(sandbox.request_count(&format!("otpone.{route}")), 0, "{route} was sent");
    }
}

#[tokio::test]
async fn paths_and_parameter_names_come_from_the_config() {
    let (sandbox, _, _) = setup().await;
    let mut renamed = config(&sandbox);
    renamed.params.request_type = "RequestType".into();
    let server = OtpOneServer::new(renamed, ServerKey::new(SRV).unwrap()).unwrap();
    let error = server.get_transaction_id(ALICE, RequestType::RequestWebSession, "Hi", None).await.unwrap_err();
    assert_eq!((error.code(), error.status()), ("http_status", Some(400)));
    assert!(error.vendor_message().unwrap().contains("unexpected query parameter `RequestType`"), "{error}");

    let mut moved = config(&sandbox);
    moved.paths.is_finish = "/api/v2/IsFinish".into();
    let client = OtpOneClient::new(moved, ClientKey::new(JS).unwrap()).unwrap();
    assert_eq!(client.is_finish("t").await.unwrap_err().code(), "not_found");
    assert_eq!(sandbox.request_count("otpone.IsFinish"), 0);

    let mut lower = config(&sandbox);
    lower.paths.is_finish = "/api/isfinish".into();
    lower.params.transaction_id = "TransactionID".into();
    let server = OtpOneServer::new(config(&sandbox), ServerKey::new(SRV).unwrap()).unwrap();
    let txn = server.get_transaction_id(ALICE, RequestType::RequestWebSession, "Hi", None).await.unwrap();
    let client = OtpOneClient::new(lower, ClientKey::new(JS).unwrap()).unwrap();
    assert!(!client.is_finish(&txn.id).await.unwrap(), "ASP.NET matches paths and names ignoring case");
}
