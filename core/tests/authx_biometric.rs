//! ProcessBiometric against the sandbox: enrol, verify (match and mismatch), delete, every
//! outcome code, the three sample sources, and what a refused token does to an upload.
#![cfg(all(feature = "authx", feature = "sandbox"))]
// Helpers outside the #[test] functions may unwrap as the tests themselves do.
#![allow(clippy::unwrap_used)]

mod authx_support;

use authbridge::authx::{
    AuthxClient, BiometricApp, BiometricCall, BiometricData, BiometricKind, BiometricOutcome, BiometricProcess,
    UserGuid,
};
use authbridge::sandbox::{AuthxSim, Sandbox};
use authx_support::{config, profile, setup};
use sha2::{Digest, Sha256};

const UPLOAD: &str = "authx.ProcessBiometric";

/// A face sample whose bytes include the framing's own delimiters.
fn sample(seed: u8) -> Vec<u8> {
    let mut bytes = b"\r\n--\r\n--authbridge-\r\n\r\n".to_vec();
    bytes.extend((0..=255u8).map(|b| b.wrapping_add(seed)));
    bytes.extend_from_slice(b"--\r\n");
    bytes
}

async fn user(client: &AuthxClient, name: &str) -> UserGuid {
    client.add_user(&profile(name)).await.unwrap()
}

fn call(guid: &UserGuid, kind: BiometricKind, process: BiometricProcess) -> BiometricCall {
    BiometricCall::new(guid.as_str(), kind, process)
}

#[tokio::test]
async fn enrol_then_verify_match_and_mismatch_then_delete() {
    let (sandbox, client) = setup().await;
    let guid = user(&client, "face").await;
    let face = BiometricKind::Face;

    let enrol = call(&guid, face, BiometricProcess::Enrol).correlation_id("5c07c4ed-784d-c82f-19a7-a94221bb7f8b");
    let result = client.process_biometric(&enrol, BiometricData::bytes(sample(0))).await.unwrap();
    assert_eq!(result.outcome, BiometricOutcome::Success);
    assert_eq!(result.correlation_id, "5c07c4ed-784d-c82f-19a7-a94221bb7f8b");
    assert_eq!(sandbox.authx().user(guid.as_str()).unwrap().enrolled, vec![2]);

    let upload = sandbox.authx().last_upload().unwrap();
    assert_eq!(upload.sha256, <[u8; 32]>::from(Sha256::digest(sample(0))));
    assert_eq!(upload.bytes, sample(0).len() as u64);
    assert!(upload.content_length.is_some(), "bytes have a known length");
    assert_eq!(upload.data_content_type, "application/octet-stream");
    let part = &upload.process_biometrics;
    assert_eq!((part["authentication_id"].as_i64(), part["process_type"].as_i64()), (Some(2), Some(1)));
    assert_eq!(part["user_name"], guid.as_str());
    assert_eq!(part["application_parameters"]["host_name"], AuthxSim::HOST_NAME);
    assert_eq!(part["device_data"]["src_user_id"], 0);

    let verify = call(&guid, face, BiometricProcess::Verify);
    let matched = client.process_biometric(&verify, BiometricData::bytes(sample(0))).await.unwrap();
    assert!(matched.outcome.is_success());
    let other = client.process_biometric(&verify, BiometricData::bytes(sample(1))).await.unwrap();
    assert_eq!(other.outcome, BiometricOutcome::FaceNotMatch, "a mismatch is an answer, not an error");
    assert_eq!(other.outcome.code(), 2);

    let delete = call(&guid, face, BiometricProcess::Delete);
    let deleted = client.process_biometric(&delete, BiometricData::bytes(Vec::new())).await.unwrap();
    assert!(deleted.outcome.is_success());
    assert!(sandbox.authx().user(guid.as_str()).unwrap().enrolled.is_empty());

    let error = client.process_biometric(&verify, BiometricData::bytes(sample(0))).await.unwrap_err();
    assert_eq!((error.code(), error.vendor_code()), ("vendor", Some("0")));
    assert!(error.vendor_message().unwrap().contains("enrolled"));
}

