//! Session JWT validation against the sandbox's published keys, and what authbridge never
//! prints: no project ID, management key, refresh or session JWT, code, TOTP key or pending
//! reference in any Debug, error or TRACE-level trace.
#![cfg(all(feature = "descope", feature = "sandbox"))]

mod trace_capture;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use authbridge::descope::{
    DescopeClient, DescopeConfig, NotpOptions, SessionRejection, SessionValidation, UserDetails,
};
use authbridge::sandbox::{DescopeSim, Sandbox};
use authbridge::totp::Totp;
use authbridge::{Secret, Vendor, WaitOptions};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use trace_capture::TraceCapture;

const LOGIN: &str = "grace@example.com";

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

/// Claims as the stand-in puts them in a session JWT, with `changes` applied.
fn claims(sandbox: &Sandbox, changes: Value) -> Value {
    let mut claims = json!({
        "sub": "U1", "iss": sandbox.descope().issuer(DescopeSim::PROJECT_ID),
        "iat": now(), "exp": now() + 600, "drn": "DS",
    });
    for (key, value) in changes.as_object().expect("object") {
        if value.is_null() {
            claims.as_object_mut().expect("object").remove(key);
        } else {
            claims[key] = value.clone();
        }
    }
    claims
}

fn rejection(error: &authbridge::Error) -> Option<SessionRejection> {
    assert_eq!(error.code(), "authentication_failed", "{error}");
    SessionRejection::of(error)
}

#[tokio::test]
async fn a_sandbox_session_validates_with_typed_claims() {
    let (sandbox, client) = setup().await;
    let sim = sandbox.descope();
    let totp = Totp::from_base32(&sim.add_totp_user(LOGIN)).unwrap();
    sim.set_roles(LOGIN, &["admin"], &["users.read"]);
    sim.set_tenant(LOGIN, "T1", &["tenant-admin"], &["billing.write"]);
    let session = client.totp_verify(LOGIN, &totp.generate_now(), None).await.unwrap();

    let claims = client.validate_session(&session.session_jwt).await.unwrap();
    assert_eq!(claims.subject, session.user.user_id);
    assert!(claims.issuer.ends_with(&format!("/{}", DescopeSim::PROJECT_ID)));
    assert!(claims.expires_at > now());
    assert!(claims.issued_at.unwrap() <= now());
    assert!(claims.has_role("admin") && !claims.has_role("owner"));
    assert!(claims.has_permission("users.read"));
    let tenant = claims.tenant("T1").unwrap();
    assert_eq!(tenant.roles, vec!["tenant-admin".to_string()]);
    assert_eq!(tenant.permissions, vec!["billing.write".to_string()]);
    assert_eq!(sandbox.request_count("descope.keys"), 1);

    // Cached: validating again needs no key request.
    client.validate_session(&session.session_jwt).await.unwrap();
    assert_eq!(sandbox.request_count("descope.keys"), 1);
}

#[tokio::test]
async fn the_project_id_alone_is_an_accepted_issuer() {
    let (sandbox, client) = setup().await;
    let token = sandbox.descope().sign_jwt(&claims(&sandbox, json!({ "iss": DescopeSim::PROJECT_ID })));
    client.validate_session(&Secret::new(token)).await.unwrap();
}

#[tokio::test]
async fn a_tampered_token_is_refused() {
    let (sandbox, client) = setup().await;
    let token = sandbox.descope().sign_jwt(&claims(&sandbox, json!({ "roles": ["user"] })));
    let parts: Vec<&str> = token.split('.').collect();
    let mut payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    payload["roles"] = json!(["admin"]);
    let forged = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(payload.to_string()), parts[2]);
    let error = client.validate_session(&Secret::new(forged)).await.unwrap_err();
    assert_eq!(rejection(&error), Some(SessionRejection::BadSignature));
    assert_eq!(error.vendor_code(), Some("bad_signature"));

    // One character in the middle of the signature, so the base64 stays canonical.
    let mut signature = parts[2].to_string();
    let middle = if &signature[10..11] == "A" { "B" } else { "A" };
    signature.replace_range(10..11, middle);
    let flipped = format!("{}.{}.{signature}", parts[0], parts[1]);
    let error = client.validate_session(&Secret::new(flipped)).await.unwrap_err();
    assert_eq!(rejection(&error), Some(SessionRejection::BadSignature));
}

