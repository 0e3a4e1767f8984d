//! Descope TOTP against the sandbox: sign-up, verify with real RFC 6238 codes, key update,
//! and the configuration, headers and errors every Descope call shares.
#![cfg(all(feature = "descope", feature = "sandbox"))]

use std::time::{SystemTime, UNIX_EPOCH};

use authbridge::descope::{DescopeClient, DescopeConfig, LoginOptions, UserDetails};
use authbridge::sandbox::{DescopeSim, Fault, Sandbox};
use authbridge::totp::Totp;
use authbridge::{Secret, Vendor};
use serde_json::json;

const LOGIN: &str = "ada@example.com";

fn config(sandbox: &Sandbox, project_id: &str) -> DescopeConfig {
    let url = sandbox.url(Vendor::Descope).expect("descope url");
    DescopeConfig::new(project_id).expect("config").base_url(&url).expect("url")
}

async fn setup() -> (Sandbox, DescopeClient) {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let client = DescopeClient::new(config(&sandbox, DescopeSim::PROJECT_ID)).expect("client");
    (sandbox, client)
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs()
}

#[tokio::test]
async fn sign_up_then_verify_a_generated_code() {
    let (sandbox, client) = setup().await;
    let details = UserDetails { name: Some("Ada".into()), ..Default::default() };
    let enrollment = client.totp_sign_up(LOGIN, Some(&details)).await.unwrap();
    assert!(enrollment.provisioning_url.expose().starts_with("otpauth://totp/"));
    assert!(!enrollment.image.is_empty());
    let from_key = Totp::from_base32(enrollment.key.expose()).unwrap();
    let generator = enrollment.generator().unwrap();
    assert_eq!(generator.generate_at(1_000_000).expose(), from_key.generate_at(1_000_000).expose());
    assert_eq!(generator.account(), Some(LOGIN));
    assert_eq!(
        sandbox.descope().last_request_body("descope.totp_signup").unwrap(),
        json!({ "loginId": LOGIN, "user": { "name": "Ada" } })
    );

    let session = client.totp_verify(LOGIN, &generator.generate_now(), None).await.unwrap();
    assert!(session.first_seen);
    assert_eq!(session.user.totp, Some(true));
    assert_eq!(session.user.name.as_deref(), Some("Ada"));
    // As the JS SDKs send it: no loginOptions.
    let body = sandbox.descope().last_request_body("descope.totp_verify").unwrap();
    assert_eq!(body.as_object().unwrap().keys().collect::<Vec<_>>(), ["code", "loginId"]);
    let claims = client.validate_session(&session.session_jwt).await.unwrap();
    assert_eq!(claims.subject, session.user.user_id);
    assert_eq!(claims.all["amr"], json!(["totp"]));
}

#[tokio::test]
async fn verify_with_login_options_as_the_python_sdk_sends_them() {
    let (sandbox, client) = setup().await;
    let key = sandbox.descope().add_totp_user(LOGIN);
    let totp = Totp::from_base32(&key).unwrap();
    let mut options = LoginOptions::default();
    options.custom_claims.insert("app".into(), json!("demo"));
    let session = client.totp_verify(LOGIN, &totp.generate_now(), Some(&options)).await.unwrap();
    assert!(!session.first_seen);
    assert_eq!(
        sandbox.descope().last_request_body("descope.totp_verify").unwrap()["loginOptions"],
        json!({ "customClaims": { "app": "demo" } })
    );
    let claims = client.validate_session(&session.session_jwt).await.unwrap();
    assert_eq!(claims.all["app"], "demo");

    // An empty loginOptions object is accepted too.
    let session = client.totp_verify(LOGIN, &totp.generate_at(now() + 30), Some(&LoginOptions::default())).await;
    assert!(session.is_ok());
    assert_eq!(sandbox.descope().last_request_body("descope.totp_verify").unwrap()["loginOptions"], json!({}));
}

