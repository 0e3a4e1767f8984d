//! No OtpOne key, token or private token reaches `{:?}`, an error message or TRACE-level
//! output (tracing events and `log` records alike), although every request carries its key
//! and token in the URL's query string.
#![cfg(all(feature = "otpone", feature = "sandbox"))]
// Helpers outside the #[test] functions may unwrap as the tests themselves do.
#![allow(clippy::unwrap_used)]

mod trace_capture;

use std::time::Duration;

use authbridge::otpone::{ClientKey, Key, OtpOneClient, OtpOneConfig, OtpOneServer, PageType, RequestType, ServerKey};
use authbridge::sandbox::{Fault, Sandbox};
use authbridge::transport::{RetryPolicy, TransportConfig};
use authbridge::{Secret, Vendor, WaitOptions};
use trace_capture::TraceCapture;

const SRV: &str = "SRV-7e57a11e-dead-beef-cafe-0123456789ab";
const JS: &str = "JS-7e57a11e-dead-beef-cafe-0123456789ab";
const WRONG_SRV: &str = "SRV-wr0ng-key-4242";
const WRONG_JS: &str = "JS-wr0ng-key-4242";
const PRIVATE: &str = "pr1vate-T0ken-for-client";
const ALICE: &str = "alice@example.com";

fn assert_clean(what: &str, text: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(!text.contains(secret.as_str()), "{what} leaks {secret}:\n{text}");
        // The key without its prefix, as it would appear percent-encoded or cut.
        if let Some(rest) = secret.strip_prefix("SRV-").or_else(|| secret.strip_prefix("JS-")) {
            assert!(!text.contains(rest), "{what} leaks part of {secret}:\n{text}");
        }
    }
}

