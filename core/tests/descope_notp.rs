//! Descope nOTP against the sandbox: every start call, the pending session, and every way a
//! wait for the person can end (approved, denied, expired, deadline, cancelled, rate-limited).
#![cfg(all(feature = "descope", feature = "sandbox"))]

use std::time::{Duration, Instant};

use authbridge::descope::{DescopeClient, DescopeConfig, LoginOptions, NotpOptions, PendingSession, UserDetails};
use authbridge::sandbox::{DescopeSim, Fault, Sandbox};
use authbridge::{CancellationToken, Secret, Vendor, WaitOptions};
use base64::Engine;
use serde_json::json;

const PHONE: &str = "+15551230001";

async fn setup() -> (Sandbox, DescopeClient) {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let url = sandbox.url(Vendor::Descope).expect("descope url");
    let config = DescopeConfig::new(DescopeSim::PROJECT_ID).expect("config").base_url(&url).expect("url");
    (sandbox, DescopeClient::new(config).expect("client"))
}

fn wait(seconds: u64) -> WaitOptions {
    WaitOptions::new(Duration::from_secs(seconds)).interval(Duration::from_secs(1))
}

/// Runs `action` on the sandbox after `delay`, while the caller's future runs.
async fn after<T>(delay: Duration, action: impl FnOnce() -> T) -> T {
    tokio::time::sleep(delay).await;
    action()
}

#[tokio::test]
async fn sign_in_approved_through_the_control_api() {
    let (sandbox, client) = setup().await;
    let user_id = sandbox.descope().add_user(PHONE);
    let start = client.notp_sign_in(PHONE, &NotpOptions::default()).await.unwrap();
    assert!(!start.pending_ref.is_empty());
    assert!(start.redirect_url.starts_with("https://wa.me/"), "{}", start.redirect_url);
    let png = base64::engine::general_purpose::STANDARD.decode(&start.image).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");

    let sim = sandbox.descope();
    assert_eq!(sim.waiting_logins(), vec![start.pending_ref.expose().to_string()]);
    let options = wait(20);
    let (session, approved) = tokio::join!(
        client.wait_for_session(&start.pending_ref, &options),
        after(Duration::from_millis(1500), || sim.approve(start.pending_ref.expose())),
    );
    assert!(approved);
    let session = session.unwrap();
    assert_eq!(session.user.user_id, user_id);
    assert_eq!(session.user.login_ids, vec![PHONE.to_string()]);
    assert!(session.user.verified_phone);
    assert!(!session.first_seen);
    assert!(session.refresh_jwt.is_some());
    assert!(session.cookie_max_age.unwrap() > 0);
    let claims = client.validate_session(&session.session_jwt).await.unwrap();
    assert_eq!(claims.subject, user_id);

    // The wire: provider segment in the path, the SDKs' body, bearer and SDK headers.
    assert_eq!(sim.last_request_body("descope.notp_signin").unwrap(), json!({ "loginId": PHONE, "loginOptions": {} }));
    assert_eq!(sim.last_request_body("descope.pending_session").unwrap().as_object().unwrap().len(), 1);
    assert_eq!(sim.last_authorization().unwrap(), format!("Bearer {}", DescopeSim::PROJECT_ID));
    let (sdk, version) = sim.last_sdk_headers().unwrap();
    assert_eq!((sdk.as_str(), version.as_str()), ("authbridge-rust", env!("CARGO_PKG_VERSION")));
    assert!(sandbox.request_count("descope.pending_session") >= 2);

    // A collected pending reference is spent.
    let again = client.notp_pending_session(&start.pending_ref).await.unwrap_err();
    assert_eq!(again.code(), "authentication_failed");
}

