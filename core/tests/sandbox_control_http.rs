//! The control API over HTTP, and every way an attacker on this machine could try it: without
//! the token, with a wrong one, elsewhere than `POST /control`, with a body that is not JSON or
//! too large. Each is refused and leaves the stand-ins as they were.
#![cfg(all(feature = "sandbox", feature = "nopass"))]
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use authbridge::sandbox::Sandbox;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

const ADD_USER: &str = r#"{"op": "nopass.add_user", "user_id": "mallory"}"#;

fn http() -> Client {
    Client::builder().no_proxy().timeout(Duration::from_secs(10)).build().unwrap()
}

async fn post(sandbox: &Sandbox, bearer: Option<&str>, body: &str) -> (StatusCode, Value) {
    let mut request =
        http().post(sandbox.control_url()).header("content-type", "application/json").body(body.to_string());
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let answer = request.send().await.unwrap();
    let status = answer.status();
    let text = answer.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn with_the_token_a_request_is_answered_with_its_result() {
    let sandbox = Sandbox::start().await.unwrap();
    assert!(sandbox.control_url().starts_with("http://127.0.0.1:"), "loopback only");
    let (status, body) = post(&sandbox, Some(sandbox.control_token()), ADD_USER).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"result": null})));
    assert!(sandbox.nopass().has_user("mallory"));
    let (_, body) =
        post(&sandbox, Some(sandbox.control_token()), r#"{"op":"nopass.has_user","user_id":"mallory"}"#).await;
    assert_eq!(body, json!({"result": true}));
}

#[tokio::test]
async fn without_the_right_token_nothing_happens() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = sandbox.control_token().to_string();
    let almost = format!("{}x", &token[..token.len() - 1]);
    for bearer in [None, Some(""), Some(almost.as_str()), Some(&token[..token.len() - 1])] {
        let (status, body) = post(&sandbox, bearer, ADD_USER).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{bearer:?}");
        assert_eq!(body["error"]["code"], "unauthorized");
    }
    // The token as a query parameter, or under another scheme, is not the token.
    let url = format!("{}?token={token}", sandbox.control_url());
    let answer = http().post(url).header("content-type", "application/json").body(ADD_USER).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    let answer = http()
        .post(sandbox.control_url())
        .header("authorization", format!("Basic {token}"))
        .header("content-type", "application/json")
        .body(ADD_USER)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    assert!(!sandbox.nopass().has_user("mallory"), "a refused request changed the sandbox");
}

#[tokio::test]
async fn only_post_json_to_the_control_path_is_served() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = sandbox.control_token().to_string();
    let base = sandbox.control_url().trim_end_matches("/control").to_string();
    let cases = [
        (Method::POST, format!("{base}/"), "application/json", StatusCode::NOT_FOUND),
        (Method::POST, format!("{base}/control/nopass"), "application/json", StatusCode::NOT_FOUND),
        (Method::GET, sandbox.control_url(), "application/json", StatusCode::METHOD_NOT_ALLOWED),
        (Method::PUT, sandbox.control_url(), "application/json", StatusCode::METHOD_NOT_ALLOWED),
        (Method::POST, sandbox.control_url(), "text/plain", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (Method::POST, sandbox.control_url(), "application/x-www-form-urlencoded", StatusCode::UNSUPPORTED_MEDIA_TYPE),
    ];
    for (method, url, content_type, expected) in cases {
        let answer = http()
            .request(method.clone(), &url)
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(ADD_USER)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), expected, "{method} {url} {content_type}");
    }
    assert!(!sandbox.nopass().has_user("mallory"));
}

#[tokio::test]
async fn bodies_that_are_not_a_request_are_refused_with_a_reason() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = sandbox.control_token();
    for (body, field) in [
        ("not json", "request"),
        ("[1, 2]", "request"),
        (r#"{"op": "nopass.add_user"}"#, "nopass.add_user"),
        (r#"{"op": "nopass.add_user", "user_id": "mallory", "extra": 1}"#, "nopass.add_user"),
    ] {
        let (status, body) = post(&sandbox, Some(token), body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["code"], "invalid_input");
        assert!(body["error"]["message"].as_str().unwrap().contains(field), "{body}");
    }
    let huge = format!(r#"{{"op": "nopass.add_user", "user_id": "{}"}}"#, "m".repeat(2 * 1024 * 1024));
    let (status, _) = post(&sandbox, Some(token), &huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(!sandbox.nopass().has_user("mallory"));
}

#[tokio::test]
async fn a_chosen_token_must_be_long_and_a_stopped_sandbox_stops_its_endpoint() {
    let failure = Sandbox::start_with_control_token(Some("short".into())).await.unwrap_err();
    assert_eq!(failure.code(), "invalid_input");

    let sandbox = Sandbox::start_with_control_token(Some("a-token-chosen-in-advance".into())).await.unwrap();
    assert_eq!(sandbox.control_token(), "a-token-chosen-in-advance");
    let url = sandbox.control_url();
    sandbox.stop().await;
    let after = http().post(url).bearer_auth("a-token-chosen-in-advance").body(ADD_USER).send().await;
    assert!(after.unwrap_err().is_connect());
}
