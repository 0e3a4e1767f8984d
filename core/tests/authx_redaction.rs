//! No AuthX application key, access token, PIN or biometric byte reaches `{:?}`, an error
//! message or TRACE-level output (tracing events and `log` records alike), through every
//! operation, its refusals and the token renewals.
#![cfg(all(feature = "authx", feature = "sandbox"))]
// Helpers outside the #[test] functions may unwrap as the tests themselves do.
#![allow(clippy::unwrap_used)]

mod trace_capture;

mod authx_support;

use authbridge::authx::{
    AuthxClient, AuthxConfig, BiometricApp, BiometricCall, BiometricData, BiometricFrame, BiometricKind,
    BiometricProcess,
};
use authbridge::sandbox::{AuthxSim, Fault, Sandbox};
use authbridge::transport::{RetryPolicy, TransportConfig};
use authbridge::{Secret, Vendor};
use authx_support::{config, profile};
use trace_capture::TraceCapture;

const PIN: &str = "97531864";
const WRONG_PIN: &str = "24680135";
const WRONG_KEY: &str = "wr0ng-app-key-4242";
/// Printable, so that any rendering of the sample (text, lossy UTF-8) is easy to find.
const FACE: &[u8] = b"FACE-SAMPLE-7f3a9c-\r\n--boundary-like--\r\n-FACE-SAMPLE-END";

fn assert_clean(what: &str, text: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(!text.contains(secret.as_str()), "{what} leaks {secret}:\n{text}");
    }
}

#[tokio::test]
async fn no_key_token_pin_or_sample_in_debug_errors_or_traces() {
    let captured = TraceCapture::install();

    let sandbox = Sandbox::start().await.unwrap();
    let config = config(&sandbox);
    let client = AuthxClient::new(config.clone()).unwrap();
    let mut texts: Vec<String> = Vec::new();
    let show = |texts: &mut Vec<String>, value: &dyn std::fmt::Debug| texts.push(format!("{value:?}"));
    let failed = |texts: &mut Vec<String>, error: authbridge::Error| texts.push(format!("{error} {error:?}"));

    show(&mut texts, &config);
    show(&mut texts, &client);
    show(&mut texts, sandbox.authx());
    let token = client.access_token().await.unwrap();
    show(&mut texts, &token);

    // Users and PINs, right and wrong; an unknown user.
    let guid = client.add_user(&profile("redact")).await.unwrap();
    client.generate_pin(guid.as_str(), &Secret::new(PIN)).await.unwrap();
    show(&mut texts, &client.verify_pin(guid.as_str(), &Secret::new(PIN)).await.unwrap());
    show(&mut texts, &client.verify_pin(guid.as_str(), &Secret::new(WRONG_PIN)).await.unwrap());
    failed(&mut texts, client.verify_pin("no-such-guid", &Secret::new(PIN)).await.unwrap_err());

    // The server ends the token: renewed once, the PIN call repeated.
    sandbox.authx().expire_tokens();
    show(&mut texts, &client.verify_pin(guid.as_str(), &Secret::new(PIN)).await.unwrap());

    // Biometrics from bytes, a file and a one-shot reader refused with 401.
    let enrol = BiometricCall::new(guid.as_str(), BiometricKind::Face, BiometricProcess::Enrol);
    show(&mut texts, &enrol);
    let data = BiometricData::bytes(FACE.to_vec());
    show(&mut texts, &data);
    show(&mut texts, &client.process_biometric(&enrol, data).await.unwrap());
    let path = std::env::temp_dir().join(format!("authx-redaction-{}.bin", std::process::id()));
    tokio::fs::write(&path, FACE).await.unwrap();
    let verify = BiometricCall::new(guid.as_str(), BiometricKind::Face, BiometricProcess::Verify);
    show(&mut texts, &client.process_biometric(&verify, BiometricData::file(&path).await.unwrap()).await.unwrap());
    tokio::fs::remove_file(&path).await.unwrap();
    sandbox.authx().expire_tokens();
    let reader = BiometricData::reader(std::io::Cursor::new(FACE.to_vec()), None);
    failed(&mut texts, client.process_biometric(&verify, reader).await.unwrap_err());
    let frame = client.biometric_frame(&verify, BiometricData::bytes(FACE.to_vec())).unwrap();
    show(&mut texts, &frame);
    let app = BiometricApp::new(AuthxSim::BIOMETRIC_APPLICATION_KEY, AuthxSim::BIOMETRIC_SECRET_KEY, "hu1tjtwu");
    show(&mut texts, &app);
    show(&mut texts, &BiometricFrame::new(&app, &verify, BiometricData::bytes(FACE.to_vec())).unwrap());
    let short = BiometricData::reader(std::io::Cursor::new(FACE.to_vec()), Some(FACE.len() as u64 + 1));
    failed(&mut texts, client.process_biometric(&verify, short).await.unwrap_err());

    // Refused application credentials, a cut answer, a reset, nothing listening.
    let url = sandbox.url(Vendor::AuthX).unwrap();
    let stranger = AuthxClient::new(AuthxConfig::new(&url, AuthxSim::APPLICATION_ID, WRONG_KEY).unwrap()).unwrap();
    failed(&mut texts, stranger.delete_user(guid.as_str()).await.unwrap_err());
    sandbox.arm_times("authx.AccessToken", Fault::TruncatedBody, 3);
    let fresh = AuthxClient::new(config.clone()).unwrap();
    failed(&mut texts, fresh.access_token().await.unwrap_err());
    sandbox.arm_times("authx.GeneratePin", Fault::Reset, 1);
    failed(&mut texts, client.generate_pin(guid.as_str(), &Secret::new(PIN)).await.unwrap_err());
    let closed = AuthxConfig::new("http://127.0.0.1:9", AuthxSim::APPLICATION_ID, AuthxSim::APPLICATION_KEY)
        .unwrap()
        .transport(TransportConfig { retry: RetryPolicy::none(), ..TransportConfig::default() });
    failed(&mut texts, AuthxClient::new(closed).unwrap().verify_pin("g", &Secret::new(PIN)).await.unwrap_err());

    let mut secrets: Vec<String> = [
        AuthxSim::APPLICATION_ID,
        AuthxSim::APPLICATION_KEY,
        AuthxSim::BIOMETRIC_APPLICATION_KEY,
        AuthxSim::BIOMETRIC_SECRET_KEY,
        WRONG_KEY,
        PIN,
        WRONG_PIN,
        "FACE-SAMPLE",
        // The sample as a byte list, the way `{:?}` of a Vec<u8> would print it.
        "70, 65, 67, 69, 45, 83",
    ]
    .map(String::from)
    .to_vec();
    let tokens = sandbox.authx().issued_tokens();
    assert!(tokens.len() >= 4, "tokens issued: {}", tokens.len());
    secrets.extend(tokens);
    sandbox.stop().await;

    for text in &texts {
        assert_clean("Debug/Display", text, &secrets);
    }
    let trace = captured.text();
    assert!(trace.contains("authbridge.call") && trace.contains("verify_pin"), "nothing was traced:\n{trace}");
    assert!(trace.contains("process_biometric") && trace.contains("renewing"), "the flows were not traced");
    assert_clean("TRACE output", &trace, &secrets);
}

#[tokio::test]
async fn the_sandbox_prints_counts_only() {
    let sandbox = Sandbox::start().await.unwrap();
    let printed = format!("{:?}", sandbox.authx());
    assert!(!printed.contains(AuthxSim::APPLICATION_KEY), "{printed}");
    assert!(printed.contains("users"));
}