#[tokio::test]
async fn modalities_are_kept_apart() {
    let (_sandbox, client) = setup().await;
    let guid = user(&client, "hands").await;
    let enrol = call(&guid, BiometricKind::Finger, BiometricProcess::Enrol);
    client.process_biometric(&enrol, BiometricData::bytes(sample(7))).await.unwrap();
    let palm = call(&guid, BiometricKind::Palm, BiometricProcess::Verify);
    let error = client.process_biometric(&palm, BiometricData::bytes(sample(7))).await.unwrap_err();
    assert_eq!(error.code(), "vendor", "nothing enrolled for the palm");
}

#[tokio::test]
async fn every_outcome_code_is_typed() {
    let (sandbox, client) = setup().await;
    let guid = user(&client, "outcomes").await;
    let verify = call(&guid, BiometricKind::Face, BiometricProcess::Verify);
    let expected = [
        (3, BiometricOutcome::FaceQualityPoor),
        (4, BiometricOutcome::TooManyFace),
        (5, BiometricOutcome::FaceNotFound),
        (6, BiometricOutcome::FaceOutBound),
        (7, BiometricOutcome::SettingsMissed),
        (8, BiometricOutcome::UserNotExists),
        (42, BiometricOutcome::Other(42)),
    ];
    for (code, outcome) in expected {
        sandbox.authx().queue_biometric_outcome(code);
        let result = client.process_biometric(&verify, BiometricData::bytes(sample(0))).await.unwrap();
        assert_eq!(result.outcome, outcome);
    }
}

#[tokio::test]
async fn unknown_user_and_unknown_application_are_outcomes() {
    let (sandbox, client) = setup().await;
    let nobody = BiometricCall::new("no-such-guid", BiometricKind::Face, BiometricProcess::Enrol);
    let result = client.process_biometric(&nobody, BiometricData::bytes(sample(0))).await.unwrap();
    assert_eq!(result.outcome, BiometricOutcome::UserNotExists);

    let guid = user(&client, "app").await;
    let stranger = AuthxClient::new(config(&sandbox).biometric_app(BiometricApp::new(
        AuthxSim::BIOMETRIC_APPLICATION_KEY,
        "not-the-secret",
        AuthxSim::HOST_NAME,
    )))
    .unwrap();
    let enrol = call(&guid, BiometricKind::Face, BiometricProcess::Enrol);
    let result = stranger.process_biometric(&enrol, BiometricData::bytes(sample(0))).await.unwrap();
    assert_eq!(result.outcome, BiometricOutcome::SettingsMissed);
}

#[tokio::test]
async fn an_empty_sample_cannot_be_enrolled_and_needs_a_biometric_app() {
    let (sandbox, client) = setup().await;
    let enrol = BiometricCall::new("g", BiometricKind::Face, BiometricProcess::Enrol);
    let error = client.process_biometric(&enrol, BiometricData::bytes(Vec::new())).await.unwrap_err();
    assert_eq!(error.to_string(), "invalid input: `biometricdata` must not be empty to enrol or verify");
    let mut bare = config(&sandbox);
    bare.biometric_app = None;
    let bare = AuthxClient::new(bare).unwrap();
    let error = bare.process_biometric(&enrol, BiometricData::bytes(sample(0))).await.unwrap_err();
    assert_eq!(error.code(), "config");
    assert_eq!(sandbox.request_count(UPLOAD), 0);
}

#[tokio::test]
async fn from_a_file_with_content_length() {
    let (sandbox, client) = setup().await;
    let guid = user(&client, "file").await;
    let path = std::env::temp_dir().join(format!("authx-sample-{}.bin", std::process::id()));
    let bytes: Vec<u8> = sample(3).repeat(5000); // about 1.4 MB, many read chunks
    tokio::fs::write(&path, &bytes).await.unwrap();
    let enrol = call(&guid, BiometricKind::Palm, BiometricProcess::Enrol);
    let data = BiometricData::file(&path).await.unwrap();
    let frame_len = client.biometric_frame(&enrol, BiometricData::file(&path).await.unwrap()).unwrap().content_length();
    assert!(client.process_biometric(&enrol, data).await.unwrap().outcome.is_success());
    let upload = sandbox.authx().last_upload().unwrap();
    assert_eq!(upload.sha256, <[u8; 32]>::from(Sha256::digest(&bytes)));
    assert_eq!(upload.content_length, frame_len);
    assert!(upload.content_length.unwrap() > bytes.len() as u64);
    tokio::fs::remove_file(&path).await.unwrap();

    let missing = BiometricData::file(&path).await.unwrap_err();
    assert_eq!(missing.code(), "io");
}

