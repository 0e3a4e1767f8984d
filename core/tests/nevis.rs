//! nevisIDM client against the sandbox: every login, success and each documented failure.
#![cfg(all(feature = "nevis", feature = "sandbox"))]
// Helpers outside the #[test] functions may unwrap as the tests themselves do.
#![allow(clippy::unwrap_used)]

use authbridge::nevis::{LoginStatusCode, NevisAuth, NevisClient, NevisConfig};
use authbridge::sandbox::{CredentialRef, CredentialState, LockPolicy, Sandbox};
use authbridge::{Secret, Vendor};

const CLIENT: &str = "1000";
const USER: &str = "1234";
const PASSWORD: &str = "1StrongPassword!";

async fn setup() -> (Sandbox, NevisClient) {
    let sandbox = Sandbox::start().await.unwrap();
    let sim = sandbox.nevis();
    sim.add_client(CLIENT, "Default");
    sim.add_user(CLIENT, USER);
    sim.set_password(CLIENT, USER, PASSWORD);
    sim.add_device_password(CLIENT, USER, "user1-devicePassword1", "device-secret");
    sim.add_context_password(CLIENT, USER, "user1-context1", "context-secret");
    sim.add_recovery_codes(CLIENT, USER, &["abcd-efgh-1234-5678", "wxyz-0000-1111-2222"]);
    let client = NevisClient::new(NevisConfig::new(&sandbox.url(Vendor::Nevis).unwrap()).unwrap()).unwrap();
    (sandbox, client)
}

fn secret(s: &str) -> Secret {
    Secret::new(s)
}

#[tokio::test]
async fn password_login_succeeds_with_status_5() {
    let (_sandbox, client) = setup().await;
    let status = client.password_login(CLIENT, USER, &secret(PASSWORD)).await.unwrap();
    assert_eq!(status.status, LoginStatusCode::Ok);
    assert_eq!(status.status.code(), 5);
    assert_eq!(status.description, "Login Ok");
}

#[tokio::test]
async fn device_and_context_password_logins_succeed() {
    let (_sandbox, client) = setup().await;
    let device = client.device_password_login(CLIENT, USER, "user1-devicePassword1", &secret("device-secret")).await;
    assert_eq!(device.unwrap().status, LoginStatusCode::Ok);
    let context = client.context_password_login(CLIENT, USER, "user1-context1", &secret("context-secret")).await;
    assert_eq!(context.unwrap().status, LoginStatusCode::Ok);
}

#[tokio::test]
async fn wrong_password_is_a_failure_even_at_http_200() {
    let (_sandbox, client) = setup().await;
    let error = client.password_login(CLIENT, USER, &secret("wrong")).await.unwrap_err();
    assert_eq!(error.code(), "authentication_failed");
    assert_eq!(error.status(), Some(200));
    assert_eq!(error.vendor(), Some(Vendor::Nevis));
    assert_eq!(LoginStatusCode::of(&error), Some(LoginStatusCode::Failed));
    let device = client.device_password_login(CLIENT, USER, "user1-devicePassword1", &secret("no")).await.unwrap_err();
    assert_eq!(LoginStatusCode::of(&device), Some(LoginStatusCode::Failed));
    let context = client.context_password_login(CLIENT, USER, "user1-context1", &secret("no")).await.unwrap_err();
    assert_eq!(LoginStatusCode::of(&context), Some(LoginStatusCode::Failed));
}

#[tokio::test]
async fn repeated_failures_warn_then_lock() {
    let (sandbox, client) = setup().await;
    let mut seen = Vec::new();
    for _ in 0..3 {
        let error = client.password_login(CLIENT, USER, &secret("wrong")).await.unwrap_err();
        seen.push(LoginStatusCode::of(&error).unwrap());
    }
    assert_eq!(seen, [LoginStatusCode::Failed, LoginStatusCode::FailedLockWarning, LoginStatusCode::FailedLocked]);
    // Once locked, even the right password is refused: the credential is no longer active.
    let error = client.password_login(CLIENT, USER, &secret(PASSWORD)).await.unwrap_err();
    assert_eq!(error.code(), "conflict");
    assert_eq!(error.status(), Some(422));
    assert_eq!(error.vendor_code(), Some("errors.credentialNotActive"));
    assert_eq!(sandbox.nevis().credential_state(CLIENT, USER, &CredentialRef::Password), Some(CredentialState::Locked));
}

#[tokio::test]
async fn a_success_resets_the_failure_count() {
    let (_sandbox, client) = setup().await;
    client.password_login(CLIENT, USER, &secret("wrong")).await.unwrap_err();
    client.password_login(CLIENT, USER, &secret(PASSWORD)).await.unwrap();
    let error = client.password_login(CLIENT, USER, &secret("wrong")).await.unwrap_err();
    assert_eq!(LoginStatusCode::of(&error), Some(LoginStatusCode::Failed));
}

