//! No nevisIDM secret reaches `{:?}`, an error message or TRACE-level tracing output.
#![cfg(all(feature = "nevis", feature = "sandbox"))]
// Helpers outside the #[test] functions may unwrap as the tests themselves do.
#![allow(clippy::unwrap_used)]

mod trace_capture;

use authbridge::nevis::{NevisAuth, NevisClient, NevisConfig};
use authbridge::sandbox::{Fault, Sandbox};
use authbridge::transport::TransportConfig;
use authbridge::{Secret, SecretBytes, Vendor};
use base64::Engine;
use trace_capture::TraceCapture;

const SECRETS: &[&str] = &["S3cret-Passw0rd", "wrong-Passw0rd", "bearer-T0ken-xyz", "basic-Passw0rd", "rec0very-c0de"];

fn assert_clean(what: &str, text: &str) {
    let basic = base64::engine::general_purpose::STANDARD.encode("svc:basic-Passw0rd");
    for secret in SECRETS.iter().copied().chain([basic.as_str()]) {
        assert!(!text.contains(secret), "{what} leaks {secret}:\n{text}");
    }
}

#[tokio::test]
async fn no_secret_in_debug_errors_or_traces() {
    let captured = TraceCapture::install();

    let sandbox = Sandbox::start().await.unwrap();
    let sim = sandbox.nevis();
    sim.add_client("1000", "Default");
    sim.add_user("1000", "1234");
    sim.set_password("1000", "1234", "S3cret-Passw0rd");
    sim.add_recovery_codes("1000", "1234", &["rec0very-c0de"]);
    let url = sandbox.url(Vendor::Nevis).unwrap();

    let auths = [
        NevisAuth::Bearer(Secret::new("bearer-T0ken-xyz")),
        NevisAuth::Basic { username: "svc".into(), password: Secret::new("basic-Passw0rd") },
        NevisAuth::Header { name: http::HeaderName::from_static("x-sectoken"), value: Secret::new("bearer-T0ken-xyz") },
    ];
    let mut texts = Vec::new();
    for auth in auths {
        let config = NevisConfig::new(&url).unwrap().auth(auth).transport(TransportConfig {
            client_identity_pem: Some(SecretBytes::new(b"-----BEGIN PRIVATE KEY-----rec0very-c0de".to_vec())),
            ..TransportConfig::default()
        });
        texts.push(format!("{config:?}"));
        let client = NevisClient::new(config.transport(TransportConfig::default())).unwrap();
        texts.push(format!("{client:?}"));

        client.password_login("1000", "1234", &Secret::new("S3cret-Passw0rd")).await.unwrap();
        let wrong = client.password_login("1000", "1234", &Secret::new("wrong-Passw0rd")).await.unwrap_err();
        texts.push(format!("{wrong:?} {wrong}"));
        sandbox.arm_times("nevisidm.password_login", Fault::Reset, 1);
        let reset = client.password_login("1000", "1234", &Secret::new("wrong-Passw0rd")).await.unwrap_err();
        texts.push(format!("{reset:?} {reset}"));
        let code = Secret::new("rec0very-c0de");
        let _ = client.recovery_code_login("1000", "1234", &code).await;
        texts.push(format!("{code:?} {code}"));
    }
    for text in &texts {
        assert_clean("Debug/Display", text);
    }
    let trace = captured.text();
    assert!(trace.contains("authbridge.call"), "the call span was not traced:\n{trace}");
    assert!(trace.contains("password_login"), "the operation was not traced");
    assert_clean("TRACE output", &trace);
}
