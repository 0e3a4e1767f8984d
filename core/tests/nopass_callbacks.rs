//! The eleven callbacks through `Portal::handle`: the vendor's example values succeed with the
//! vendor's outputs (docs/vendors/nopass.md, "Callbacks received"), every field rule refuses with
//! the field named, routing, content types, body limit, case-insensitive keys, bare mode and the
//! access policy every portal needs.
//!
//! Requests come from 127.0.0.1 (the loopback policy of `nopass_support::config`) unless a
//! test says otherwise.
#![cfg(all(feature = "nopass", feature = "sandbox"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod nopass_support;

use authbridge::nopass::{
    AccessPolicy, Callback, IpRange, Portal, PortalConfig, PortalResponse, RequestHead, ResponseMode, SessionOrigin,
    SessionState, SharedSecret, UserPreRegistration,
};
use authbridge::sandbox::{Sandbox, SimPortal};
use authbridge::Secret;
use nopass_support::*;
use serde_json::{json, Value};

/// A request head from this machine (the peer the loopback policy admits).
fn local(method: &str, path: &str, headers: &[(&str, &str)]) -> RequestHead {
    headers.iter().fold(RequestHead::new(method, path).peer(LOOPBACK), |head, (name, value)| head.header(*name, *value))
}

/// `Portal::handle`, from this machine.
async fn handle(portal: &Portal, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> PortalResponse {
    portal.handle_request(local(method, path, headers), body).await
}

#[tokio::test]
async fn every_callback_with_the_seed_examples_succeeds() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let portal = portal_with(config_for(&sandbox), &hooks, None);

    // 1. ConfirmPreRegistration: result {adminId, sCode, r: r + 1}.
    let response = post(&portal, Callback::ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": R })).await;
    assert_eq!(response.content_type, Some("application/json; charset=utf-8"));
    assert_eq!(assert_ok(&response), json!({ "adminId": "JimTheAdmin", "sCode": "nDhTZvX82Et", "r": 36729002 }));
    assert_eq!(hooks.events_of(Callback::ConfirmPreRegistration), vec![json!({ "r": R })]);

    // 2. ConfirmRegistration: result {sCode}; portalId, authToken and settings are kept.
    let body = json!({ "settings": SETTINGS, "portalId": PORTAL_ID, "authToken": AUTH_TOKEN });
    assert_eq!(assert_ok(&post(&portal, Callback::ConfirmRegistration, body).await), json!({ "sCode": S_CODE }));
    let status = portal.status().await.unwrap();
    assert_eq!(status.phase.as_str(), "registered");
    assert_eq!(status.portal_id.as_deref(), Some(PORTAL_ID));
    assert_eq!(status.settings.as_deref(), Some(SETTINGS));
    assert_eq!(status.auth_token.as_ref().map(Secret::expose), Some(AUTH_TOKEN));
    assert!(!format!("{status:?}").contains(AUTH_TOKEN), "the token must not show in Debug");
    sandbox.nopass().set_registration(SimPortal {
        portal_id: PORTAL_ID.into(),
        auth_token: AUTH_TOKEN.into(),
        s_code: S_CODE.into(),
    });

    // A user registration the portal starts (PreRegisterUser), then 4. and 5.
    let mut user = UserPreRegistration::new("jim@example.com");
    user.email = Some("jim@example.com".into());
    user.given_name = Some("Jim".into());
    let started = portal.pre_register_user(user).await.unwrap();
    let body = json!({
        "otp": started.otp.expose(), "givenName": "Jim", "surName": "Admin", "phoneNumber": "+15550100",
        "email": "jim@example.com", "login": "jim@example.com", "profileImageUrl": "https://example.com/jim.png",
    });
    assert_eq!(assert_ok(&post(&portal, Callback::ValidateUserRegistration, body).await), json!(true));
    let check = &hooks.events_of(Callback::ValidateUserRegistration)[0];
    assert_eq!(check["origin"], json!("portal"));
    assert_eq!(check["userId"], json!("jim@example.com"));
    assert!(!check.to_string().contains(started.otp.expose()), "hooks never see the otp");
    let body = json!({
        "otp": started.otp.expose(), "portalId": PORTAL_ID,
        "session": { "authId": "reg-session-1", "login": "jim@example.com" },
    });
    assert_eq!(assert_ok(&post(&portal, Callback::ConfirmUserRegistration, body).await), json!("OK"));
    // The registration's session is known to the host by the handle PreRegisterUser gave.
    let registered = portal.session(&started.handle).await.unwrap().unwrap();
    assert_eq!((registered.state, registered.origin), (SessionState::Authorized, SessionOrigin::Registration));
    let event = &hooks.events_of(Callback::ConfirmUserRegistration)[0];
    assert_eq!((event["origin"].clone(), event["handle"].clone()), (json!("portal"), json!(started.handle)));

    // A login the portal starts (RequestAuthorization), then 3. and 6.
    sandbox.nopass().add_user("jim@example.com");
    let login = portal.request_authorization("jim@example.com").await.unwrap();
    assert_eq!(login.state, SessionState::Pending);
    assert!(login.image_png().is_some());
    let auth_id = sandbox.nopass().last_auth_id("jim@example.com").unwrap();
    let image = png_b64(0);
    let body = json!({ "authId": auth_id, "image": image, "nextChange": 30000, "UserId": "jim@example.com" });
    assert_eq!(assert_ok(&post(&portal, Callback::UpdatePicture, body).await), json!("OK"));
    let session = portal.session(&login.handle).await.unwrap().unwrap();
    assert_eq!(session.image.as_deref(), Some(image.as_str()));
    assert_eq!(session.next_change_ms, Some(30000));
    assert_eq!(session.pictures, 2);
    let picture = &hooks.events_of(Callback::UpdatePicture)[0];
    assert_eq!(
        (picture["handle"].clone(), picture["userId"].clone(), picture["reportedUserId"].clone()),
        (json!(login.handle), json!("jim@example.com"), json!("jim@example.com"))
    );
    let body = json!({ "authId": auth_id, "isAuthorized": true, "reason": "" });
    assert_eq!(assert_ok(&post(&portal, Callback::AuthorizedUser, body).await), json!(true));
    assert_eq!(portal.session(&login.handle).await.unwrap().unwrap().state, SessionState::Authorized);

    // 7. UpdateUser, 8. DeleteUser, 9. AddUsers (the host accepts).
    let body = json!({
        "userId": "jim@example.com", "portalId": PORTAL_ID,
        "updates": {
            "givenName": { "newValue": "James", "forbiddenStore": false },
            "phoneNumber": { "newValue": null, "forbiddenStore": true },
            "locale": { "newValue": "en-US", "forbiddenStore": null },
        },
    });
    assert_eq!(assert_ok(&post(&portal, Callback::UpdateUser, body).await), json!("OK"));
    assert_eq!(
        hooks.events_of(Callback::UpdateUser)[0]["changes"],
        json!([
            { "field": "givenName", "newValue": "James", "forbiddenStore": false },
            { "field": "phoneNumber", "newValue": null, "forbiddenStore": true },
            { "field": "locale", "newValue": "en-US", "forbiddenStore": null },
        ])
    );
    let body = json!({ "userId": "jim@example.com", "portalId": PORTAL_ID });
    assert_eq!(assert_ok(&post(&portal, Callback::DeleteUser, body).await), json!("OK"));
    let body = json!({
        "users": [{ "givenName": "Ann", "surName": "Lee", "phoneNumber": "+15550101", "email": "ann@example.com",
                    "login": "ann", "isUseEmailAsLogin": false }],
        "portalId": PORTAL_ID,
    });
    assert_eq!(assert_ok(&post(&portal, Callback::AddUsers, body).await), json!(true));
    assert_eq!(hooks.events_of(Callback::AddUsers)[0]["users"][0]["login"], json!("ann"));

    // 10. CloseSession ("result": true).
    let body = json!({ "userId": "jim@example.com", "portalId": PORTAL_ID, "authId": auth_id });
    assert_eq!(assert_ok(&post(&portal, Callback::CloseSession, body).await), json!(true));
    assert_eq!(portal.session(&login.handle).await.unwrap().unwrap().state, SessionState::Closed);
    // The registration's `session.authId` is what CloseSession names that session by.
    let body = json!({ "userId": "", "portalId": PORTAL_ID, "authId": "reg-session-1" });
    assert_eq!(assert_ok(&post(&portal, Callback::CloseSession, body).await), json!(true));
    assert_eq!(portal.session(&started.handle).await.unwrap().unwrap().state, SessionState::Closed);

    // 11. DisableService (the vendor's example portalId): true.
    let body = json!({ "portalId": "ff34as4578sdjlkf" });
    assert_eq!(assert_ok(&post(&portal, Callback::DisableService, body).await), json!(true));
    assert_eq!(portal.status().await.unwrap().phase.as_str(), "disabled");
}

#[tokio::test]
async fn paths_methods_and_content_types() {
    let hooks = Recorder::accepting();
    let portal = portal_with(config(), &hooks, None);
    let body = json!({ "adminId": ADMIN_ID, "r": 1 }).to_string();
    let json_ct = &[("content-type", "application/json")];
    let path = Callback::ConfirmPreRegistration.path();

    let unknown = handle(&portal, "POST", "/api/PortalCommunication/Nope", json_ct, body.as_bytes()).await;
    assert_refused(&unknown, 404, "not_found", &[]);
    let elsewhere = handle(&portal, "POST", "/ConfirmPreRegistration", json_ct, body.as_bytes()).await;
    assert_refused(&elsewhere, 404, "not_found", &[]);

    for method in ["GET", "PUT", "DELETE", "HEAD", "OPTIONS"] {
        let response = handle(&portal, method, &path, json_ct, b"").await;
        assert_refused(&response, 405, "method_not_allowed", &["POST"]);
        assert!(response.headers.contains(&("Allow".into(), "POST".into())));
    }

    for content_type in ["text/plain", "application/xml", "application/json; charset=iso-8859-1", "multipart/form-data"]
    {
        let response = handle(
            &portal,
            "POST",
            "/api/PortalCommunication/ConfirmPreRegistration",
            &[("Content-Type", content_type)],
            body.as_bytes(),
        )
        .await;
        assert_refused(&response, 415, "unsupported_media_type", &["application/json"]);
    }
    let no_type = handle(&portal, "POST", &path, &[], body.as_bytes()).await;
    assert_refused(&no_type, 415, "unsupported_media_type", &[]);

    for (path, content_type) in [
        ("/api/portalcommunication/confirmpreregistration", "application/json"),
        ("/API/PORTALCOMMUNICATION/CONFIRMPREREGISTRATION/", "application/json; charset=utf-8"),
        ("/api/PortalCommunication/ConfirmPreRegistration", "application/json-patch+json"),
        ("/api/PortalCommunication/ConfirmPreRegistration?x=1", "text/json"),
        ("/api/PortalCommunication/ConfirmPreRegistration", "text/json; charset=UTF-8"),
    ] {
        let response = handle(&portal, "POST", path, &[("CONTENT-TYPE", content_type)], body.as_bytes()).await;
        assert_eq!(assert_ok(&response)["r"], json!(2), "{path} {content_type}");
    }

    let garbage = handle(&portal, "POST", &path, json_ct, b"{not json").await;
    assert_refused(&garbage, 400, "invalid_json", &["not valid JSON"]);
    let array = handle(&portal, "POST", &path, json_ct, b"[]").await;
    assert_refused(&array, 400, "invalid_input", &["JSON object"]);
    let empty = handle(&portal, "POST", &path, json_ct, b"").await;
    assert_refused(&empty, 400, "invalid_json", &["empty"]);
}

#[tokio::test]
async fn the_body_limit_fits_a_picture_and_refuses_more() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let portal = portal_with(config_for(&sandbox), &hooks, None);
    register(&portal, Some(&sandbox)).await;
    sandbox.nopass().add_user("u1");
    let login = portal.request_authorization("u1").await.unwrap();
    let auth_id = sandbox.nopass().last_auth_id("u1").unwrap();

    // A 300 KB picture (far larger than NoPass pictures) passes the default 1 MiB limit.
    let big = json!({ "authId": auth_id, "image": png_b64(300_000), "nextChange": 30000 });
    assert_ok(&post(&portal, Callback::UpdatePicture, big).await);
    assert_eq!(portal.session(&login.handle).await.unwrap().unwrap().pictures, 2);

    // Over the limit: refused from Content-Length before any body is read …
    let path = Callback::UpdatePicture.path();
    let announced =
        handle(&portal, "POST", &path, &[("Content-Type", "application/json"), ("Content-Length", "1048577")], b"")
            .await;
    assert_refused(&announced, 413, "body_too_large", &["1048576"]);
    // … and, without a length, as soon as the streamed body crosses it.
    let mut inbound = portal.begin(local("POST", &path, &[("Content-Type", "application/json")])).unwrap();
    let chunk = vec![b' '; 64 * 1024];
    let mut refused = None;
    for _ in 0..20 {
        if let Err(response) = inbound.push(&chunk) {
            refused = Some(response);
            break;
        }
    }
    let refused = refused.expect("the 17th chunk crosses 1 MiB");
    assert_eq!(refused.status, 413);
    assert!(refused.headers.contains(&("Connection".into(), "close".into())));

    // A smaller configured limit applies the same way.
    let small = portal_with(config_for(&sandbox).max_body_bytes(2048), &hooks, None);
    let response = post(&small, Callback::ConfirmPreRegistration, json!({ "adminId": "x".repeat(3000), "r": 1 })).await;
    assert_refused(&response, 413, "body_too_large", &[]);
}

