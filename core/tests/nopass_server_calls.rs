//! The portal's own calls to the NoPass server (PreRegisterUser, RequestAuthorization) against
//! the strict stand-in: bearer `authToken`, exact bodies, success only on 2xx with no errors,
//! input refused before sending, never replayed.
#![cfg(all(feature = "nopass", feature = "sandbox"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod nopass_support;

use authbridge::nopass::{Portal, SessionState, UserPreRegistration};
use authbridge::sandbox::{Fault, Sandbox, SimPortal};
use nopass_support::*;

async fn registered(sandbox: &Sandbox) -> Portal {
    let hooks = Recorder::accepting();
    let portal = portal_with(config_for(sandbox), &hooks, None);
    register(&portal, Some(sandbox)).await;
    portal
}

#[tokio::test]
async fn pre_register_user_sends_the_sample_body_and_keeps_the_otp() {
    let sandbox = Sandbox::start().await.unwrap();
    let portal = registered(&sandbox).await;
    let user = UserPreRegistration {
        user_id: "jim@example.com".into(),
        client_ip: Some("198.51.100.7".into()),
        redirect_url: Some("https://portal.example/Identity/Account/ExternalLogin?token=abc".into()),
        social_network: None,
        given_name: Some("Jim".into()),
        sur_name: None,
        phone_number: None,
        email: Some("jim@example.com".into()),
    };
    let started = portal.pre_register_user(user).await.unwrap();
    // The strict stand-in accepted every field of the body, and kept what it was sent.
    let seen = sandbox.nopass().pre_registration("jim@example.com").unwrap();
    assert_eq!(seen.otp, started.otp.expose());
    assert_eq!(seen.register_link, started.register_link);
    assert_eq!(seen.client_ip.as_deref(), Some("198.51.100.7"));
    assert_eq!(seen.given_name.as_deref(), Some("Jim"));
    assert_eq!(seen.sur_name, None);
    assert!(!format!("{started:?}").contains(&seen.otp), "the otp must not show in Debug");
}

#[tokio::test]
async fn request_authorization_opens_a_session_with_the_first_picture() {
    let sandbox = Sandbox::start().await.unwrap();
    let portal = registered(&sandbox).await;
    sandbox.nopass().add_user("u1");
    let login = portal.request_authorization("u1").await.unwrap();
    let auth_id = sandbox.nopass().last_auth_id("u1").unwrap();
    assert_ne!(login.handle, auth_id, "the browser handle is not the authId");
    assert!(!format!("{login:?}").contains(&auth_id), "the authId must not show in Debug");
    assert!(!serde_json::to_string(&login).unwrap().contains(&auth_id), "nor in JSON");
    assert_eq!((login.state, login.pictures, login.next_change_ms), (SessionState::Pending, 1, Some(30_000)));
    assert_eq!(&login.image_png().unwrap()[..4], b"\x89PNG");
    assert!(login.expires_at_ms >= login.created_at_ms + 359_000, "the default login time is 360 s");
    assert_eq!(portal.session(&login.handle).await.unwrap().unwrap(), login);
}

#[tokio::test]
async fn a_2xx_with_errors_is_a_failure() {
    let sandbox = Sandbox::start().await.unwrap();
    let portal = registered(&sandbox).await;
    // Not a NoPass user: the stand-in answers 200 with errors.
    let error = portal.request_authorization("stranger").await.unwrap_err();
    assert_eq!(error.code(), "vendor");
    assert_eq!(error.vendor_code(), Some("404"));
    assert_eq!(error.status(), Some(200));
    assert!(error.vendor_message().unwrap().contains("not registered"));
    // A user who is registered already cannot pre-register again.
    sandbox.nopass().add_user("u1");
    let error = portal.pre_register_user(UserPreRegistration::new("u1")).await.unwrap_err();
    assert_eq!((error.code(), error.vendor_code()), ("vendor", Some("409")));
}

#[tokio::test]
async fn the_bearer_token_is_the_registered_auth_token() {
    let sandbox = Sandbox::start().await.unwrap();
    let portal = registered(&sandbox).await;
    sandbox.nopass().add_user("u1");
    // The stand-in now expects another token: the portal's is refused.
    sandbox.nopass().set_registration(SimPortal {
        portal_id: PORTAL_ID.into(),
        auth_token: "another-token".into(),
        s_code: S_CODE.into(),
    });
    let error = portal.request_authorization("u1").await.unwrap_err();
    assert_eq!((error.code(), error.status()), ("unauthorized", Some(401)));
    assert!(!error.to_string().contains(AUTH_TOKEN));
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let sandbox = Sandbox::start().await.unwrap();
    let portal = registered(&sandbox).await;
    let cases = [
        (UserPreRegistration::new(""), "userId"),
        (UserPreRegistration::new("x".repeat(257)), "userId"),
        (UserPreRegistration { client_ip: Some("not-an-ip".into()), ..UserPreRegistration::new("u") }, "clientIP"),
        (
            UserPreRegistration { redirect_url: Some("/relative".into()), ..UserPreRegistration::new("u") },
            "redirectUrl",
        ),
        (UserPreRegistration { email: Some("e".repeat(2085)), ..UserPreRegistration::new("u") }, "email"),
        (UserPreRegistration { given_name: Some("g".repeat(2085)), ..UserPreRegistration::new("u") }, "givenName"),
    ];
    for (user, field) in cases {
        let error = portal.pre_register_user(user).await.unwrap_err();
        assert_eq!(error.code(), "invalid_input");
        assert!(error.to_string().contains(&format!("`{field}`")), "{error}");
    }
    for user_id in ["", "a\nb"] {
        assert_eq!(portal.request_authorization(user_id).await.unwrap_err().code(), "invalid_input");
    }
    assert_eq!(sandbox.request_count("nopass.PreRegisterUser"), 0);
    assert_eq!(sandbox.request_count("nopass.RequestAuthorization"), 0);

    // Not registered, or no server configured: nothing sent either.
    let hooks = Recorder::accepting();
    let fresh = portal_with(config_for(&sandbox), &hooks, None);
    assert_eq!(fresh.request_authorization("u1").await.unwrap_err().code(), "conflict");
    let serverless = portal_with(config(), &hooks, None);
    register(&serverless, None).await;
    assert_eq!(serverless.pre_register_user(UserPreRegistration::new("u")).await.unwrap_err().code(), "config");
    assert_eq!(sandbox.request_count("nopass.RequestAuthorization"), 0);
}

#[tokio::test]
async fn calls_that_may_have_arrived_are_never_replayed() {
    let sandbox = Sandbox::start().await.unwrap();
    let portal = registered(&sandbox).await;
    sandbox.nopass().add_user("u1");
    sandbox.arm_times("nopass.RequestAuthorization", Fault::Reset, 1);
    let error = portal.request_authorization("u1").await.unwrap_err();
    assert_eq!(error.code(), "transport");
    assert_eq!(sandbox.request_count("nopass.RequestAuthorization"), 1);
    sandbox.arm_times("nopass.PreRegisterUser", Fault::TruncatedBody, 1);
    assert!(portal.pre_register_user(UserPreRegistration::new("u2")).await.is_err());
    assert_eq!(sandbox.request_count("nopass.PreRegisterUser"), 1);
    // No half-known otp was kept: a later registration works normally.
    let started = portal.pre_register_user(UserPreRegistration::new("u2")).await.unwrap();
    assert!(!started.otp.is_empty());
}