#[tokio::test]
async fn sign_up_creates_the_user_and_refuses_an_existing_one() {
    let (sandbox, client) = setup().await;
    let details =
        UserDetails { name: Some("Ada Lovelace".into()), email: Some("ada@example.com".into()), ..Default::default() };
    let start = client.notp_sign_up(PHONE, Some(&details), &NotpOptions::default()).await.unwrap();
    let body = sandbox.descope().last_request_body("descope.notp_signup").unwrap();
    assert_eq!(
        body,
        json!({ "loginId": PHONE, "user": { "name": "Ada Lovelace", "email": "ada@example.com" }, "loginOptions": {} })
    );
    assert!(sandbox.descope().approve(start.pending_ref.expose()));
    let session = client.wait_for_session(&start.pending_ref, &wait(10)).await.unwrap();
    assert!(session.first_seen);
    assert_eq!(session.user.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(session.user.email.as_deref(), Some("ada@example.com"));
    // Fields without a typed home are kept.
    assert!(session.user.extra.contains_key("customAttributes"));

    let error = client.notp_sign_up(PHONE, None, &NotpOptions::default()).await.unwrap_err();
    assert_eq!(error.code(), "conflict");
    assert_eq!(error.vendor_code(), Some("E062107"));
    assert_eq!(error.status(), Some(400));
}

#[tokio::test]
async fn sign_up_or_in_without_a_login_id_takes_the_senders_phone() {
    let (sandbox, client) = setup().await;
    let sim = sandbox.descope();
    for expected_first_seen in [true, false] {
        let start = client.notp_sign_up_or_in("", &NotpOptions::default()).await.unwrap();
        assert!(sim.approve_as(start.pending_ref.expose(), "+15550009999"));
        let session = client.wait_for_session(&start.pending_ref, &wait(10)).await.unwrap();
        assert_eq!(session.user.login_ids, vec!["+15550009999".to_string()]);
        assert_eq!(session.first_seen, expected_first_seen);
    }
    assert_eq!(sim.last_request_body("descope.notp_signup_in").unwrap(), json!({ "loginId": "", "loginOptions": {} }));
}

#[tokio::test]
async fn sign_in_of_an_unknown_user_is_not_found() {
    let (_sandbox, client) = setup().await;
    let error = client.notp_sign_in("+15550000404", &NotpOptions::default()).await.unwrap_err();
    assert_eq!(error.code(), "not_found");
    assert_eq!(error.vendor_code(), Some("E062108"));
}

#[tokio::test]
async fn provider_segment_and_provider_id() {
    let (sandbox, client) = setup().await;
    sandbox.descope().add_user(PHONE);
    let options = NotpOptions { provider: "own-wa".into(), provider_id: Some("prov-1".into()), ..Default::default() };
    let unknown = client.notp_sign_in(PHONE, &options).await.unwrap_err();
    assert_eq!(unknown.code(), "vendor");
    assert_eq!(unknown.vendor_code(), Some("E011003"));

    sandbox.descope().add_notp_provider("own-wa");
    client.notp_sign_in(PHONE, &options).await.unwrap();
    let body = sandbox.descope().last_request_body("descope.notp_signin").unwrap();
    assert_eq!(body["providerId"], "prov-1");

    sandbox.reset_counts();
    let bad = NotpOptions { provider: "../totp".into(), ..Default::default() };
    assert_eq!(client.notp_sign_in(PHONE, &bad).await.unwrap_err().code(), "invalid_input");
    assert_eq!(sandbox.request_count("descope.notp_signin"), 0);
}

#[tokio::test]
async fn stepup_needs_the_refresh_jwt_and_sends_it_in_the_bearer() {
    let (sandbox, client) = setup().await;
    let sim = sandbox.descope();
    sim.add_user(PHONE);
    let first = client.notp_sign_in(PHONE, &NotpOptions::default()).await.unwrap();
    sim.approve(first.pending_ref.expose());
    let session = client.wait_for_session(&first.pending_ref, &wait(10)).await.unwrap();
    let refresh = session.refresh_jwt.clone().unwrap();

    sandbox.reset_counts();
    let stepup = LoginOptions { stepup: true, ..Default::default() };
    let missing = NotpOptions { login_options: stepup.clone(), ..Default::default() };
    let error = client.notp_sign_in(PHONE, &missing).await.unwrap_err();
    assert_eq!(error.code(), "invalid_input");
    assert_eq!(client.notp_sign_up_or_in(PHONE, &missing).await.unwrap_err().code(), "invalid_input");
    assert_eq!(sandbox.request_count("descope.notp_signin"), 0);

    let options = NotpOptions { login_options: stepup, refresh_jwt: Some(refresh.clone()), ..Default::default() };
    client.notp_sign_in(PHONE, &options).await.unwrap();
    assert_eq!(sim.last_authorization().unwrap(), format!("Bearer {}:{}", DescopeSim::PROJECT_ID, refresh.expose()));
    assert_eq!(sim.last_request_body("descope.notp_signin").unwrap()["loginOptions"], json!({ "stepup": true }));
}

#[tokio::test]
async fn one_look_at_a_pending_login() {
    let (sandbox, client) = setup().await;
    sandbox.descope().add_user(PHONE);
    let start = client.notp_sign_in(PHONE, &NotpOptions::default()).await.unwrap();
    assert!(matches!(client.notp_pending_session(&start.pending_ref).await.unwrap(), PendingSession::Pending));
    sandbox.descope().approve(start.pending_ref.expose());
    match client.notp_pending_session(&start.pending_ref).await.unwrap() {
        PendingSession::Ready(session) => assert_eq!(session.user.login_ids, vec![PHONE.to_string()]),
        PendingSession::Pending => panic!("approved login still pending"),
    }
    let empty = client.notp_pending_session(&Secret::new("")).await.unwrap_err();
    assert_eq!(empty.code(), "invalid_input");
}

#[tokio::test]
async fn denied_login_ends_the_wait_with_authentication_failed() {
    let (sandbox, client) = setup().await;
    sandbox.descope().add_user(PHONE);
    let start = client.notp_sign_in(PHONE, &NotpOptions::default()).await.unwrap();
    let sim = sandbox.descope();
    let options = wait(20);
    let (result, _) = tokio::join!(
        client.wait_for_session(&start.pending_ref, &options),
        after(Duration::from_millis(1200), || sim.deny(start.pending_ref.expose())),
    );
    let error = result.unwrap_err();
    assert_eq!(error.code(), "authentication_failed");
    assert_eq!(error.vendor_code(), Some("E066104"));
    assert_eq!(error.status(), Some(401));
}

#[tokio::test]
async fn expired_login_ends_the_wait() {
    let (sandbox, client) = setup().await;
    sandbox.descope().add_user(PHONE);
    sandbox.descope().set_pending_ttl(Duration::from_millis(1500));
    let start = client.notp_sign_in(PHONE, &NotpOptions::default()).await.unwrap();
    let error = client.wait_for_session(&start.pending_ref, &wait(20)).await.unwrap_err();
    assert_eq!(error.code(), "authentication_failed");
    assert_eq!(error.vendor_code(), Some("E066102"));
    assert!(!sandbox.descope().approve(start.pending_ref.expose()), "an expired login cannot be approved");
}

#[tokio::test]
async fn deadline_passed_is_a_timeout_and_polls_at_most_once_a_second() {
    let (sandbox, client) = setup().await;
    sandbox.descope().add_user(PHONE);
    let start = client.notp_sign_in(PHONE, &NotpOptions::default()).await.unwrap();
    let started = Instant::now();
    // An interval below one second is raised to one second.
    let options = WaitOptions::new(Duration::from_secs(3)).interval(Duration::from_millis(10));
    let error = client.wait_for_session(&start.pending_ref, &options).await.unwrap_err();
    assert_eq!(error.code(), "timeout");
    assert!(started.elapsed() >= Duration::from_secs(3));
    let polls = sandbox.request_count("descope.pending_session");
    assert!((2..=4).contains(&polls), "{polls} polls in 3 s");
}

#[tokio::test]
async fn cancellation_ends_the_wait() {
    let (sandbox, client) = setup().await;
    sandbox.descope().add_user(PHONE);
    let start = client.notp_sign_in(PHONE, &NotpOptions::default()).await.unwrap();
    let token = CancellationToken::new();
    let options = wait(60).cancel(token.clone());
    let (result, _) = tokio::join!(
        client.wait_for_session(&start.pending_ref, &options),
        after(Duration::from_millis(1200), || token.cancel()),
    );
    assert_eq!(result.unwrap_err().code(), "cancelled");
    // The login itself is untouched and can still complete.
    assert!(sandbox.descope().approve(start.pending_ref.expose()));
}

#[tokio::test]
async fn rate_limited_then_approved_honours_retry_after() {
    let (sandbox, client) = setup().await;
    let sim = sandbox.descope();
    sim.add_user(PHONE);
    let start = client.notp_sign_in(PHONE, &NotpOptions::default()).await.unwrap();
    sim.approve(start.pending_ref.expose());
    // Descope's 429: an E130429 body, then one with no body at all; each asks for 2 s.
    sim.rate_limit("descope.pending_session", 1, Some(2));
    sim.fail_next("descope.pending_session", 429, None, Some(2), 1);
    let started = Instant::now();
    let session = client.wait_for_session(&start.pending_ref, &wait(30)).await.unwrap();
    assert_eq!(session.user.login_ids, vec![PHONE.to_string()]);
    assert!(started.elapsed() >= Duration::from_secs(4), "Retry-After not honoured: {:?}", started.elapsed());
    assert_eq!(sandbox.request_count("descope.pending_session"), 3);
}

#[tokio::test]
async fn rate_limit_fault_without_retry_after_still_paces_at_the_interval() {
    let (sandbox, client) = setup().await;
    let sim = sandbox.descope();
    sim.add_user(PHONE);
    let start = client.notp_sign_in(PHONE, &NotpOptions::default()).await.unwrap();
    sim.approve(start.pending_ref.expose());
    sandbox.arm_times("descope.pending_session", Fault::Status { status: 429, retry_after: None }, 2);
    let started = Instant::now();
    client.wait_for_session(&start.pending_ref, &wait(30)).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert_eq!(sandbox.request_count("descope.pending_session"), 3);
}

#[tokio::test]
async fn a_poll_lost_in_transit_does_not_end_the_wait() {
    let (sandbox, client) = setup().await;
    let sim = sandbox.descope();
    sim.add_user(PHONE);
    let start = client.notp_sign_in(PHONE, &NotpOptions::default()).await.unwrap();
    sim.approve(start.pending_ref.expose());
    sandbox.arm_times("descope.pending_session", Fault::Reset, 1);
    let session = client.wait_for_session(&start.pending_ref, &wait(30)).await.unwrap();
    assert_eq!(session.user.login_ids, vec![PHONE.to_string()]);
    assert_eq!(sandbox.request_count("descope.pending_session"), 2);

    // Failing in transit again and again does end it, with the transport's error.
    let start = client.notp_sign_in(PHONE, &NotpOptions::default()).await.unwrap();
    sandbox.arm("descope.pending_session", Fault::Reset);
    let error = client.wait_for_session(&start.pending_ref, &wait(30)).await.unwrap_err();
    assert_eq!(error.code(), "transport");
}

#[tokio::test]
async fn a_single_look_exposes_a_long_retry_after() {
    let (sandbox, client) = setup().await;
    sandbox.descope().add_user(PHONE);
    let start = client.notp_sign_in(PHONE, &NotpOptions::default()).await.unwrap();
    sandbox.descope().rate_limit("descope.pending_session", 1, Some(3600));
    let error = client.notp_pending_session(&start.pending_ref).await.unwrap_err();
    assert_eq!(error.code(), "rate_limited");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(error.vendor_code(), Some("E130429"));
}

#[tokio::test]
async fn starting_a_login_is_never_sent_twice() {
    let (sandbox, client) = setup().await;
    sandbox.descope().add_user(PHONE);
    sandbox.arm_times("descope.notp_signin", Fault::Reset, 1);
    let error = client.notp_sign_in(PHONE, &NotpOptions::default()).await.unwrap_err();
    assert_eq!(error.code(), "transport");
    assert_eq!(sandbox.request_count("descope.notp_signin"), 1);
}