#[tokio::test]
async fn temporary_lock_reports_status_9() {
    let (sandbox, client) = setup().await;
    sandbox
        .nevis()
        .set_lock_policy(LockPolicy { max_failures: 1, temporary_lock: Some(std::time::Duration::from_secs(60)) });
    let error = client.password_login(CLIENT, USER, &secret("wrong")).await.unwrap_err();
    assert_eq!(LoginStatusCode::of(&error), Some(LoginStatusCode::FailedTemporarilyLocked));
    assert_eq!(LoginStatusCode::of(&error).unwrap().code(), 9);
}

#[tokio::test]
async fn unknown_client_user_and_credentials_are_not_found_with_the_seed_messages() {
    let (_sandbox, client) = setup().await;
    let cases = [
        (
            client.password_login("nonExistingClient", USER, &secret("x")).await.unwrap_err(),
            "There is no client with external identifier 'nonExistingClient'",
        ),
        (
            client.password_login(CLIENT, "nonExistingUser", &secret("x")).await.unwrap_err(),
            "There is no user with external identifier 'nonExistingUser' in client 'Default'",
        ),
        (
            client.device_password_login(CLIENT, USER, "other-device", &secret("x")).await.unwrap_err(),
            "No device password defined for user '1234' with extId 'other-device'",
        ),
        (
            client.context_password_login(CLIENT, USER, "other-context", &secret("x")).await.unwrap_err(),
            "No context password defined for user '1234' with context 'other-context'",
        ),
    ];
    for (error, message) in cases {
        assert_eq!(error.code(), "not_found");
        assert_eq!(error.status(), Some(404));
        assert_eq!(error.vendor_code(), Some("errors.noRecord"));
        assert_eq!(error.vendor_message(), Some(message));
    }
}

#[tokio::test]
async fn user_without_password_credential_is_not_found() {
    let (sandbox, client) = setup().await;
    sandbox.nevis().add_user(CLIENT, "9999999442");
    let error = client.password_login(CLIENT, "9999999442", &secret("x")).await.unwrap_err();
    assert_eq!(error.code(), "not_found");
    assert_eq!(error.vendor_message(), Some("No password credential defined for user '9999999442'"));
}

#[tokio::test]
async fn disabled_credentials_are_conflicts_keeping_the_vendor_message() {
    let (sandbox, client) = setup().await;
    let sim = sandbox.nevis();
    sim.set_state(CLIENT, USER, &CredentialRef::Password, CredentialState::Disabled);
    sim.set_state(
        CLIENT,
        USER,
        &CredentialRef::DevicePassword("user1-devicePassword1".into()),
        CredentialState::Disabled,
    );
    sim.set_state(CLIENT, USER, &CredentialRef::ContextPassword("user1-context1".into()), CredentialState::Disabled);
    let cases = [
        (
            client.password_login(CLIENT, USER, &secret(PASSWORD)).await.unwrap_err(),
            "The password credential is not active (current state 'disabled') of user '1234'",
        ),
        (
            client
                .device_password_login(CLIENT, USER, "user1-devicePassword1", &secret("device-secret"))
                .await
                .unwrap_err(),
            "The device password is not active (current state 'disabled') of user '1234'",
        ),
        (
            client.context_password_login(CLIENT, USER, "user1-context1", &secret("context-secret")).await.unwrap_err(),
            "The context password is not active (current state 'disabled') in context 'user1-context1' of user '1234'",
        ),
    ];
    for (error, message) in cases {
        assert_eq!(error.code(), "conflict");
        assert_eq!(error.status(), Some(422));
        assert_eq!(error.vendor_code(), Some("errors.credentialNotActive"));
        assert_eq!(error.vendor_message(), Some(message));
    }
}

#[tokio::test]
async fn recovery_codes_work_once() {
    let (sandbox, client) = setup().await;
    let code = secret("abcd-efgh-1234-5678");
    client.recovery_code_login(CLIENT, USER, &code).await.unwrap();
    let reused = client.recovery_code_login(CLIENT, USER, &code).await.unwrap_err();
    assert_eq!(reused.code(), "authentication_failed");
    assert_eq!(reused.status(), Some(400));
    let wrong = client.recovery_code_login(CLIENT, USER, &secret("nope")).await.unwrap_err();
    assert_eq!(wrong.code(), "authentication_failed");
    // The other code is still good, and each attempt reached the server exactly once.
    client.recovery_code_login(CLIENT, USER, &secret("wxyz-0000-1111-2222")).await.unwrap();
    assert_eq!(sandbox.request_count("nevisidm.recovery_code_login"), 4);
}

#[tokio::test]
async fn a_refused_recovery_code_is_an_authentication_failure_whatever_its_4xx_status() {
    let (sandbox, client) = setup().await;
    let code = secret("abcd-efgh-1234-5678");
    client.recovery_code_login(CLIENT, USER, &code).await.unwrap();
    // The vendor documents no failure status; deployments answer 403 and others, and name the
    // recovery code in the error code, spelled in more than one way.
    let cases = [
        (403, "errors.recoveryCodeUsed"),
        (401, "errors.recoveryCodeInvalid"),
        (404, "errors.invalidRecoveryCode"),
        (422, "ERRORS.RECOVERYCODE_EXPIRED"),
    ];
    for (status, vendor_code) in cases {
        sandbox.nevis().set_recovery_code_failure(status, vendor_code);
        let error = client.recovery_code_login(CLIENT, USER, &code).await.unwrap_err();
        assert_eq!(error.code(), "authentication_failed", "{status} {vendor_code}: {error}");
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.vendor(), Some(Vendor::Nevis));
        assert_eq!(error.vendor_code(), Some(vendor_code));
        assert!(error.vendor_message().unwrap().contains("not valid or was already used"));
    }
    // A 403 whose code says nothing about the recovery code still concerns the caller's access.
    sandbox.nevis().set_recovery_code_failure(403, "errors.accessDenied");
    let error = client.recovery_code_login(CLIENT, USER, &code).await.unwrap_err();
    assert_eq!((error.code(), error.vendor_code()), ("unauthorized", Some("errors.accessDenied")));
}

