//! The sandbox playing the NoPass server drives the whole flow over HTTP against the embedded
//! receiver with the SQLite store: portal registration, a user's registration, a login with
//! pictures, session close, user updates, deletion, additions, and DisableService.
#![cfg(all(feature = "nopass", feature = "sandbox", feature = "server", feature = "sqlite"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod nopass_support;

use std::net::SocketAddr;
use std::time::Duration;

use authbridge::nopass::{Callback, EmbeddedServer, SessionState, SqliteStore, UserPreRegistration};
use authbridge::sandbox::Sandbox;
use authbridge::WaitOptions;
use nopass_support::*;
use serde_json::json;

fn temp_db(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("authbridge-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("portal.sqlite")
}

#[tokio::test]
async fn the_sandbox_drives_the_full_flow_over_http() {
    let sandbox = Sandbox::start().await.unwrap();
    let hooks = Recorder::accepting();
    let db = temp_db("flow");
    let store = std::sync::Arc::new(SqliteStore::open(&db).unwrap());
    let portal = portal_with(config_for(&sandbox), &hooks, Some(store));
    let server = EmbeddedServer::start(portal.clone(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let nopass = sandbox.nopass();
    nopass.set_portal_url(&server.url());

    // The console registers the portal.
    let registration = nopass.register_portal(ADMIN_ID).await.unwrap();
    assert_eq!(registration.s_code, S_CODE);
    let status = portal.status().await.unwrap();
    assert_eq!(status.portal_id.as_deref(), Some(registration.portal_id.as_str()));
    assert_eq!(status.auth_token.unwrap().expose(), registration.auth_token);

    // A user registers: the portal pre-registers, the NoPass app completes it.
    let mut user = UserPreRegistration::new("ann@example.com");
    user.email = Some("ann@example.com".into());
    let started = portal.pre_register_user(user).await.unwrap();
    assert_eq!(portal.session(&started.handle).await.unwrap().unwrap().state, SessionState::Pending);
    nopass.complete_user_registration("ann@example.com").await.unwrap();
    assert_eq!(hooks.events_of(Callback::ConfirmUserRegistration)[0]["userId"], json!("ann@example.com"));
    assert_eq!(hooks.events_of(Callback::ConfirmUserRegistration)[0]["origin"], json!("portal"));
    assert_eq!(portal.session(&started.handle).await.unwrap().unwrap().state, SessionState::Authorized);
    let registered = portal.redeem_login(&started.handle).await.unwrap();
    assert_eq!(registered.user_id, "ann@example.com");

    // She logs in; the login page long-polls by its handle while the NoPass server (which
    // alone knows the authId) sends pictures.
    let login = portal.request_authorization("ann@example.com").await.unwrap();
    let auth_id = nopass.last_auth_id("ann@example.com").unwrap();
    let driver = {
        let auth_id = auth_id.clone();
        async move { nopass.drive_login(&auth_id, 3, true).await }
    };
    let page = async {
        let mut seen = login.version;
        let mut pictures = Vec::new();
        loop {
            let session = portal.wait_session(&login.handle, seen, &WaitOptions::new(Duration::from_secs(20))).await?;
            seen = session.version;
            pictures.push(session.image.clone());
            if session.state != SessionState::Pending {
                return Ok::<_, authbridge::Error>((session, pictures));
            }
        }
    };
    let (driven, paged) = tokio::join!(driver, page);
    driven.unwrap();
    let (session, pictures) = paged.unwrap();
    assert_eq!(session.state, SessionState::Authorized);
    assert_eq!(session.pictures, 4, "the first picture and three updates");
    assert!(pictures.iter().all(Option::is_some));
    assert_eq!(hooks.events_of(Callback::UpdatePicture).len(), 3);
    let signed_in = portal.redeem_login(&login.handle).await.unwrap();
    assert_eq!(signed_in.user_id, "ann@example.com");

    // A denied login keeps its reason.
    let denied = portal.request_authorization("ann@example.com").await.unwrap();
    let denied_auth_id = nopass.last_auth_id("ann@example.com").unwrap();
    nopass.drive_login(&denied_auth_id, 1, false).await.unwrap();
    let denied = portal.session(&denied.handle).await.unwrap().unwrap();
    assert_eq!(denied.state, SessionState::Denied);
    assert!(denied.reason.unwrap().contains("denied"));

    // The user closes the session in NoPass.
    assert!(nopass.close_session(&auth_id).await.unwrap().is_success());
    assert_eq!(portal.session(&login.handle).await.unwrap().unwrap().state, SessionState::Closed);

    // Profile changes, deletion, bulk additions, a registration the server starts.
    let updates = json!({ "email": { "newValue": "ann@new.example", "forbiddenStore": false } });
    assert!(nopass.update_user("ann@example.com", updates).await.unwrap().is_success());
    assert_eq!(hooks.events_of(Callback::UpdateUser)[0]["changes"][0]["newValue"], json!("ann@new.example"));
    let users = json!([{ "givenName": "Bo", "email": "bo@example.com", "login": "bo", "isUseEmailAsLogin": false }]);
    assert_eq!(nopass.add_users(users).await.unwrap().result(), &json!(true));
    nopass.register_user_from_server("walk-in", Some("w@example.com")).await.unwrap();
    assert!(nopass.delete_user("ann@example.com").await.unwrap().is_success());

    // The portal is deleted in the console: from now on everything is refused.
    let disabled = nopass.disable_service().await.unwrap();
    assert_eq!((disabled.status, disabled.result().clone()), (200, json!(true)));
    let after = nopass.update_picture(&denied_auth_id).await.unwrap();
    assert_eq!((after.status, after.error_code()), (403, Some("portal_disabled")));
    assert!(nopass.register_portal(ADMIN_ID).await.is_err());
    assert_eq!(portal.status().await.unwrap().phase.as_str(), "disabled");

    server.stop().await;
    // The state is on disk: a new portal on the same file sees it.
    let reopened = portal_with(config(), &hooks, Some(std::sync::Arc::new(SqliteStore::open(&db).unwrap())));
    assert_eq!(reopened.status().await.unwrap().phase.as_str(), "disabled");
    assert_eq!(reopened.session(&login.handle).await.unwrap().unwrap().state, SessionState::Closed);
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

#[tokio::test]
async fn the_embedded_server_refuses_big_bodies_while_streaming_and_stops() {
    let hooks = Recorder::accepting();
    let portal = portal_with(config().max_body_bytes(4096), &hooks, None);
    let server = EmbeddedServer::start(portal, SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let url = format!("{}{}", server.url(), Callback::ConfirmPreRegistration.path());
    let client = reqwest::Client::builder().no_proxy().build().unwrap();

    // A chunked body with no length: refused once it crosses the limit.
    let chunks = (0..64).map(|_| Ok::<_, std::io::Error>(vec![b' '; 1024]));
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let response = client.post(&url).header("Content-Type", "application/json").body(body).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 413);
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["errors"][0]["code"], json!("body_too_large"));

    let ok = client
        .post(&url)
        .header("Content-Type", "application/json-patch+json")
        .body(json!({ "adminId": ADMIN_ID, "r": 9 }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    let get = client.get(&url).send().await.unwrap();
    assert_eq!(get.status().as_u16(), 405);
    assert_eq!(get.headers()["allow"], "POST");

    let addr = server.addr();
    server.stop().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "stopped servers accept nothing");
}