/// A server that echoes the request's query string in its error `Message`, as a careless
/// vendor might.
async fn echo_server() -> authbridge::serve::ServerHandle {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    authbridge::serve::serve(addr, |request: http::Request<_>, _peer| async move {
        let query = request.uri().query().unwrap_or("").to_string();
        let body = serde_json::json!({ "Message": format!("cannot handle {query}") }).to_string();
        let mut response = http::Response::new(authbridge::serve::full(body));
        *response.status_mut() = http::StatusCode::BAD_REQUEST;
        response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
        Ok(response)
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn no_key_token_or_private_token_in_debug_errors_or_traces() {
    let captured = TraceCapture::install();

    let sandbox = Sandbox::start().await.unwrap();
    let sim = sandbox.otpone();
    sim.register_keys(SRV, JS);
    let url = sandbox.url(Vendor::OtpOne).unwrap();
    let config = OtpOneConfig::new(&url).unwrap();
    let mut secrets: Vec<String> = [SRV, JS, WRONG_SRV, WRONG_JS, PRIVATE].map(String::from).to_vec();
    let mut texts: Vec<String> = Vec::new();
    let show = |texts: &mut Vec<String>, value: &dyn std::fmt::Debug| texts.push(format!("{value:?}"));

    let server_key = ServerKey::new(SRV).unwrap();
    let client_key = ClientKey::new(JS).unwrap();
    texts.push(format!("{server_key} {client_key}"));
    show(&mut texts, &server_key);
    show(&mut texts, &Key::parse(JS).unwrap());
    let wrong_kind = ServerKey::new(JS).unwrap_err();
    texts.push(format!("{wrong_kind} {wrong_kind:?}"));
    let server = OtpOneServer::new(config.clone(), server_key).unwrap();
    let client = OtpOneClient::new(config.clone(), client_key).unwrap();
    show(&mut texts, &config);
    show(&mut texts, &server);
    show(&mut texts, &client);

    // Standard request, token verified, then replayed.
    let txn = server.get_transaction_id(ALICE, RequestType::RequestWebSession, "Sign in", None).await.unwrap();
    server.get_html(&txn.id, PageType::RTRPhoneValidation, "form1").await.unwrap();
    let token = sim.approve(&txn.id).unwrap();
    secrets.push(token.clone());
    let token = Secret::new(token);
    let valid = server.verify_token(&token, ALICE).await.unwrap();
    show(&mut texts, &valid);
    let replayed = server.verify_token(&token, ALICE).await.unwrap_err();
    texts.push(format!("{replayed} {replayed:?}"));
    show(&mut texts, &token);

    // Distributed request with a private token; another user's approval.
    let pt = Secret::new(PRIVATE);
    let txn = server.get_transaction_id(ALICE, RequestType::RequestComputerSession, "Unlock", Some(&pt)).await.unwrap();
    show(&mut texts, &txn);
    secrets.push(sim.approve(&txn.id).unwrap());
    let result =
        client.wait_for_result(&txn.id, Some(ALICE), &WaitOptions::new(Duration::from_secs(10))).await.unwrap();
    assert_eq!(result.private_token.as_ref().unwrap().expose(), PRIVATE);
    show(&mut texts, &result);
    show(&mut texts, &sim.transaction(&txn.id).unwrap());
    show(&mut texts, sim);
    let txn = server.get_transaction_id(ALICE, RequestType::RequestComputerSession, "Unlock", Some(&pt)).await.unwrap();
    sim.set_reported_user(&txn.id, "mallory@example.com");
    secrets.push(sim.approve(&txn.id).unwrap());
    let mismatch = client.get_result(&txn.id, Some(ALICE)).await.unwrap_err();
    texts.push(format!("{mismatch} {mismatch:?}"));

    // Unregistered keys, a reset connection, a refused connection, a timeout.
    let stranger = OtpOneServer::new(config.clone(), ServerKey::new(WRONG_SRV).unwrap()).unwrap();
    let e = stranger.verify_token(&token, ALICE).await.unwrap_err();
    texts.push(format!("{e} {e:?}"));
    let stranger = OtpOneClient::new(config.clone(), ClientKey::new(WRONG_JS).unwrap()).unwrap();
    let e = stranger.get_result(&txn.id, None).await.unwrap_err();
    texts.push(format!("{e} {e:?}"));
    sandbox.arm_times("otpone.VerifyToken", Fault::Reset, 1);
    let e = server.verify_token(&token, ALICE).await.unwrap_err();
    assert_eq!(e.code(), "transport");
    texts.push(format!("{e} {e:?}"));
    sandbox.arm_times("otpone.GetResult", Fault::TruncatedBody, 3);
    let e = client.get_result(&txn.id, None).await.unwrap_err();
    texts.push(format!("{e} {e:?}"));
    let closed = OtpOneConfig::new("http://127.0.0.1:9")
        .unwrap()
        .transport(TransportConfig { retry: RetryPolicy::none(), ..TransportConfig::default() });
    let nowhere = OtpOneServer::new(closed, ServerKey::new(SRV).unwrap()).unwrap();
    let e = nowhere.verify_token(&token, ALICE).await.unwrap_err();
    assert_eq!(e.code(), "connect", "{e}");
    texts.push(format!("{e} {e:?}"));
    let impatient = OtpOneServer::new(
        config.clone().send_request_timeout(Duration::from_millis(200)),
        ServerKey::new(SRV).unwrap(),
    )
    .unwrap();
    let e =
        impatient.send_request(ALICE, RequestType::RequestWebSession, "Hi", "::1", "Linux", "App").await.unwrap_err();
    assert_eq!(e.code(), "timeout");
    texts.push(format!("{e} {e:?}"));

    // A vendor that echoes the query string: the key and token are scrubbed from its message.
    let echo = echo_server().await;
    let echoing =
        OtpOneServer::new(OtpOneConfig::new(&format!("http://{}", echo.addr())).unwrap(), ServerKey::new(SRV).unwrap())
            .unwrap();
    let e = echoing.verify_token(&token, ALICE).await.unwrap_err();
    let echoed = e.vendor_message().unwrap();
    assert!(echoed.contains("SrvAPIKey=***") && echoed.contains("token=***"), "{echoed}");
    texts.push(format!("{e} {e:?}"));
    echo.stop().await;
    sandbox.stop().await;

    for text in &texts {
        assert_clean("Debug/Display", text, &secrets);
    }
    let trace = captured.text();
    assert!(trace.contains("authbridge.call") && trace.contains("VerifyToken"), "nothing was traced:\n{trace}");
    assert!(trace.contains("otpone"), "the vendor was not traced");
    assert_clean("TRACE output", &trace, &secrets);
}