#[tokio::test]
async fn recovery_login_for_unknown_user_is_not_found() {
    let (_sandbox, client) = setup().await;
    let error = client.recovery_code_login(CLIENT, "ghost", &secret("abcd")).await.unwrap_err();
    assert_eq!(error.code(), "not_found");
}

#[tokio::test]
async fn bad_input_is_refused_before_sending() {
    let (sandbox, client) = setup().await;
    let cases = [
        (client.password_login("", USER, &secret("x")).await.unwrap_err(), "clientExtId"),
        (client.password_login(CLIENT, " ", &secret("x")).await.unwrap_err(), "userExtId"),
        (client.password_login(CLIENT, "..", &secret("x")).await.unwrap_err(), "userExtId"),
        (client.password_login(CLIENT, "a\nb", &secret("x")).await.unwrap_err(), "userExtId"),
        (client.password_login(CLIENT, USER, &secret("")).await.unwrap_err(), "password"),
        (client.device_password_login(CLIENT, USER, "", &secret("x")).await.unwrap_err(), "credentialExtId"),
        (client.context_password_login(CLIENT, USER, "", &secret("x")).await.unwrap_err(), "context"),
        (client.recovery_code_login(CLIENT, USER, &secret("")).await.unwrap_err(), "code"),
    ];
    for (error, field) in cases {
        assert_eq!(error.code(), "invalid_input", "{error}");
        assert!(error.to_string().contains(&format!("`{field}`")), "{error} should name {field}");
    }
    let sent: u64 = ["password_login", "device_password_login", "context_password_login", "recovery_code_login"]
        .iter()
        .map(|route| sandbox.request_count(&format!("nevisidm.{route}")))
        .sum();
    assert_eq!(sent, 0, "invalid input must not reach the server");
}

#[tokio::test]
async fn ids_travel_percent_encoded_as_one_path_segment() {
    let (sandbox, client) = setup().await;
    for user in ["../admin", "a/b?c#d", "space and %25"] {
        sandbox.nevis().add_user(CLIENT, user);
        sandbox.nevis().set_password(CLIENT, user, PASSWORD);
        let status = client.password_login(CLIENT, user, &secret(PASSWORD)).await.unwrap();
        assert!(status.status.is_ok(), "{user}");
        let raw = sandbox.nevis().last_raw_path().unwrap();
        let segments: Vec<&str> = raw.split('/').collect();
        // /nevisidm/api/auth/v1/{client}/users/{user}/password/login/
        assert_eq!(segments.len(), 11, "{raw}");
        assert!(!segments[7].contains(['/', '?', '#']), "{raw}");
    }
    assert!(sandbox.nevis().last_raw_path().unwrap().contains("space%20and%20%2525"));
}

#[tokio::test]
async fn pluggable_authentication_reaches_nevis() {
    let (sandbox, _) = setup().await;
    let url = sandbox.url(Vendor::Nevis).unwrap();
    let login = |auth: NevisAuth| {
        let url = url.clone();
        async move {
            let client = NevisClient::new(NevisConfig::new(&url).unwrap().auth(auth)).unwrap();
            client.password_login(CLIENT, USER, &secret(PASSWORD)).await
        }
    };

    sandbox.nevis().require_header("authorization", "Bearer cloud-token");
    let refused = login(NevisAuth::None).await.unwrap_err();
    assert_eq!(refused.code(), "unauthorized");
    assert_eq!(refused.status(), Some(401));
    login(NevisAuth::Bearer(secret("cloud-token"))).await.unwrap();

    sandbox.nevis().require_header("authorization", "Basic c3ZjOmdhdGV3YXk="); // svc:gateway
    login(NevisAuth::Basic { username: "svc".into(), password: secret("gateway") }).await.unwrap();

    sandbox.nevis().require_header("x-sectoken", "tok");
    let name = http::HeaderName::from_static("x-sectoken");
    login(NevisAuth::Header { name, value: secret("tok") }).await.unwrap();
}

#[tokio::test]
async fn a_full_base_url_is_used_as_given() {
    let (sandbox, _) = setup().await;
    let base = format!("{}/nevisidm/api/auth/v1/", sandbox.url(Vendor::Nevis).unwrap());
    let client = NevisClient::new(NevisConfig::new(&base).unwrap()).unwrap();
    assert!(client.password_login(CLIENT, USER, &secret(PASSWORD)).await.unwrap().status.is_ok());
}
