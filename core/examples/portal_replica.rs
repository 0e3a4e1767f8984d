//! One replica of a NoPass portal, for the multi-replica test and benchmark: the embedded
//! receiver for the NoPass server's callbacks, and a small host API a login page would call,
//! both on loopback, with the state in the store `AB_STORE` names (e.g. a Redis URL) so that
//! replicas in any language act as one portal.
//!
//! Environment: `AB_STORE` (store URL), `AB_NOPASS_SERVER` (the NoPass server's base URL),
//! `AB_ADMIN_ID`, `AB_SCODE`. Prints `{"callbacks": url, "host": url}` as one line, then
//! serves until standard input closes or the process is killed.
//!
//! Host API: `POST /host/login/<user>` and `POST /host/register/<user>` give `{"handle"}`;
//! `GET /host/wait/<handle>?seen=N` long-polls (10 s) and gives `{"state", "version"}`;
//! `POST /host/redeem/<handle>` gives `{"userId"}` once, or `{"code"}` with 409/4xx.
//!
//! `cargo run -p authbridge --example portal_replica --features redis`

use std::net::SocketAddr;
use std::time::Duration;

use authbridge::nopass::{
    open_store, AccessPolicy, EmbeddedServer, HookFuture, NoPassServerConfig, Portal, PortalConfig, PortalHooks,
    RegistrationOrigin, UserPreRegistration, UserRegistrationCheck,
};
use authbridge::serve::{full, serve, Peer, ResponseBody};
use authbridge::WaitOptions;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tokio::io::AsyncReadExt;

/// Accepts the registrations this portal started, and no other.
struct OwnRegistrations;

impl PortalHooks for OwnRegistrations {
    fn validate_user_registration(&self, event: UserRegistrationCheck) -> HookFuture<bool> {
        Box::pin(async move { Ok(event.origin == RegistrationOrigin::Portal) })
    }
}

fn env(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    std::env::var(name).map_err(|_| format!("{name} is not set").into())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = PortalConfig::new(env("AB_ADMIN_ID")?, env("AB_SCODE")?)?
        .server(NoPassServerConfig::new(&env("AB_NOPASS_SERVER")?)?)
        .access(AccessPolicy::loopback());
    let store = open_store(&env("AB_STORE")?).await?;
    let portal = Portal::builder(config).shared_store(store).hooks(OwnRegistrations).build()?;
    let localhost = SocketAddr::from(([127, 0, 0, 1], 0));
    let callbacks = EmbeddedServer::start(portal.clone(), localhost).await?;
    let host = serve(localhost, move |request: http::Request<hyper::body::Incoming>, _: Peer| {
        let portal = portal.clone();
        async move { Ok(answer(&portal, request).await) }
    })
    .await?;
    println!("{}", json!({ "callbacks": callbacks.url(), "host": format!("http://{}", host.addr()) }));

    let mut stdin = tokio::io::stdin();
    let mut sink = [0u8; 64];
    while matches!(stdin.read(&mut sink).await, Ok(n) if n > 0) {}
    callbacks.stop().await;
    host.stop().await;
    Ok(())
}

async fn answer(portal: &Portal, request: http::Request<hyper::body::Incoming>) -> http::Response<ResponseBody> {
    let (parts, body) = request.into_parts();
    let _ = body.collect().await;
    let path: Vec<&str> = parts.uri.path().trim_matches('/').split('/').collect();
    let seen = parts.uri.query().and_then(|q| q.strip_prefix("seen=")).and_then(|n| n.parse().ok()).unwrap_or(0);
    let result = match (parts.method.as_str(), path.as_slice()) {
        ("POST", ["host", "login", user]) => {
            portal.request_authorization(user).await.map(|session| json!({ "handle": session.handle }))
        }
        ("POST", ["host", "register", user]) => {
            portal.pre_register_user(UserPreRegistration::new(*user)).await.map(|user| json!({ "handle": user.handle }))
        }
        ("GET", ["host", "wait", handle]) => portal
            .wait_session(handle, seen, &WaitOptions::new(Duration::from_secs(10)))
            .await
            .map(|session| json!({ "state": session.state.as_str(), "version": session.version })),
        ("POST", ["host", "redeem", handle]) => {
            portal.redeem_login(handle).await.map(|login| json!({ "userId": login.user_id }))
        }
        _ => return reply(404, json!({ "code": "not_found" })),
    };
    match result {
        Ok(value) => reply(200, value),
        Err(error) => {
            let status = match error.code() {
                "conflict" => 409,
                "not_found" => 404,
                "authentication_failed" => 403,
                _ => 500,
            };
            reply(status, json!({ "code": error.code(), "message": error.to_string() }))
        }
    }
}

fn reply(status: u16, body: Value) -> http::Response<ResponseBody> {
    let mut response = http::Response::new(full(body.to_string()));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    response
}