#[tokio::test]
async fn an_expired_token_is_refused_beyond_the_leeway() {
    let (sandbox, client) = setup().await;
    let sim = sandbox.descope();
    let expired = sim.sign_jwt(&claims(&sandbox, json!({ "iat": now() - 700, "exp": now() - 60 })));
    let error = client.validate_session(&Secret::new(expired)).await.unwrap_err();
    assert_eq!(rejection(&error), Some(SessionRejection::Expired));
    // Within the 5 s leeway it is still accepted.
    let just = sim.sign_jwt(&claims(&sandbox, json!({ "exp": now() - 2 })));
    client.validate_session(&Secret::new(just)).await.unwrap();

    // A session the sandbox issued with a short life expires as well.
    sim.set_session_ttl(Duration::from_secs(0));
    let totp = Totp::from_base32(&sim.add_totp_user(LOGIN)).unwrap();
    let session = client.totp_verify(LOGIN, &totp.generate_now(), None).await.unwrap();
    let strict = SessionValidation { leeway: Duration::ZERO, ..SessionValidation::default() };
    let strict_client =
        DescopeClient::new(config(&sandbox, DescopeSim::PROJECT_ID).session_validation(strict)).unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let error = strict_client.validate_session(&session.session_jwt).await.unwrap_err();
    assert_eq!(rejection(&error), Some(SessionRejection::Expired));
}

#[tokio::test]
async fn a_token_of_another_project_is_refused() {
    let (sandbox, client) = setup().await;
    let sim = sandbox.descope();
    sim.add_project("P2OtherProject");
    let foreign = sim.sign_jwt(&claims(&sandbox, json!({ "iss": sim.issuer("P2OtherProject") })));
    let error = client.validate_session(&Secret::new(foreign)).await.unwrap_err();
    assert_eq!(rejection(&error), Some(SessionRejection::WrongIssuer));

    // A real login in this project, checked by a client of the other project.
    let totp = Totp::from_base32(&sim.add_totp_user(LOGIN)).unwrap();
    let session = client.totp_verify(LOGIN, &totp.generate_now(), None).await.unwrap();
    let other = DescopeClient::new(config(&sandbox, "P2OtherProject")).unwrap();
    let error = other.validate_session(&session.session_jwt).await.unwrap_err();
    assert_eq!(rejection(&error), Some(SessionRejection::WrongIssuer));
    // An issuer that merely contains the project ID is not enough.
    let lookalike =
        sim.sign_jwt(&claims(&sandbox, json!({ "iss": format!("https://evil/{}x", DescopeSim::PROJECT_ID) })));
    assert_eq!(
        rejection(&client.validate_session(&Secret::new(lookalike)).await.unwrap_err()),
        Some(SessionRejection::WrongIssuer)
    );
}

#[tokio::test]
async fn rotated_keys_are_fetched_again_but_unknown_kids_do_not_flood_descope() {
    let (sandbox, client) = setup().await;
    let sim = sandbox.descope();
    let first = sim.sign_jwt(&claims(&sandbox, json!({})));
    client.validate_session(&Secret::new(first.clone())).await.unwrap();
    assert_eq!(sandbox.request_count("descope.keys"), 1);

    // With the default 30 s refresh limit, a rotation right after a fetch is not seen yet.
    sim.rotate_signing_key();
    let rotated = sim.sign_jwt(&claims(&sandbox, json!({})));
    let error = client.validate_session(&Secret::new(rotated.clone())).await.unwrap_err();
    assert_eq!(rejection(&error), Some(SessionRejection::UnknownKey));
    assert_eq!(sandbox.request_count("descope.keys"), 1);

    // A client allowed to refresh at once picks the new key up, and old tokens still verify.
    let eager = SessionValidation { min_key_refresh: Duration::ZERO, ..SessionValidation::default() };
    let eager_client = DescopeClient::new(config(&sandbox, DescopeSim::PROJECT_ID).session_validation(eager)).unwrap();
    sandbox.reset_counts();
    eager_client.validate_session(&Secret::new(first)).await.unwrap();
    sim.rotate_signing_key();
    let newest = sim.sign_jwt(&claims(&sandbox, json!({})));
    eager_client.validate_session(&Secret::new(newest)).await.unwrap();
    assert_eq!(sandbox.request_count("descope.keys"), 2);
    eager_client.validate_session(&Secret::new(rotated)).await.unwrap();
    assert_eq!(sandbox.request_count("descope.keys"), 2, "a cached key needs no request");
}