#[tokio::test]
async fn from_a_reader_without_length_is_chunked() {
    let (sandbox, client) = setup().await;
    let guid = user(&client, "reader").await;
    let bytes = sample(9).repeat(300);
    let enrol = call(&guid, BiometricKind::Finger, BiometricProcess::Enrol);
    let data = BiometricData::reader(std::io::Cursor::new(bytes.clone()), None);
    assert!(client.process_biometric(&enrol, data).await.unwrap().outcome.is_success());
    let upload = sandbox.authx().last_upload().unwrap();
    assert_eq!(upload.content_length, None);
    assert_eq!(upload.sha256, <[u8; 32]>::from(Sha256::digest(&bytes)));

    let verify = call(&guid, BiometricKind::Finger, BiometricProcess::Verify);
    let data = BiometricData::reader(std::io::Cursor::new(bytes.clone()), Some(bytes.len() as u64));
    assert!(client.process_biometric(&verify, data).await.unwrap().outcome.is_success());
    assert!(sandbox.authx().last_upload().unwrap().content_length.is_some());
}

#[tokio::test]
async fn a_reader_shorter_than_announced_never_completes_the_upload() {
    let (sandbox, client) = setup().await;
    let guid = user(&client, "liar").await;
    let enrol = call(&guid, BiometricKind::Face, BiometricProcess::Enrol);
    let data = BiometricData::reader(std::io::Cursor::new(vec![1u8; 10]), Some(20));
    let error = client.process_biometric(&enrol, data).await.unwrap_err();
    assert_eq!(error.code(), "transport");
    assert!(sandbox.authx().user(guid.as_str()).unwrap().enrolled.is_empty());
}

#[tokio::test]
async fn a_refused_token_repeats_a_file_upload_but_not_a_reader() {
    let (sandbox, client) = setup().await;
    let guid = user(&client, "renew").await;
    let path = std::env::temp_dir().join(format!("authx-renew-{}.bin", std::process::id()));
    tokio::fs::write(&path, sample(5)).await.unwrap();
    let enrol = call(&guid, BiometricKind::Face, BiometricProcess::Enrol);

    sandbox.authx().expire_tokens();
    sandbox.reset_counts();
    let result = client.process_biometric(&enrol, BiometricData::file(&path).await.unwrap()).await.unwrap();
    assert!(result.outcome.is_success());
    assert_eq!((sandbox.request_count(UPLOAD), sandbox.request_count("authx.AccessToken")), (2, 1));
    tokio::fs::remove_file(&path).await.unwrap();

    sandbox.authx().expire_tokens();
    sandbox.reset_counts();
    let verify = call(&guid, BiometricKind::Face, BiometricProcess::Verify);
    let reader = BiometricData::reader(std::io::Cursor::new(sample(5)), None);
    let error = client.process_biometric(&verify, reader).await.unwrap_err();
    assert_eq!((error.code(), error.status()), ("unauthorized", Some(401)));
    assert!(error.vendor_message().unwrap().contains("call again"));
    assert_eq!((sandbox.request_count(UPLOAD), sandbox.request_count("authx.AccessToken")), (1, 1));
    // The token was renewed: calling again works at once.
    let reader = BiometricData::reader(std::io::Cursor::new(sample(5)), None);
    assert!(client.process_biometric(&verify, reader).await.unwrap().outcome.is_success());
    assert_eq!(sandbox.request_count("authx.AccessToken"), 1);
}

#[tokio::test]
async fn the_seed_spelling_of_the_content_type_is_configurable() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = AuthxClient::new(config(&sandbox).biometric_content_type("application/octect-stream")).unwrap();
    let guid = user(&client, "spelling").await;
    let enrol = call(&guid, BiometricKind::Face, BiometricProcess::Enrol);
    client.process_biometric(&enrol, BiometricData::bytes(sample(0))).await.unwrap();
    assert_eq!(sandbox.authx().last_upload().unwrap().data_content_type, "application/octect-stream");
    let bad = AuthxClient::new(config(&sandbox).biometric_content_type("octets\r\nX: y")).unwrap();
    assert_eq!(
        bad.process_biometric(&enrol, BiometricData::bytes(sample(0))).await.unwrap_err().code(),
        "invalid_input"
    );
}
