//! The `authbridge-sandbox` program: one JSON line announcing every stand-in and the control
//! endpoint, a working control API, and a clean exit on SIGTERM.
#![cfg(feature = "sandbox")]
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[tokio::test]
async fn it_announces_itself_serves_control_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_authbridge-sandbox"))
        .args(["--token", "token-for-this-test-only"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let announcement: Value = serde_json::from_str(&line).unwrap();
    for vendor in ["nevisidm", "authx", "descope", "otpone", "nopass"] {
        assert!(announcement[vendor].as_str().unwrap().starts_with("http://127.0.0.1:"), "{line}");
    }
    assert_eq!(announcement["token"], "token-for-this-test-only");

    let answer = reqwest::Client::new()
        .post(announcement["control"].as_str().unwrap())
        .bearer_auth("token-for-this-test-only")
        .header("content-type", "application/json")
        .body(json!({"op": "sandbox.urls"}).to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["result"]["otpone"], announcement["otpone"]);

    // SAFETY: signalling the child this test started.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) }, 0);
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running 10 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn bad_arguments_are_refused_with_the_usage() {
    let output = Command::new(env!("CARGO_BIN_EXE_authbridge-sandbox")).arg("--port").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage: authbridge-sandbox"));
    let output = Command::new(env!("CARGO_BIN_EXE_authbridge-sandbox")).args(["--token", "short"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("16 characters"));
}