#[tokio::test]
async fn concurrent_validations_fetch_the_keys_once() {
    let (sandbox, client) = setup().await;
    let token = Secret::new(sandbox.descope().sign_jwt(&claims(&sandbox, json!({}))));
    let results = futures_util::future::join_all((0..8).map(|_| client.validate_session(&token))).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(sandbox.request_count("descope.keys"), 1);
}

#[tokio::test]
async fn alg_confusion_refresh_tokens_and_garbage_are_refused() {
    let (sandbox, client) = setup().await;
    let sim = sandbox.descope();
    // An HS256 token naming the RSA key's kid (the classic algorithm-confusion forgery).
    let header = json!({ "alg": "HS256", "typ": "JWT", "kid": sim.signing_kid() });
    let body = claims(&sandbox, json!({}));
    let unsigned =
        format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(body.to_string()));
    let forged = format!("{unsigned}.{}", URL_SAFE_NO_PAD.encode([0u8; 32]));
    let error = client.validate_session(&Secret::new(forged)).await.unwrap_err();
    assert_eq!(rejection(&error), Some(SessionRejection::AlgorithmMismatch));
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(json!({ "alg": "none", "kid": sim.signing_kid() }).to_string()),
        URL_SAFE_NO_PAD.encode(body.to_string())
    );
    assert_eq!(
        rejection(&client.validate_session(&Secret::new(none)).await.unwrap_err()),
        Some(SessionRejection::Malformed)
    );

    let refresh = sim.sign_jwt(&claims(&sandbox, json!({ "drn": "DSR" })));
    let error = client.validate_session(&Secret::new(refresh)).await.unwrap_err();
    assert_eq!(rejection(&error), Some(SessionRejection::NotASessionToken));

    let future = sim.sign_jwt(&claims(&sandbox, json!({ "iat": now() + 3600 })));
    assert_eq!(
        rejection(&client.validate_session(&Secret::new(future)).await.unwrap_err()),
        Some(SessionRejection::NotYetValid)
    );
    let no_exp = sim.sign_jwt(&claims(&sandbox, json!({ "exp": null })));
    assert_eq!(
        rejection(&client.validate_session(&Secret::new(no_exp)).await.unwrap_err()),
        Some(SessionRejection::Malformed)
    );

    sandbox.reset_counts();
    let error = client.validate_session(&Secret::new("not-a-jwt")).await.unwrap_err();
    assert_eq!(rejection(&error), Some(SessionRejection::Malformed));
    let unknown_kid = format!(
        "{}.{}.x",
        URL_SAFE_NO_PAD.encode(json!({ "alg": "RS256", "kid": "nope" }).to_string()),
        URL_SAFE_NO_PAD.encode(body.to_string())
    );
    assert_eq!(
        rejection(&client.validate_session(&Secret::new(unknown_kid)).await.unwrap_err()),
        Some(SessionRejection::UnknownKey)
    );
    assert_eq!(sandbox.request_count("descope.keys"), 0, "garbage never causes a key request");
}

