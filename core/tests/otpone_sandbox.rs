//! The OtpOne stand-in on its own, driven with raw HTTP: it binds parameters the way ASP.NET
//! does (names and paths in any case, GET or POST) and refuses what deviates from the guide
//! (docs/vendors/otpone.md).
#![cfg(all(feature = "otpone", feature = "sandbox"))]
// Helpers outside the #[test] functions may unwrap as the tests themselves do.
#![allow(clippy::unwrap_used)]

use authbridge::sandbox::Sandbox;
use authbridge::Vendor;
use serde_json::Value;

const SRV: &str = "SRV-aaaa1111-2222-3333-4444-555566667777";
const JS: &str = "JS-aaaa1111-2222-3333-4444-555566667777";

struct Raw {
    sandbox: Sandbox,
    base: String,
    http: reqwest::Client,
}

impl Raw {
    async fn new() -> Self {
        let sandbox = Sandbox::start().await.unwrap();
        sandbox.otpone().register_keys(SRV, JS);
        let base = sandbox.url(Vendor::OtpOne).unwrap();
        Raw { sandbox, base, http: reqwest::Client::new() }
    }

    async fn call(&self, method: reqwest::Method, path_and_query: &str, body: &str) -> (u16, Value) {
        let response = self
            .http
            .request(method, format!("{}{path_and_query}", self.base))
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn post(&self, path_and_query: &str) -> (u16, Value) {
        self.call(reqwest::Method::POST, path_and_query, "").await
    }

    async fn open(&self) -> String {
        let q = format!("SrvAPIKey={SRV}&UserMail=a%40b.c&requestype=0&Message=Hi&privateToken=");
        let (status, id) = self.post(&format!("/api/getTransactionID?{q}")).await;
        assert_eq!(status, 200, "{id}");
        id.as_str().unwrap().to_string()
    }
}

fn message(body: &Value) -> &str {
    body["Message"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn names_paths_and_enum_names_bind_in_any_case_by_get_or_post() {
    let raw = Raw::new().await;
    let q = format!("srvapikey={SRV}&USERMAIL=a%40b.c&RequesType=requestsigndocument&message=Sign+this&PRIVATETOKEN=p");
    let (status, id) = raw.call(reqwest::Method::GET, &format!("/API/GETTRANSACTIONID/?{q}"), "").await;
    assert_eq!(status, 200, "{id}");
    let id = id.as_str().unwrap();
    let seen = raw.sandbox.otpone().transaction(id).unwrap();
    assert_eq!((seen.request_type, seen.message.as_str()), (6, "Sign this"));
    let (status, finished) = raw.post(&format!("/api/isfinish?jsapikey={JS}&TransactionID={id}")).await;
    assert_eq!((status, finished), (200, Value::Bool(false)));
}

#[tokio::test]
async fn missing_unknown_repeated_or_empty_parameters_are_refused() {
    let raw = Raw::new().await;
    let cases = [
        (format!("/api/getTransactionID?SrvAPIKey={SRV}&UserMail=a%40b.c&requestype=0&Message=Hi"), "privateToken"),
        (
            format!("/api/getTransactionID?SrvAPIKey={SRV}&UserMail=a%40b.c&requestype=0&Message=Hi&privateToken=&x=1"),
            "unexpected query parameter `x`",
        ),
        (
            format!("/api/getTransactionID?SrvAPIKey={SRV}&UserMail=a%40b.c&UserMail=c%40d.e&requestype=0&Message=Hi&privateToken="),
            "given twice",
        ),
        (format!("/api/getTransactionID?SrvAPIKey={SRV}&UserMail=&requestype=0&Message=Hi&privateToken="), "UserMail"),
        (format!("/api/getTransactionID?SrvAPIKey={SRV}&UserMail=a%40b.c&requestype=7&Message=Hi&privateToken="), "requestype"),
        (format!("/api/getTransactionID?SrvAPIKey={SRV}&UserMail=abc&requestype=0&Message=Hi&privateToken="), "mail address"),
        (format!("/api/GetHTML?SrvAPIKey={SRV}&transactionid=t&pageType=4&FormID=f"), "pageType"),
        (format!("/api/VerifyToken?SrvAPIKey={SRV}"), "token"),
        (
            format!("/api/SendRequest?SrvAPIKey={SRV}&UserMail=a%40b.c&requestype=0&Message=Hi&OSType=x&NavigatorOrAPPName=y"),
            "userIP",
        ),
    ];
    for (path, named) in cases {
        let (status, body) = raw.post(&path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["sandbox"], "strict");
        assert!(message(&body).contains(named), "{path}: {body} should name {named}");
    }
    let (status, body) =
        raw.call(reqwest::Method::POST, &format!("/api/VerifyToken?SrvAPIKey={SRV}&token=t"), "token=t").await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("body must be empty"), "{body}");
    let (status, _) = raw.call(reqwest::Method::PUT, &format!("/api/VerifyToken?SrvAPIKey={SRV}&token=t"), "").await;
    assert_eq!(status, 400);
    let (status, _) = raw.post("/api/Nothing").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn each_route_takes_only_its_kind_of_key() {
    let raw = Raw::new().await;
    let id = raw.open().await;
    let server_routes = [
        format!("/api/getTransactionID?SrvAPIKey={JS}&UserMail=a%40b.c&requestype=0&Message=Hi&privateToken="),
        format!("/api/GetHTML?SrvAPIKey={JS}&transactionid={id}&pageType=0&FormID=f"),
        format!("/api/VerifyToken?SrvAPIKey={JS}&token=abc"),
        format!("/api/SendRequest?SrvAPIKey={JS}&UserMail=a%40b.c&requestype=0&Message=Hi&userIP=1&OSType=x&NavigatorOrAPPName=y"),
    ];
    for path in server_routes {
        let (status, body) = raw.post(&path).await;
        assert_eq!(status, 403, "{path}: {body}");
        assert!(message(&body).contains("must be a server key"), "{body}");
    }
    for route in ["IsFinish", "GetResult"] {
        let (status, body) = raw.post(&format!("/api/{route}?JsAPIKey={SRV}&transactionid={id}")).await;
        assert_eq!(status, 403, "{route}: {body}");
        assert!(message(&body).contains("must be a client key"), "{body}");
        let (status, body) = raw.post(&format!("/api/{route}?JsAPIKey=JS-unknown&transactionid={id}")).await;
        assert_eq!((status, message(&body)), (401, "Invalid API key"));
        // The server key's parameter name is not accepted on a client route.
        let (status, _) = raw.post(&format!("/api/{route}?SrvAPIKey={SRV}&transactionid={id}")).await;
        assert_eq!(status, 400);
    }
    assert_eq!(raw.sandbox.request_count("otpone.getTransactionID"), 2);
}

#[tokio::test]
async fn results_carry_the_private_token_only_once_approved() {
    let raw = Raw::new().await;
    let q = format!("SrvAPIKey={SRV}&UserMail=a%40b.c&requestype=1&Message=Hi&privateToken=the-secret");
    let (_, id) = raw.post(&format!("/api/getTransactionID?{q}")).await;
    let id = id.as_str().unwrap().to_string();
    let result = format!("/api/GetResult?JsAPIKey={JS}&transactionid={id}");
    let (status, pending) = raw.post(&result).await;
    assert_eq!((status, &pending["isValid"], &pending["privateToken"]), (200, &Value::Bool(false), &Value::Null));
    let token = raw.sandbox.otpone().approve(&id).unwrap();
    let (_, approved) = raw.post(&result).await;
    assert_eq!(approved["isValid"], true);
    assert_eq!(approved["privateToken"], "the-secret");
    assert_eq!(approved["UserValided"], "a@b.c");
    let verify = format!("/api/VerifyToken?SrvAPIKey={SRV}&token={token}");
    assert_eq!(raw.post(&verify).await.1["isValid"], true);
    assert_eq!(raw.post(&verify).await.1["isValid"], false, "tokens are single-use");

    let (_, denied) = raw.post(&format!("/api/getTransactionID?{q}")).await;
    let denied = denied.as_str().unwrap().to_string();
    raw.sandbox.otpone().deny(&denied);
    let (_, body) = raw.post(&format!("/api/GetResult?JsAPIKey={JS}&transactionid={denied}")).await;
    assert_eq!((&body["isValid"], &body["privateToken"]), (&Value::Bool(false), &Value::Null));
}