#[tokio::test]
async fn wrong_and_replayed_codes_fail_authentication() {
    let (sandbox, client) = setup().await;
    let totp = Totp::from_base32(&sandbox.descope().add_totp_user(LOGIN)).unwrap();
    let code = totp.generate_now();
    let wrong = Secret::new(if code.expose() == "000000" { "111111" } else { "000000" });
    let error = client.totp_verify(LOGIN, &wrong, None).await.unwrap_err();
    assert_eq!(error.code(), "authentication_failed");
    assert_eq!(error.vendor_code(), Some("E061102"));
    assert_eq!(error.status(), Some(401));

    client.totp_verify(LOGIN, &code, None).await.unwrap();
    let replay = client.totp_verify(LOGIN, &code, None).await.unwrap_err();
    assert_eq!(replay.code(), "authentication_failed");
    // A code two steps away is outside the ±1 step window.
    let far = client.totp_verify(LOGIN, &totp.generate_at(now() + 90), None).await.unwrap_err();
    assert_eq!(far.code(), "authentication_failed");
    // Unknown login IDs look like wrong codes, so they cannot be probed.
    let unknown = client.totp_verify("nobody@example.com", &code, None).await.unwrap_err();
    assert_eq!(unknown.vendor_code(), Some("E061102"));
}

#[tokio::test]
async fn a_code_is_never_sent_twice() {
    let (sandbox, client) = setup().await;
    let totp = Totp::from_base32(&sandbox.descope().add_totp_user(LOGIN)).unwrap();
    sandbox.arm_times("descope.totp_verify", Fault::Reset, 1);
    let error = client.totp_verify(LOGIN, &totp.generate_now(), None).await.unwrap_err();
    assert_eq!(error.code(), "transport");
    assert_eq!(sandbox.request_count("descope.totp_verify"), 1);
}

#[tokio::test]
async fn sign_up_of_a_registered_user_is_a_conflict() {
    let (sandbox, client) = setup().await;
    sandbox.descope().add_totp_user(LOGIN);
    let error = client.totp_sign_up(LOGIN, None).await.unwrap_err();
    assert_eq!(error.code(), "conflict");
    assert_eq!(error.vendor_code(), Some("E062107"));
    assert!(error.vendor_message().unwrap().contains("User already exists"));
}

#[tokio::test]
async fn update_key_needs_the_refresh_jwt_and_replaces_the_key_once_verified() {
    let (sandbox, client) = setup().await;
    let old = Totp::from_base32(&sandbox.descope().add_totp_user(LOGIN)).unwrap();
    let session = client.totp_verify(LOGIN, &old.generate_now(), None).await.unwrap();
    let refresh = session.refresh_jwt.unwrap();

    let enrollment = client.totp_update(LOGIN, &refresh).await.unwrap();
    assert_eq!(
        sandbox.descope().last_authorization().unwrap(),
        format!("Bearer {}:{}", DescopeSim::PROJECT_ID, refresh.expose())
    );
    assert_eq!(sandbox.descope().last_request_body("descope.totp_update").unwrap(), json!({ "loginId": LOGIN }));
    let new = enrollment.generator().unwrap();
    client.totp_verify(LOGIN, &new.generate_now(), None).await.unwrap();
    // The old key stopped working once the new one was verified.
    let error = client.totp_verify(LOGIN, &old.generate_at(now() + 30), None).await.unwrap_err();
    assert_eq!(error.code(), "authentication_failed");

    let forged = client.totp_update(LOGIN, &Secret::new("not.a.jwt")).await.unwrap_err();
    assert_eq!(forged.code(), "unauthorized");
    // A session JWT is not a refresh JWT.
    let wrong_kind = client.totp_update(LOGIN, &session.session_jwt).await.unwrap_err();
    assert_eq!(wrong_kind.code(), "unauthorized");
}