#[tokio::test]
async fn an_audience_is_checked_only_when_configured() {
    let (sandbox, _) = setup().await;
    let sim = sandbox.descope();
    let token = Secret::new(sim.sign_jwt(&claims(&sandbox, json!({ "aud": ["app-1"] }))));
    let with = |audience: &str| {
        let validation = SessionValidation { audience: Some(audience.into()), ..SessionValidation::default() };
        DescopeClient::new(config(&sandbox, DescopeSim::PROJECT_ID).session_validation(validation)).unwrap()
    };
    with("app-1").validate_session(&token).await.unwrap();
    let error = with("app-2").validate_session(&token).await.unwrap_err();
    assert_eq!(rejection(&error), Some(SessionRejection::WrongAudience));
    DescopeClient::new(config(&sandbox, DescopeSim::PROJECT_ID)).unwrap().validate_session(&token).await.unwrap();
}

#[tokio::test]
async fn key_set_failures_are_not_reported_as_bad_tokens() {
    let sandbox = Sandbox::start().await.unwrap();
    let refresh = Duration::from_secs(2);
    let validation = SessionValidation { min_key_refresh: refresh, ..SessionValidation::default() };
    let client = DescopeClient::new(config(&sandbox, DescopeSim::PROJECT_ID).session_validation(validation)).unwrap();
    let token = Secret::new(sandbox.descope().sign_jwt(&claims(&sandbox, json!({}))));
    // 503 for each of the transport's three attempts at the key set.
    sandbox.descope().fail_next("descope.keys", 503, None, None, 3);
    let error = client.validate_session(&token).await.unwrap_err();
    assert_eq!(error.code(), "http_status");
    assert_eq!(error.status(), Some(503));
    assert_eq!(SessionRejection::of(&error), None);
    assert_eq!(sandbox.request_count("descope.keys"), 3);
    // Within the refresh limit a failing Descope is not asked again either: the same
    // failure, still not a verdict on the token.
    let again = client.validate_session(&token).await.unwrap_err();
    assert_eq!((again.code(), again.status(), SessionRejection::of(&again)), ("http_status", Some(503), None));
    assert_eq!(sandbox.request_count("descope.keys"), 3);
    // Once it has passed, the next validation asks again and succeeds.
    tokio::time::sleep(refresh).await;
    client.validate_session(&token).await.unwrap();
    assert_eq!(sandbox.request_count("descope.keys"), 4);
}

/// A well-formed RS256 token naming `kid`, with a signature no key verifies.
fn token_with_kid(sandbox: &Sandbox, kid: &str) -> Secret {
    let header = json!({ "alg": "RS256", "typ": "JWT", "kid": kid });
    let body = claims(sandbox, json!({}));
    Secret::new(format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(body.to_string()),
        URL_SAFE_NO_PAD.encode([7u8; 256])
    ))
}

#[tokio::test]
async fn an_empty_key_set_does_not_let_unknown_kids_flood_descope() {
    let sandbox = Sandbox::start().await.unwrap();
    let sim = sandbox.descope();
    // Signed now: making the stand-in's key takes a while and must not eat into the window.
    let genuine = Secret::new(sim.sign_jwt(&claims(&sandbox, json!({}))));
    sim.set_no_published_keys(true);
    let refresh = Duration::from_secs(2);
    let validation = SessionValidation { min_key_refresh: refresh, ..SessionValidation::default() };
    let client = DescopeClient::new(config(&sandbox, DescopeSim::PROJECT_ID).session_validation(validation)).unwrap();
    let forged: Vec<Secret> = (0..100).map(|i| token_with_kid(&sandbox, &format!("forged-{i}"))).collect();

    // 100 validations at once share one fetch of the (empty) set.
    let results = futures_util::future::join_all(forged.iter().map(|token| client.validate_session(token))).await;
    for result in &results {
        assert_eq!(rejection(result.as_ref().unwrap_err()), Some(SessionRejection::UnknownKey));
    }
    assert_eq!(sandbox.request_count("descope.keys"), 1);
    // One after another, still within the limit: no further fetch.
    for token in &forged {
        let error = client.validate_session(token).await.unwrap_err();
        assert_eq!(rejection(&error), Some(SessionRejection::UnknownKey));
    }
    assert_eq!(sandbox.request_count("descope.keys"), 1);

    // After the limit, one fetch picks up keys published in the meantime.
    sim.set_no_published_keys(false);
    tokio::time::sleep(refresh).await;
    client.validate_session(&genuine).await.unwrap();
    assert_eq!(sandbox.request_count("descope.keys"), 2);
}

