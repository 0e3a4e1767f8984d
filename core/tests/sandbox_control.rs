//! The sandbox's control surface as data: requests read from JSON, dispatched to the
//! stand-ins, answered as JSON; bad requests refused naming the field.
#![cfg(all(feature = "sandbox", feature = "nevis", feature = "descope", feature = "otpone", feature = "nopass"))]
#![allow(clippy::unwrap_used)]

use authbridge::nevis::{LoginStatusCode, NevisClient, NevisConfig};
use authbridge::sandbox::control::{ControlRequest, CredentialSpec, FaultSpec, NevisOp, SandboxOp};
use authbridge::sandbox::{CredentialRef, CredentialState, Sandbox};
use authbridge::{Error, Secret, Vendor};
use serde_json::{json, Value};

async fn control(sandbox: &Sandbox, request: Value) -> Value {
    sandbox.control(ControlRequest::from_json(request).unwrap()).await.unwrap()
}

fn refusal(request: Value) -> (String, String) {
    match ControlRequest::from_json(request) {
        Err(Error::InvalidInput { field, rule }) => (field, rule),
        other => panic!("expected an invalid_input refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_user_set_up_through_control_requests_can_log_in() {
    let sandbox = Sandbox::start().await.unwrap();
    for request in [
        json!({"op": "nevis.add_client", "client_ext_id": "1000", "name": "Default"}),
        json!({"op": "nevis.add_user", "client_ext_id": "1000", "user_ext_id": "alice"}),
        json!({"op": "nevis.set_password", "client_ext_id": "1000", "user_ext_id": "alice", "password": "Str0ng!pass"}),
    ] {
        assert_eq!(control(&sandbox, request).await, Value::Null);
    }
    let client = NevisClient::new(NevisConfig::new(&sandbox.url(Vendor::Nevis).unwrap()).unwrap()).unwrap();
    let status = client.password_login("1000", "alice", &Secret::new("Str0ng!pass")).await.unwrap();
    assert_eq!(status.status, LoginStatusCode::Ok);

    let lock = json!({"op": "nevis.set_state", "client_ext_id": "1000", "user_ext_id": "alice",
                      "credential": {"kind": "password"}, "state": "locked"});
    control(&sandbox, lock).await;
    assert_eq!(
        sandbox.nevis().credential_state("1000", "alice", &CredentialRef::Password),
        Some(CredentialState::Locked)
    );
    let state = json!({"op": "nevis.credential_state", "client_ext_id": "1000", "user_ext_id": "alice",
                       "credential": {"kind": "password"}});
    assert_eq!(control(&sandbox, state).await, json!("locked"));
}

#[tokio::test]
async fn answers_are_the_stand_ins_values_as_json() {
    let sandbox = Sandbox::start().await.unwrap();
    let secret = control(&sandbox, json!({"op": "descope.add_totp_user", "login_id": "bob"})).await;
    assert_eq!(secret.as_str().unwrap().len(), 32, "a 160-bit key in base32: {secret}");
    assert_eq!(control(&sandbox, json!({"op": "descope.user", "login_id": "bob"})).await["loginIds"], json!(["bob"]));
    assert_eq!(control(&sandbox, json!({"op": "otpone.pending_for", "user_mail": "a@example.com"})).await, Value::Null);
    assert_eq!(control(&sandbox, json!({"op": "nopass.has_user", "user_id": "carol"})).await, json!(false));
    control(&sandbox, json!({"op": "nopass.add_user", "user_id": "carol"})).await;
    assert!(sandbox.nopass().has_user("carol"));

    let presets = control(&sandbox, json!({"op": "sandbox.presets"})).await;
    assert_eq!(presets["descope.PROJECT_ID"], json!(authbridge::sandbox::DescopeSim::PROJECT_ID));
    let urls = control(&sandbox, json!({"op": "sandbox.urls"})).await;
    assert_eq!(urls["nevisidm"], json!(sandbox.url(Vendor::Nevis).unwrap()));
    assert_eq!(urls.as_object().unwrap().len(), Vendor::ALL.len());
}

#[tokio::test]
async fn faults_and_counters_are_reachable_as_data() {
    let sandbox = Sandbox::start().await.unwrap();
    let arm = json!({"op": "sandbox.arm", "route": "nevisidm.password_login",
                     "fault": {"kind": "status", "status": 503, "retry_after": "1"}, "times": 1});
    control(&sandbox, arm).await;
    let url = format!("{}/nevisidm/api/auth/v1/1000/users/alice/password/login/", sandbox.url(Vendor::Nevis).unwrap());
    let answer = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/json")
        .body(r#"{"password": "x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 503);
    assert_eq!(answer.headers()["retry-after"], "1");
    let count = json!({"op": "sandbox.request_count", "route": "nevisidm.password_login"});
    assert_eq!(control(&sandbox, count.clone()).await, json!(1));
    control(&sandbox, json!({"op": "sandbox.reset_counts"})).await;
    assert_eq!(control(&sandbox, count).await, json!(0));
}

#[tokio::test]
async fn a_nopass_callback_the_stand_in_cannot_make_is_an_error_not_an_answer() {
    let sandbox = Sandbox::start().await.unwrap();
    let failure = sandbox.control_json(r#"{"op": "nopass.register_portal", "admin_id": "admin"}"#).await.unwrap_err();
    assert_eq!(failure.code(), "config", "{failure}");
}

#[test]
fn requests_round_trip_through_json() {
    let requests = [
        ControlRequest::Sandbox(SandboxOp::Arm {
            route: "authx.AddUser".into(),
            fault: FaultSpec::Delay { ms: 250 },
            times: None,
        }),
        ControlRequest::Sandbox(SandboxOp::ClearFaults),
        ControlRequest::Nevis(NevisOp::SetState {
            client_ext_id: "1000".into(),
            user_ext_id: "u".into(),
            credential: CredentialSpec::DevicePassword { credential_ext_id: "d1".into() },
            state: CredentialState::Disabled,
        }),
        ControlRequest::Nevis(NevisOp::SetLockPolicy { max_failures: 5, temporary_lock_ms: Some(1500) }),
    ];
    for request in requests {
        let json = request.to_json();
        assert!(json["op"].as_str().unwrap().contains('.'), "{json}");
        assert_eq!(ControlRequest::from_json(json.clone()).unwrap(), request, "{json}");
        let text = serde_json::to_string(&request).unwrap();
        assert_eq!(serde_json::from_str::<ControlRequest>(&text).unwrap(), request);
    }
}

#[test]
fn a_bad_request_names_the_field_and_the_rule() {
    assert_eq!(refusal(json!(["nevis.add_user"])).0, "request");
    assert_eq!(refusal(json!({"client_ext_id": "1000"})).0, "op");
    assert!(refusal(json!({"op": "add_user"})).1.contains("<group>.<operation>"));
    assert!(refusal(json!({"op": "ldap.add_user"})).1.contains("ldap"));

    let (field, rule) = refusal(json!({"op": "nevis.add_user", "client_ext_id": "1000"}));
    assert_eq!(field, "user_ext_id");
    assert!(rule.starts_with("nevis.add_user: missing field"), "{rule}");
    let (field, _) = refusal(json!({"op": "nevis.add_user"}));
    assert_eq!(field, "client_ext_id", "an operation given no arguments names the first one missing");
    let (field, _) = refusal(json!({"op": "nevis.add_user", "client_ext_id": "1", "user_ext_id": "u", "admin": true}));
    assert_eq!(field, "admin", "an unknown field is refused, not ignored");
    let (field, _) = refusal(json!({"op": "nevis.set_lock_policy", "max_failures": -3}));
    assert_eq!(field, "max_failures");
    let (field, rule) = refusal(json!({"op": "nevis.add_usr", "client_ext_id": "1", "user_ext_id": "u"}));
    assert_eq!(field, "op");
    assert!(rule.contains("add_usr"), "{rule}");
    let (field, _) = refusal(json!({"op": "sandbox.clear_faults", "route": "r"}));
    assert_eq!(field, "op", "an operation without arguments refuses any");
    let (field, rule) = refusal(json!({"op": "sandbox.arm", "route": "r", "fault": {"kind": "explode"}}));
    assert!(field.starts_with("fault"), "{field}");
    assert!(rule.contains("explode"), "{rule}");
}

#[tokio::test]
async fn a_fault_with_a_status_that_is_not_http_is_refused() {
    let sandbox = Sandbox::start().await.unwrap();
    let request = r#"{"op": "sandbox.arm", "route": "x", "fault": {"kind": "status", "status": 999}}"#;
    match sandbox.control_json(request).await {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "fault.status"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn control_json_answers_json_text_and_refuses_text_that_is_not_json() {
    let sandbox = Sandbox::start().await.unwrap();
    assert_eq!(sandbox.control_json(r#"{"op": "sandbox.request_count", "route": "x"}"#).await.unwrap(), "0");
    let failure = sandbox.control_json("{op: nevis}").await.unwrap_err();
    assert_eq!(failure.code(), "invalid_input");
}

#[tokio::test]
async fn control_json_now_answers_at_once_and_refuses_a_waiting_operation_before_it_starts() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.nopass().set_portal_url("http://127.0.0.1:9");
    assert_eq!(sandbox.control_json_now(r#"{"op": "nopass.has_user", "user_id": "x"}"#).unwrap(), "false");
    for waiting in [
        r#"{"op": "nopass.register_portal", "admin_id": "admin"}"#,
        r#"{"op": "otpone.wait_pending", "user_mail": "a@example.com", "timeout_ms": 0}"#,
    ] {
        let request = ControlRequest::from_slice(waiting.as_bytes()).unwrap();
        assert!(request.waits(), "{waiting}");
        match sandbox.control_json_now(waiting) {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "op"),
            other => panic!("{waiting}: {other:?}"),
        }
    }
    assert!(sandbox.nopass().registration().is_none(), "the refused call did not start");
}