#[tokio::test]
async fn bad_input_is_refused_before_sending() {
    let (sandbox, client) = setup().await;
    let cases = [
        client.totp_verify("", &Secret::new("123456"), None).await,
        client.totp_verify(LOGIN, &Secret::new("12ab56"), None).await,
        client.totp_verify(LOGIN, &Secret::new("123"), None).await,
        client.totp_verify(LOGIN, &Secret::new(""), None).await,
        client.totp_verify("a\nb", &Secret::new("123456"), None).await,
    ];
    for case in cases {
        assert_eq!(case.unwrap_err().code(), "invalid_input");
    }
    let stepup = LoginOptions { mfa: true, ..Default::default() };
    assert_eq!(
        client.totp_verify(LOGIN, &Secret::new("123456"), Some(&stepup)).await.unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(client.totp_sign_up("", None).await.unwrap_err().code(), "invalid_input");
    assert_eq!(client.totp_update(LOGIN, &Secret::new("")).await.unwrap_err().code(), "invalid_input");
    assert_eq!(sandbox.request_count("descope.totp_verify"), 0);
    assert_eq!(sandbox.request_count("descope.totp_signup"), 0);
    assert_eq!(sandbox.request_count("descope.totp_update"), 0);
}

#[tokio::test]
async fn mfa_verify_carries_the_refresh_jwt() {
    let (sandbox, client) = setup().await;
    let totp = Totp::from_base32(&sandbox.descope().add_totp_user(LOGIN)).unwrap();
    let first = client.totp_verify(LOGIN, &totp.generate_now(), None).await.unwrap();
    let refresh = first.refresh_jwt.unwrap();
    let mfa = LoginOptions { mfa: true, ..Default::default() };
    client.totp_verify_for_session(LOGIN, &totp.generate_at(now() + 30), &mfa, &refresh).await.unwrap();
    assert_eq!(
        sandbox.descope().last_request_body("descope.totp_verify").unwrap()["loginOptions"],
        json!({ "mfa": true })
    );
}

#[tokio::test]
async fn refresh_jwt_only_in_the_dsr_cookie() {
    let (sandbox, client) = setup().await;
    let totp = Totp::from_base32(&sandbox.descope().add_totp_user(LOGIN)).unwrap();
    sandbox.descope().set_refresh_in_cookie(true);
    let session = client.totp_verify(LOGIN, &totp.generate_now(), None).await.unwrap();
    let refresh = session.refresh_jwt.expect("refresh JWT from the DSR cookie");
    // It is a real refresh token: the update call accepts it.
    client.totp_update(LOGIN, &refresh).await.unwrap();
}

#[tokio::test]
async fn management_key_is_appended_to_the_bearer() {
    let (sandbox, _) = setup().await;
    sandbox.descope().require_management_key("K2mgmtkey");
    let totp = Totp::from_base32(&sandbox.descope().add_totp_user(LOGIN)).unwrap();
    let without = DescopeClient::new(config(&sandbox, DescopeSim::PROJECT_ID)).unwrap();
    let error = without.totp_verify(LOGIN, &totp.generate_now(), None).await.unwrap_err();
    assert_eq!(error.code(), "unauthorized");

    let with = config(&sandbox, DescopeSim::PROJECT_ID).management_key(Secret::new("K2mgmtkey")).unwrap();
    let client = DescopeClient::new(with).unwrap();
    let session = client.totp_verify(LOGIN, &totp.generate_now(), None).await.unwrap();
    assert_eq!(sandbox.descope().last_authorization().unwrap(), format!("Bearer {}:K2mgmtkey", DescopeSim::PROJECT_ID));
    let refresh = session.refresh_jwt.unwrap();
    client.totp_update(LOGIN, &refresh).await.unwrap();
    assert_eq!(
        sandbox.descope().last_authorization().unwrap(),
        format!("Bearer {}:{}:K2mgmtkey", DescopeSim::PROJECT_ID, refresh.expose())
    );
}

#[tokio::test]
async fn unknown_project_is_unauthorized() {
    let (sandbox, _) = setup().await;
    let client = DescopeClient::new(config(&sandbox, "P2NoSuchProject")).unwrap();
    let error = client.totp_sign_up(LOGIN, None).await.unwrap_err();
    assert_eq!(error.code(), "unauthorized");
    assert_eq!(error.vendor(), Some(Vendor::Descope));
}

#[tokio::test]
async fn descope_error_bodies_keep_code_description_and_message() {
    let (sandbox, client) = setup().await;
    sandbox.descope().fail_next("descope.totp_signup", 400, Some("E011003"), None, 1);
    let error = client.totp_sign_up(LOGIN, None).await.unwrap_err();
    assert_eq!(error.code(), "vendor");
    assert_eq!(error.vendor_code(), Some("E011003"));
    assert_eq!(error.vendor_message(), Some("Error: armed by the sandbox control API"));
    assert_eq!(error.status(), Some(400));
}

#[tokio::test]
async fn rate_limit_on_a_code_submission_is_classified_by_status_even_without_a_body() {
    let (sandbox, client) = setup().await;
    let totp = Totp::from_base32(&sandbox.descope().add_totp_user(LOGIN)).unwrap();
    sandbox.descope().fail_next("descope.totp_verify", 429, None, None, 1);
    let error = client.totp_verify(LOGIN, &totp.generate_now(), None).await.unwrap_err();
    assert_eq!(error.code(), "rate_limited");
    assert_eq!(error.vendor_code(), None);
    assert_eq!(error.retry_after(), None);
    // No Retry-After: the code was refused but not resent.
    assert_eq!(sandbox.request_count("descope.totp_verify"), 1);

    sandbox.descope().rate_limit("descope.totp_verify", 1, Some(3600));
    let error = client.totp_verify(LOGIN, &totp.generate_now(), None).await.unwrap_err();
    assert_eq!(error.code(), "rate_limited");
    assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(3600)));
    assert_eq!(error.vendor_code(), Some("E130429"));
}

