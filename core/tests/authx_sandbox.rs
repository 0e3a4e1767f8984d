//! The AuthX stand-in is strict: requests that deviate from docs/vendors/authx.md get a 400 that
//! says why, and calls without a valid bearer get 401. Sent with a bare HTTP client, not
//! authbridge's.
#![cfg(all(feature = "authx", feature = "sandbox"))]
// Helpers outside the #[test] functions may unwrap as the tests themselves do.
#![allow(clippy::unwrap_used)]

use authbridge::sandbox::{AuthxSim, Sandbox};
use authbridge::Vendor;
use serde_json::{json, Value};

struct Raw {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Raw {
    async fn new(sandbox: &Sandbox) -> Self {
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let base = sandbox.url(Vendor::AuthX).unwrap();
        let answer = http
            .post(format!("{base}/AccessToken"))
            .header("ApplicationId", AuthxSim::APPLICATION_ID)
            .header("ApplicationKey", AuthxSim::APPLICATION_KEY)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let answer: Value = serde_json::from_slice(&answer).unwrap();
        let token = answer["access_token"].as_str().unwrap().to_string();
        Self { http, base, token }
    }

    async fn json(&self, route: &str, body: &Value) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}/{route}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null))
    }

    async fn multipart(&self, content_type: &str, body: Vec<u8>) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}/ProcessBiometric", self.base))
            .bearer_auth(&self.token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null))
    }
}

fn reason(answer: &(u16, Value)) -> String {
    assert_eq!(answer.0, 400, "expected a strict 400, got {answer:?}");
    answer.1["error"].as_str().unwrap().to_string()
}

fn seed_user() -> Value {
    json!({
        "guid": "",
        "user_name": "Richard001",
        "email": "Richardmiller@gmail.com",
        "name": { "first_Name": "Richard", "last_Name": "miller" },
        "phone": { "mobile": { "countryCode": "+91", "number": "9876813805" } },
        "alias_name": "", "alias_name1": "", "alias_name2": "", "alias_name3": "", "alias_name4": ""
    })
}

fn process_json(user: &str) -> Value {
    json!({
        "authentication_id": 2, "process_type": 1, "user_name": user,
        "correlation_id": "5c07c4ed-784d-c82f-19a7-a94221bb7f8b",
        "device_data": { "browser_name": "Chrome", "os": "Windows", "os_version": "windows-10",
            "browser_version": "89.0.4389.82", "device_name": "Unknown", "ip": "103.40.198.171", "src_user_id": 0 },
        "application_parameters": { "application_key": AuthxSim::BIOMETRIC_APPLICATION_KEY,
            "secret_key": AuthxSim::BIOMETRIC_SECRET_KEY, "host_name": AuthxSim::HOST_NAME },
        "src_user_id": 0
    })
}

/// A multipart body in the vendor's layout; `data_headers` is the biometricdata part's headers.
fn form(boundary: &str, json: &Value, data_headers: &str, data: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"processBiometrics\"\r\n\r\n{json}\r\n\
         --{boundary}\r\n{data_headers}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

const BLOB: &str = "Content-Disposition: form-data; name=\"biometricdata\"; filename=\"blob\"\r\n\
                    Content-Type: application/octect-stream";

#[tokio::test]
async fn the_seed_samples_are_accepted() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = Raw::new(&sandbox).await;
    let (status, answer) = raw.json("AddUser", &seed_user()).await;
    assert_eq!((status, answer["response_code"].as_i64()), (200, Some(1)), "{answer}");
    let data: Value = serde_json::from_str(answer["response_data"].as_str().unwrap()).unwrap();
    let guid = data["guid"].as_str().unwrap().to_string();
    assert_eq!(sandbox.authx().user(&guid).unwrap().aliases, [None, None, None, None, None]);

    let boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    let body = form(boundary, &process_json(&guid), BLOB, b"\x89PNG\r\n--");
    let (status, answer) = raw.multipart(&format!("multipart/form-data; boundary={boundary}"), body).await;
    assert_eq!((status, answer["response_code"].as_i64()), (200, Some(1)), "{answer}");
    assert_eq!(answer["correlation_id"], "5c07c4ed-784d-c82f-19a7-a94221bb7f8b");
}

