//! The embedded receiver's metrics page: off by default (the path is as unknown as any other,
//! and asking for it changes nothing), and when turned on, Prometheus text to GET only,
//! counting the callbacks just answered.
#![cfg(all(feature = "nopass", feature = "server"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod nopass_support;
mod receiver_support;

use authbridge::nopass::{Callback, EmbeddedServer, NoHooks, ReceiverOptions};
use receiver_support::*;

async fn pre_register(server: &EmbeddedServer) {
    let answer = reqwest::Client::new()
        .post(format!("{}{}", server.url(), Callback::ConfirmPreRegistration.path()))
        .header("Content-Type", "application/json")
        .body(pre_registration())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
}

#[tokio::test]
async fn the_metrics_page_is_not_served_by_default_and_asking_changes_nothing() {
    let portal = portal(NoHooks);
    let server = EmbeddedServer::start_with(portal.clone(), localhost(), ReceiverOptions::default()).await.unwrap();
    let before = portal.status().await.unwrap();
    for method in [reqwest::Method::GET, reqwest::Method::POST] {
        let answer = reqwest::Client::new().request(method, format!("{}/metrics", server.url())).send().await.unwrap();
        assert_eq!(answer.status(), 404);
        let body: serde_json::Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
        assert_eq!(body["errors"][0]["code"], "not_found", "{body}");
    }
    assert_eq!(portal.status().await.unwrap(), before);
    server.stop().await;
}

#[tokio::test]
async fn the_metrics_page_counts_the_callbacks_and_accepts_get_only() {
    let options = ReceiverOptions::default().metrics_path(Some("/metrics"));
    let server = EmbeddedServer::start_with(portal(NoHooks), localhost(), options).await.unwrap();
    pre_register(&server).await;

    let answer = reqwest::get(format!("{}/metrics", server.url())).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    let text = answer.text().await.unwrap();
    assert!(text.contains("# TYPE authbridge_callbacks_total counter"), "{text}");
    let accepted = r#"authbridge_callbacks_total{callback="ConfirmPreRegistration",outcome="accepted"} "#;
    let count: u64 = text.lines().find_map(|line| line.strip_prefix(accepted)).expect(&text).parse().unwrap();
    assert!(count >= 1);
    assert!(text.contains(r#"authbridge_callback_duration_seconds_count{callback="ConfirmPreRegistration"}"#));

    let posted = reqwest::Client::new().post(format!("{}/metrics", server.url())).send().await.unwrap();
    assert_eq!(posted.status(), 405);
    assert_eq!(posted.headers()["allow"], "GET");
    server.stop().await;
}

#[tokio::test]
async fn a_metrics_path_over_a_callback_is_refused() {
    let options = ReceiverOptions::default().metrics_path(Some(Callback::CloseSession.path()));
    let error = EmbeddedServer::start_with(portal(NoHooks), localhost(), options).await.unwrap_err();
    assert_eq!(error.code(), "config");
}