#[tokio::test]
async fn stand_in_is_strict_about_the_wire() {
    let (sandbox, _) = setup().await;
    let url = sandbox.url(Vendor::Descope).unwrap();
    let http = reqwest::Client::new();
    let post = |path: &str, body: serde_json::Value| {
        http.post(format!("{url}{path}"))
            .header("Authorization", format!("Bearer {}", DescopeSim::PROJECT_ID))
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
    };
    let extra =
        post("/v1/auth/totp/verify", json!({ "loginId": LOGIN, "code": "123456", "phone": "x" })).await.unwrap();
    assert_eq!(extra.status(), 400);
    assert!(extra.text().await.unwrap().contains("unexpected field `phone`"));
    let user_on_signin = post("/v1/auth/notp/whatsapp/signin", json!({ "loginId": LOGIN, "user": {} })).await.unwrap();
    assert_eq!(user_on_signin.status(), 400);
    let typed = post("/v1/auth/notp/pending-session", json!({ "pendingRef": 5 })).await.unwrap();
    assert!(typed.text().await.unwrap().contains("must be a string"));
    let bad_option =
        post("/v1/auth/notp/whatsapp/signup-in", json!({ "loginOptions": { "stepup": "yes" } })).await.unwrap();
    assert_eq!(bad_option.status(), 400);
    let no_bearer = http
        .post(format!("{url}/v1/auth/totp/signup"))
        .header("Content-Type", "application/json")
        .body(json!({ "loginId": LOGIN }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(no_bearer.status(), 401);
    let get = http.get(format!("{url}/v1/auth/totp/signup")).send().await.unwrap();
    assert_eq!(get.status(), 400);
    let keys = http.get(format!("{url}/v2/keys/{}", DescopeSim::PROJECT_ID)).send().await.unwrap();
    let jwks: serde_json::Value = serde_json::from_slice(&keys.bytes().await.unwrap()).unwrap();
    assert_eq!(jwks["keys"][0]["alg"], "RS256");
    assert_eq!(jwks["keys"][0]["kty"], "RSA");
    let other = http.get(format!("{url}/v2/keys/P2Unknown")).send().await.unwrap();
    assert_eq!(other.status(), 400);
}