#[tokio::test]
async fn json_routes_refuse_deviations() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = Raw::new(&sandbox).await;
    let mut flat = seed_user();
    flat["first_Name"] = json!("Richard");
    assert!(reason(&raw.json("AddUser", &flat).await).contains("unexpected field `first_Name`"));
    let mut null_alias = seed_user();
    null_alias["alias_name3"] = Value::Null;
    assert!(reason(&raw.json("AddUser", &null_alias).await).contains("`alias_name3` must be a string"));
    let mut no_mobile = seed_user();
    no_mobile["phone"] = json!({ "countryCode": "+1", "number": "1" });
    assert!(reason(&raw.json("AddUser", &no_mobile).await).contains("unexpected field `countryCode`"));
    let mut own_guid = seed_user();
    own_guid["guid"] = json!("mine");
    assert!(reason(&raw.json("AddUser", &own_guid).await).contains("`guid` must be empty"));
    assert!(
        reason(&raw.json("VerifyPin", &json!({ "guid": "g", "pin": 1234 })).await).contains("`pin` must be a string")
    );
    assert!(reason(&raw.json("DeleteUser", &json!({ "id": "g" })).await).contains("unexpected field `id`"));
    assert_eq!(sandbox.authx().user_count(), 0);
}

#[tokio::test]
async fn no_or_expired_bearer_is_401_and_missing_headers_are_400() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = Raw::new(&sandbox).await;
    let base = sandbox.url(Vendor::AuthX).unwrap();
    let anonymous = raw
        .http
        .post(format!("{base}/DeleteUser"))
        .header("content-type", "application/json")
        .body(json!({ "guid": "g" }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    assert_eq!(raw.json("DeleteUser", &json!({ "guid": "g" })).await.0, 200);
    sandbox.authx().expire_tokens();
    let (status, body) = raw.json("DeleteUser", &json!({ "guid": "g" })).await;
    assert_eq!(status, 401);
    assert_eq!(body["Message"], "Authorization has been denied for this request.");

    let no_key = raw.http.post(format!("{base}/AccessToken")).header("ApplicationId", "x").send().await.unwrap();
    assert_eq!(no_key.status().as_u16(), 400);
    assert!(no_key.text().await.unwrap().contains("ApplicationKey"));
    let wrong_case = raw.http.post(format!("{base}/adduser")).send().await.unwrap();
    assert_eq!(wrong_case.status().as_u16(), 404);
}

#[tokio::test]
async fn multipart_deviations_are_named() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = Raw::new(&sandbox).await;
    let b = "b0undary";
    let ct = format!("multipart/form-data; boundary={b}");
    let json = process_json("g");

    let wrong_name = BLOB.replace("biometricdata", "biometricData");
    assert!(reason(&raw.multipart(&ct, form(b, &json, &wrong_name, b"x")).await).contains("unexpected part"));
    let wrong_file = BLOB.replace("\"blob\"", "\"face.png\"");
    assert!(reason(&raw.multipart(&ct, form(b, &json, &wrong_file, b"x")).await).contains("filename=\"blob\""));
    let not_a_file = "Content-Disposition: form-data; name=\"biometricdata\"";
    assert!(reason(&raw.multipart(&ct, form(b, &json, not_a_file, b"x")).await).contains("filename"));
    let wrong_type = BLOB.replace("application/octect-stream", "image/png");
    assert!(reason(&raw.multipart(&ct, form(b, &json, &wrong_type, b"x")).await).contains("octet-stream"));

    let mut bad = json.clone();
    bad["authentication_id"] = json!(4);
    assert!(reason(&raw.multipart(&ct, form(b, &bad, BLOB, b"x")).await).contains("`authentication_id` must be"));
    let mut bad = json.clone();
    bad["device_data"].as_object_mut().unwrap().remove("ip");
    assert!(reason(&raw.multipart(&ct, form(b, &bad, BLOB, b"x")).await).contains("device_data: missing field `ip`"));
    let mut bad = json.clone();
    bad["application_parameters"]["secret_key"] = json!(5);
    assert!(reason(&raw.multipart(&ct, form(b, &bad, BLOB, b"x")).await).contains("application_parameters"));

    let only_json =
        format!("--{b}\r\nContent-Disposition: form-data; name=\"processBiometrics\"\r\n\r\n{json}\r\n--{b}--\r\n");
    assert!(reason(&raw.multipart(&ct, only_json.into_bytes()).await).contains("missing part `biometricdata`"));
    assert!(reason(&raw.multipart("application/json", json.to_string().into_bytes()).await).contains("multipart"));
    assert!(reason(&raw.multipart("multipart/form-data", form(b, &json, BLOB, b"x")).await).contains("boundary"));
    let cut = form(b, &json, BLOB, b"x");
    let cut = cut[..cut.len() - 12].to_vec();
    assert_eq!(raw.multipart(&ct, cut).await.0, 400);
    assert!(sandbox.authx().last_upload().is_none());
}
