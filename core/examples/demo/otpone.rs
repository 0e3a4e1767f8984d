//! OtpOne: a standard request (transaction → page → approval → token verified), a distributed
//! one (the client waits for the result and its private token) and a server-only request.

use std::time::Duration;

use authbridge::otpone::{ClientKey, OtpOneClient, OtpOneConfig, OtpOneServer, PageType, RequestType, ServerKey};
use authbridge::sandbox::Sandbox;
use authbridge::{Secret, Vendor, WaitOptions};

use crate::step;

const SERVER_KEY: &str = "SRV-12345678-abcd-ef01-2345-6789abcdef01";
const CLIENT_KEY: &str = "JS-12345678-abcd-ef01-2345-6789abcdef01";
const USER: &str = "alice@example.com";

pub async fn run(sandbox: &Sandbox) -> authbridge::Result<()> {
    println!("\nOtpOne");
    let sim = sandbox.otpone();
    sim.register_keys(SERVER_KEY, CLIENT_KEY);
    let config = OtpOneConfig::new(&sandbox.url(Vendor::OtpOne).unwrap_or_default())?;
    let server = OtpOneServer::new(config.clone(), ServerKey::new(SERVER_KEY)?)?;
    let client = OtpOneClient::new(config, ClientKey::new(CLIENT_KEY)?)?;
    let refused = ServerKey::new(CLIENT_KEY).expect_err("a client key is not a server key");
    step("otpone", "client key offered as the server key", refused);

    // Standard request: the server opens a transaction and writes GetHTML into its page; the
    // person approves; the page posts the token back; the server verifies it.
    let txn = server.get_transaction_id(USER, RequestType::RequestWebSession, "Sign in to Example", None).await?;
    step("otpone", "getTransactionID", &txn.id);
    let html = server.get_html(&txn.id, PageType::RTRPhoneValidation, "loginForm").await?;
    step("otpone", "GetHTML", format!("{} characters of HTML for the login page", html.len()));
    let token = Secret::new(sim.approve(&txn.id).unwrap_or_default());
    step("otpone", "person approves on the phone", "token sent to the page");
    let valid = server.verify_token(&token, &txn.user_mail).await?;
    step("otpone", "VerifyToken", format!("valid for {}", valid.user_valided));
    let again = server.verify_token(&token, &txn.user_mail).await.expect_err("single-use token");
    step("otpone", "same token again", again);

    let txn = server.get_transaction_id(USER, RequestType::RequestWebSession, "Sign in", None).await?;
    sim.set_reported_user(&txn.id, "mallory@example.com");
    let token = Secret::new(sim.approve(&txn.id).unwrap_or_default());
    let other = server.verify_token(&token, &txn.user_mail).await.expect_err("another user");
    step("otpone", "token validated by another user", other);

    // Distributed request: the server attaches a private token; the client waits for the
    // person and receives it.
    let private = Secret::new("vault-unlock-key");
    let txn = server.get_transaction_id(USER, RequestType::RequestComputerSession, "Unlock", Some(&private)).await?;
    step("otpone", "distributed transaction opened", &txn.id);
    let wait = WaitOptions::new(Duration::from_secs(30)).interval(Duration::from_secs(1));
    let person = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        sim.approve(&txn.id);
    };
    let (result, ()) = tokio::join!(client.wait_for_result(&txn.id, Some(&txn.user_mail), &wait), person);
    let result = result?;
    let received = result.private_token.as_ref().is_some_and(|t| t.expose() == private.expose());
    step(
        "otpone",
        "client waited (IsFinish, GetResult)",
        format!("valid for {}, private token received: {received}", result.user_valided),
    );

    // Server only: one call that lasts while the person answers.
    let call = server.send_request(
        USER,
        RequestType::RequestWorkFlowValidation,
        "Approve the invoice?",
        "203.0.113.7",
        "Linux",
        "Billing",
    );
    let person = async {
        if let Some(id) = sim.wait_pending(USER, Duration::from_secs(10)).await {
            sim.deny(&id);
        }
    };
    let (denied, ()) = tokio::join!(call, person);
    step("otpone", "SendRequest denied by the person", denied.expect_err("denied"));
    Ok(())
}