#[tokio::test]
async fn no_secret_in_debug_errors_or_traces() {
    let captured = TraceCapture::install();

    let sandbox = Sandbox::start().await.unwrap();
    let sim = sandbox.descope();
    let project = "P2VerySecretProjectIdentifier";
    let management_key = "K2ManagementKeyThatMustNotLeak";
    sim.add_project(project);
    sim.require_management_key(management_key);
    let config = config(&sandbox, project).management_key(Secret::new(management_key)).unwrap();
    let client = DescopeClient::new(config).unwrap();
    let mut everything = vec![format!("{client:?}"), format!("{:?}", client.config())];

    // TOTP: sign-up, verify, a wrong code, update with the refresh JWT.
    let enrollment = client.totp_sign_up(LOGIN, Some(&UserDetails::default())).await.unwrap();
    let code = enrollment.generator().unwrap().generate_now();
    let session = client.totp_verify(LOGIN, &code, None).await.unwrap();
    let wrong = client.totp_verify(LOGIN, &code, None).await.unwrap_err();
    let refresh = session.refresh_jwt.clone().unwrap();
    let update = client.totp_update(LOGIN, &refresh).await.unwrap();
    let bad_update = client.totp_update(LOGIN, &Secret::new(format!("{}x", refresh.expose()))).await.unwrap_err();
    let claims = client.validate_session(&session.session_jwt).await.unwrap();
    let refused = client.validate_session(&refresh).await.unwrap_err();
    everything.extend([
        format!("{enrollment:?}"),
        format!("{code:?}"),
        format!("{session:?}"),
        format!("{wrong:?}"),
        wrong.to_string(),
        format!("{update:?}"),
        format!("{bad_update:?}"),
        bad_update.to_string(),
        format!("{claims:?}"),
        format!("{refused:?}"),
        refused.to_string(),
    ]);

    // nOTP: start, a pending look, the wait.
    let start = client.notp_sign_up_or_in("", &NotpOptions::default()).await.unwrap();
    let pending = client.notp_pending_session(&start.pending_ref).await.unwrap();
    sim.approve(start.pending_ref.expose());
    let notp = client.wait_for_session(&start.pending_ref, &WaitOptions::new(Duration::from_secs(10))).await.unwrap();
    everything.extend([format!("{start:?}"), format!("{pending:?}"), format!("{notp:?}")]);
    sandbox.stop().await;

    let traces = captured.text();
    assert!(traces.contains("authbridge.call") && traces.contains("totp_verify"), "nothing was traced:\n{traces}");
    everything.push(traces);
    let secrets = [
        project.to_string(),
        management_key.to_string(),
        refresh.expose().to_string(),
        session.session_jwt.expose().to_string(),
        notp.session_jwt.expose().to_string(),
        notp.refresh_jwt.unwrap().expose().to_string(),
        code.expose().to_string(),
        enrollment.key.expose().to_string(),
        update.key.expose().to_string(),
        start.pending_ref.expose().to_string(),
    ];
    for text in &everything {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "a secret leaked into:\n{text}");
        }
    }
}

/// Bindings run these futures on a multi-thread runtime: they must be `Send`.
#[test]
fn every_call_is_send() {
    fn send<T: Send>(_: T) {}
    let client = DescopeClient::new(DescopeConfig::new(DescopeSim::PROJECT_ID).unwrap()).unwrap();
    let secret = Secret::new("x");
    let wait = WaitOptions::new(Duration::from_secs(1));
    let options = NotpOptions::default();
    send(client.notp_sign_up("", None, &options));
    send(client.notp_sign_in("", &options));
    send(client.notp_sign_up_or_in("", &options));
    send(client.notp_pending_session(&secret));
    send(client.wait_for_session(&secret, &wait));
    send(client.totp_sign_up("a", None));
    send(client.totp_verify("a", &secret, None));
    send(client.totp_update("a", &secret));
    send(client.validate_session(&secret));
    fn shared<T: Send + Sync>(_: &T) {}
    shared(&client);
}