/// One field rule: the callback, a body breaking it, the field named, and the rule's words.
struct Rule {
    callback: Callback,
    body: Value,
    field: &'static str,
    rule: &'static str,
}

fn rule(callback: Callback, body: Value, field: &'static str, rule: &'static str) -> Rule {
    Rule { callback, body, field, rule }
}

#[tokio::test]
async fn every_field_rule_refuses_with_the_field_named() {
    let long = |n: usize| "x".repeat(n);
    use Callback::*;
    // Before registration: the pre-registration rules.
    let pre_rules = vec![
        rule(ConfirmPreRegistration, json!({ "r": 1 }), "adminId", "is required"),
        rule(ConfirmPreRegistration, json!({ "adminId": "", "r": 1 }), "adminId", "must not be empty"),
        rule(ConfirmPreRegistration, json!({ "adminId": long(65), "r": 1 }), "adminId", "at most 64 characters"),
        rule(ConfirmPreRegistration, json!({ "adminId": 5, "r": 1 }), "adminId", "must be a string"),
        rule(ConfirmPreRegistration, json!({ "adminId": ADMIN_ID }), "r", "is required"),
        rule(ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": -1 }), "r", "must not be negative"),
        rule(ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": 100_000_000 }), "r", "at most 8 digits"),
        rule(ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": 1.5 }), "r", "whole number"),
        rule(ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": "36729001" }), "r", "must be an integer"),
    ];
    let reg_rules = vec![
        rule(ConfirmRegistration, json!({ "authToken": "t" }), "portalId", "is required"),
        rule(ConfirmRegistration, json!({ "portalId": long(257), "authToken": "t" }), "portalId", "at most 256"),
        rule(ConfirmRegistration, json!({ "portalId": "p" }), "authToken", "is required"),
        rule(ConfirmRegistration, json!({ "portalId": "p", "authToken": long(257) }), "authToken", "at most 256"),
        rule(
            ConfirmRegistration,
            json!({ "portalId": "p", "authToken": "t", "settings": 3 }),
            "settings",
            "must be a string",
        ),
    ];
    let p = PORTAL_ID;
    let text = long(2085);
    let registered_rules = vec![
        rule(UpdatePicture, json!({ "image": png_b64(0), "nextChange": 1 }), "authId", "is required"),
        rule(
            UpdatePicture,
            json!({ "authId": long(257), "image": png_b64(0), "nextChange": 1 }),
            "authId",
            "at most 256",
        ),
        rule(UpdatePicture, json!({ "authId": "a", "nextChange": 1 }), "image", "is required"),
        rule(UpdatePicture, json!({ "authId": "a", "image": "***", "nextChange": 1 }), "image", "base64"),
        rule(UpdatePicture, json!({ "authId": "a", "image": "R0lGODlhAQABAAAAACw=", "nextChange": 1 }), "image", "PNG"),
        rule(UpdatePicture, json!({ "authId": "a", "image": png_b64(0) }), "nextChange", "is required"),
        rule(UpdatePicture, json!({ "authId": "a", "image": png_b64(0), "nextChange": -5 }), "nextChange", "negative"),
        rule(
            UpdatePicture,
            json!({ "authId": "a", "image": png_b64(0), "nextChange": 1, "UserId": long(257) }),
            "UserId",
            "at most 256",
        ),
        rule(ValidateUserRegistration, json!({ "login": "l" }), "otp", "is required"),
        rule(ValidateUserRegistration, json!({ "otp": "o", "givenName": text }), "givenName", "at most 2084"),
        rule(ValidateUserRegistration, json!({ "otp": "o", "surName": text }), "surName", "at most 2084"),
        rule(ValidateUserRegistration, json!({ "otp": "o", "phoneNumber": text }), "phoneNumber", "at most 2084"),
        rule(ValidateUserRegistration, json!({ "otp": "o", "email": text }), "email", "at most 2084"),
        rule(ValidateUserRegistration, json!({ "otp": "o", "login": text }), "login", "at most 2084"),
        rule(
            ValidateUserRegistration,
            json!({ "otp": "o", "profileImageUrl": text }),
            "profileImageUrl",
            "at most 2084",
        ),
        rule(ValidateUserRegistration, json!({ "otp": ["o"] }), "otp", "must be a string"),
        rule(ConfirmUserRegistration, json!({ "portalId": p }), "otp", "is required"),
        rule(ConfirmUserRegistration, json!({ "otp": "o" }), "portalId", "is required"),
        rule(ConfirmUserRegistration, json!({ "otp": "o", "portalId": long(257) }), "portalId", "at most 256"),
        rule(
            ConfirmUserRegistration,
            json!({ "otp": "o", "portalId": p, "session": { "authId": long(257) } }),
            "session.authId",
            "at most 256",
        ),
        rule(
            ConfirmUserRegistration,
            json!({ "otp": "o", "portalId": p, "session": { "login": text } }),
            "session.login",
            "at most 2084",
        ),
        rule(ConfirmUserRegistration, json!({ "otp": "o", "portalId": p, "session": "s" }), "session", "JSON object"),
        rule(AuthorizedUser, json!({ "isAuthorized": true }), "authId", "is required"),
        rule(AuthorizedUser, json!({ "authId": long(257), "isAuthorized": true }), "authId", "at most 256"),
        rule(AuthorizedUser, json!({ "authId": "a" }), "isAuthorized", "is required"),
        rule(AuthorizedUser, json!({ "authId": "a", "isAuthorized": "true" }), "isAuthorized", "must be a boolean"),
        rule(AuthorizedUser, json!({ "authId": "a", "isAuthorized": false, "reason": text }), "reason", "at most 2084"),
        rule(UpdateUser, json!({ "portalId": p }), "userId", "is required"),
        rule(UpdateUser, json!({ "userId": long(257), "portalId": p }), "userId", "at most 256"),
        rule(UpdateUser, json!({ "userId": "u" }), "portalId", "is required"),
        rule(
            UpdateUser,
            json!({ "userId": "u", "portalId": p, "updates": { "givenName": { "newValue": text } } }),
            "updates.givenName.newValue",
            "at most 2084",
        ),
        rule(
            UpdateUser,
            json!({ "userId": "u", "portalId": p, "updates": { "email": { "forbiddenStore": 1 } } }),
            "updates.email.forbiddenStore",
            "must be a boolean",
        ),
        rule(
            UpdateUser,
            json!({ "userId": "u", "portalId": p, "updates": { "login": "new" } }),
            "updates.login",
            "JSON object",
        ),
        rule(UpdateUser, json!({ "userId": "u", "portalId": p, "updates": [] }), "updates", "JSON object"),
        rule(DeleteUser, json!({ "portalId": p }), "userId", "is required"),
        rule(DeleteUser, json!({ "userId": long(257), "portalId": p }), "userId", "at most 256"),
        rule(DeleteUser, json!({ "userId": "u", "portalId": long(257) }), "portalId", "at most 256"),
        rule(AddUsers, json!({ "portalId": p }), "users", "is required"),
        rule(AddUsers, json!({ "users": {}, "portalId": p }), "users", "must be an array"),
        rule(AddUsers, json!({ "users": [{ "email": text }], "portalId": p }), "users[0].email", "at most 2084"),
        rule(
            AddUsers,
            json!({ "users": [{}, { "givenName": text }], "portalId": p }),
            "users[1].givenName",
            "at most 2084",
        ),
        rule(AddUsers, json!({ "users": [{ "login": text }], "portalId": p }), "users[0].login", "at most 2084"),
        rule(AddUsers, json!({ "users": [{ "surName": text }], "portalId": p }), "users[0].surName", "at most 2084"),
        rule(
            AddUsers,
            json!({ "users": [{ "phoneNumber": text }], "portalId": p }),
            "users[0].phoneNumber",
            "at most 2084",
        ),
        rule(
            AddUsers,
            json!({ "users": [{ "isUseEmailAsLogin": "yes" }], "portalId": p }),
            "users[0].isUseEmailAsLogin",
            "must be a boolean",
        ),
        rule(AddUsers, json!({ "users": [] }), "portalId", "is required"),
        rule(CloseSession, json!({ "userId": long(37), "portalId": p, "authId": "a" }), "userId", "at most 36"),
        rule(CloseSession, json!({ "userId": "", "authId": "a" }), "portalId", "is required"),
        rule(CloseSession, json!({ "userId": "", "portalId": p }), "authId", "is required"),
        rule(CloseSession, json!({ "portalId": p, "authId": long(257) }), "authId", "at most 256"),
        rule(DisableService, json!({}), "portalId", "is required"),
        rule(DisableService, json!({ "portalId": long(257) }), "portalId", "at most 256"),
    ];

    let hooks = Recorder::accepting();
    let fresh = portal_with(config(), &hooks, None);
    check_rules(&fresh, pre_rules).await;
    let pre_registered = portal_with(config(), &hooks, None);
    assert_ok(&post(&pre_registered, ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": R })).await);
    check_rules(&pre_registered, reg_rules).await;
    let registered = portal_with(config(), &hooks, None);
    register(&registered, None).await;
    check_rules(&registered, registered_rules).await;
    assert_eq!(registered.status().await.unwrap().phase.as_str(), "registered");
}

async fn check_rules(portal: &Portal, rules: Vec<Rule>) {
    for Rule { callback, body, field, rule } in rules {
        let response = post(portal, callback, body.clone()).await;
        assert_eq!(response.status, 400, "{callback} {body}: {}", response.body_text());
        assert_eq!(response.error_code().as_deref(), Some("invalid_input"), "{callback}");
        let message = response.error_message().unwrap();
        assert!(message.starts_with(&format!("`{field}` ")), "{callback}: {message:?} does not name `{field}`");
        assert!(message.contains(rule), "{callback}: {message:?} lacks {rule:?}");
        // Seed 11 answers true/false: a refused DisableService says false.
        let result = if callback == Callback::DisableService { json!(false) } else { Value::Null };
        assert_eq!(response.json()["result"], result);
    }
}

#[tokio::test]
async fn keys_match_without_case_and_unknown_fields_are_ignored() {
    let hooks = Recorder::accepting();
    let portal = portal_with(config(), &hooks, None);
    let body = json!({ "ADMINID": ADMIN_ID, "R": 7, "extra": { "deep": [1, 2] }, "another": null });
    assert_eq!(assert_ok(&post(&portal, Callback::ConfirmPreRegistration, body).await)["r"], json!(8));
    let twice = json!({ "adminId": ADMIN_ID, "AdminId": ADMIN_ID, "r": 1 });
    assert_refused(
        &post(&portal, Callback::ConfirmPreRegistration, twice).await,
        400,
        "invalid_input",
        &["more than once"],
    );
    let body = json!({ "Settings": null, "PORTALID": PORTAL_ID, "authtoken": AUTH_TOKEN });
    assert_ok(&post(&portal, Callback::ConfirmRegistration, body).await);
    assert_eq!(portal.status().await.unwrap().portal_id.as_deref(), Some(PORTAL_ID));
}

#[tokio::test]
async fn bare_mode_sends_the_result_alone() {
    let hooks = Recorder::accepting();
    let portal = portal_with(config().response_mode(ResponseMode::Bare), &hooks, None);
    let response = post(&portal, Callback::ConfirmPreRegistration, json!({ "adminId": ADMIN_ID, "r": R })).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), json!({ "adminId": ADMIN_ID, "sCode": S_CODE, "r": R + 1 }));
    let body = json!({ "settings": SETTINGS, "portalId": PORTAL_ID, "authToken": AUTH_TOKEN });
    assert_eq!(post(&portal, Callback::ConfirmRegistration, body).await.json(), json!({ "sCode": S_CODE }));
    let users = json!({ "users": [], "portalId": PORTAL_ID });
    assert_eq!(post(&portal, Callback::AddUsers, users).await.body_text(), "true");
    let delete = post(&portal, Callback::DeleteUser, json!({ "userId": "u", "portalId": PORTAL_ID })).await;
    assert_eq!((delete.status, delete.body.is_empty(), delete.content_type), (200, true, None));
    // Errors keep the envelope.
    let wrong = post(&portal, Callback::DeleteUser, json!({ "userId": "u", "portalId": "other" })).await;
    assert_refused(&wrong, 403, "portal_id_mismatch", &["portalId"]);
    assert_eq!(post(&portal, Callback::DisableService, json!({ "portalId": PORTAL_ID })).await.body_text(), "true");
}

/// Changed: the access checks are no longer optional. A portal without an access policy is
/// not built, a policy that checks nothing (or a short secret) is refused, and every check is
/// made before the body is read.
#[tokio::test]
async fn an_access_policy_is_required_and_checked_before_the_body() {
    let hooks = Recorder::accepting();
    let body = json!({ "adminId": ADMIN_ID, "r": 1 }).to_string();
    let path = Callback::ConfirmPreRegistration.path();
    let head = |peer: Option<&str>, headers: &[(&str, &str)]| {
        let head = RequestHead::new("POST", &path).header("Content-Type", "application/json");
        let head = headers.iter().fold(head, |head, (name, value)| head.header(*name, *value));
        match peer {
            Some(peer) => head.peer(peer.parse().unwrap()),
            None => head,
        }
    };

    // No policy, or one that checks nothing: no portal.
    let bare = PortalConfig::new(ADMIN_ID, S_CODE).unwrap();
    let error = Portal::builder(bare.clone()).build().unwrap_err();
    assert_eq!(error.code(), "config");
    assert!(error.to_string().contains("access policy"), "{error}");
    let short = SharedSecret::Bearer(Secret::new("s3cret"));
    for policy in [
        AccessPolicy::default(),
        AccessPolicy::shared_secret(short),
        AccessPolicy::any_source().with_sources([IpRange::LOOPBACK_V4]),
        AccessPolicy::default().trusted_proxies([IpRange::LOOPBACK_V4]),
    ] {
        let refused = Portal::builder(bare.clone().access(policy.clone())).build();
        assert!(refused.is_err(), "{policy:?} was accepted");
    }

    // A bearer secret set by the reverse proxy, from any address.
    let bearer = AccessPolicy::shared_secret(SharedSecret::Bearer(Secret::new("s3cret-of-16-chars")));
    let portal = portal_with(config().access(bearer), &hooks, None);
    let missing = portal.handle_request(head(None, &[]), body.as_bytes()).await;
    assert_refused(&missing, 401, "unauthorized", &["shared secret"]);
    assert!(missing.headers.contains(&("WWW-Authenticate".into(), "Bearer".into())));
    let wrong = head(None, &[("Authorization", "Bearer s3cret-of-16-chars!")]);
    assert_eq!(portal.handle_request(wrong, body.as_bytes()).await.status, 401);
    // Refused before the body is parsed: a body that is not JSON makes no difference.
    let unparsed = portal.handle_request(head(None, &[]), b"{not json").await;
    assert_refused(&unparsed, 401, "unauthorized", &[]);
    let right = head(Some("203.0.113.9"), &[("authorization", "Bearer s3cret-of-16-chars")]);
    assert_ok(&portal.handle_request(right, body.as_bytes()).await);

    // Source ranges and a secret header: both must pass.
    let header =
        AccessPolicy::sources([IpRange::parse("10.0.0.0/8").unwrap()]).with_shared_secret(SharedSecret::Header {
            name: "X-NoPass-Key".into(),
            value: Secret::new("k1-k1-k1-k1-k1-k1"),
        });
    let portal = portal_with(config().access(header), &hooks, None);
    let key = [("x-nopass-key", "k1-k1-k1-k1-k1-k1")];
    let outside = portal.handle_request(head(Some("192.0.2.1"), &key), body.as_bytes()).await;
    assert_refused(&outside, 403, "forbidden_source", &[]);
    let garbage = portal.handle_request(head(Some("192.0.2.1"), &key), b"{not json").await;
    assert_refused(&garbage, 403, "forbidden_source", &[]);
    assert_ok(&portal.handle_request(head(Some("10.1.2.3"), &key), body.as_bytes()).await);
    let keyless = portal.handle_request(head(Some("10.1.2.3"), &[]), body.as_bytes()).await;
    assert_refused(&keyless, 401, "unauthorized", &[]);
    // Without a peer address the source check fails.
    assert_refused(&portal.handle_request(head(None, &key), body.as_bytes()).await, 403, "forbidden_source", &[]);

    // Behind a trusted reverse proxy the client is taken from X-Forwarded-For; from anyone
    // else the header is not believed.
    let proxied =
        AccessPolicy::sources([IpRange::parse("10.0.0.0/8").unwrap()]).trusted_proxies([IpRange::LOOPBACK_V4]);
    let portal = portal_with(config().access(proxied), &hooks, None);
    let forwarded = [("X-Forwarded-For", "10.1.2.3")];
    assert_ok(&portal.handle_request(head(Some("127.0.0.1"), &forwarded), body.as_bytes()).await);
    let spoofed = portal.handle_request(head(Some("192.0.2.1"), &forwarded), body.as_bytes()).await;
    assert_refused(&spoofed, 403, "forbidden_source", &[]);

    // A verified TLS client certificate.
    let portal = portal_with(config().access(AccessPolicy::client_certificate()), &hooks, None);
    let anonymous = portal.handle_request(head(Some("127.0.0.1"), &[]), body.as_bytes()).await;
    assert_refused(&anonymous, 403, "client_certificate_required", &[]);
    let mut verified = head(Some("127.0.0.1"), &[]);
    verified.client_certificate_verified = true;
    assert_ok(&portal.handle_request(verified, body.as_bytes()).await);

    // Every caller only by an explicit opt-in.
    let open = portal_with(config().access(AccessPolicy::any_source()), &hooks, None);
    assert_ok(&open.handle_request(head(Some("203.0.113.9"), &[]), body.as_bytes()).await);
    assert_ok(&open.handle_request(head(None, &[]), body.as_bytes()).await);
}

#[test]
fn the_blocking_api_serves_threads_without_a_runtime() {
    let hooks = Recorder::accepting();
    let portal = portal_with(config(), &hooks, None);
    let body = json!({ "adminId": ADMIN_ID, "r": 41 }).to_string();
    let head = local("POST", &Callback::ConfirmPreRegistration.path(), &[("Content-Type", "application/json")]);
    let response = portal.blocking().handle_request(head, body.as_bytes()).unwrap();
    assert_eq!(assert_ok(&response)["r"], json!(42));
    assert_eq!(portal.blocking().status().unwrap().phase.as_str(), "pre_registered");
    let inside = tokio::runtime::Runtime::new().unwrap();
    let error = inside.block_on(async { portal.blocking().status().unwrap_err() });
    assert_eq!(error.code(), "config");
}
