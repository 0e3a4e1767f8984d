//! NoPass: the embedded receiver with the SQLite store, registered and driven by the sandbox
//! playing the NoPass server; a user registers, logs in while the login page long-polls for
//! pictures by its opaque handle, the host redeems the login once, the session is closed;
//! then the portal is disabled.

use std::net::SocketAddr;
use std::time::Duration;

use authbridge::nopass::{
    AccessPolicy, AuthorizationResult, EmbeddedServer, HookFuture, NoPassServerConfig, PictureUpdate, Portal,
    PortalConfig, PortalHooks, RegistrationOrigin, SessionState, SqliteStore, UserPreRegistration, UserRegistration,
    UserRegistrationCheck,
};
use authbridge::sandbox::Sandbox;
use authbridge::{Vendor, WaitOptions};

use crate::step;

/// The host's side: accept registrations it started itself (its own user ids, not what the
/// caller says about the user), print what happens.
struct DemoHooks;

impl PortalHooks for DemoHooks {
    fn validate_user_registration(&self, event: UserRegistrationCheck) -> HookFuture<bool> {
        let accept = event.origin == RegistrationOrigin::Portal;
        step(
            "nopass",
            "  hook: may this user register?",
            format!("{:?} ({}) → {accept}", event.user_id, event.origin.as_str()),
        );
        Box::pin(async move { Ok(accept) })
    }

    fn confirm_user_registration(&self, event: UserRegistration) -> HookFuture<()> {
        step("nopass", "  hook: user registered", event.user_id.unwrap_or_default());
        Box::pin(async { Ok(()) })
    }

    fn update_picture(&self, event: PictureUpdate) -> HookFuture<()> {
        step("nopass", "  hook: new picture", format!("valid for {} s", event.next_change_ms / 1000));
        Box::pin(async { Ok(()) })
    }

    fn authorized_user(&self, event: AuthorizationResult) -> HookFuture<()> {
        step("nopass", "  hook: login decided", if event.authorized { "authorized" } else { "denied" });
        Box::pin(async { Ok(()) })
    }
}

pub async fn run(sandbox: &Sandbox) -> authbridge::Result<()> {
    println!("\nNoPass portal");
    let dir = std::env::temp_dir().join(format!("authbridge-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let database = dir.join("portal.sqlite");
    let server_url = sandbox.url(Vendor::NoPass).unwrap_or_default();
    // The sandbox plays the NoPass server from this machine: only loopback callers are served.
    let config = PortalConfig::new("JimTheAdmin", "nDhTZvX82Et")?
        .server(NoPassServerConfig::new(&server_url)?)
        .access(AccessPolicy::loopback());
    let portal = Portal::builder(config).store(SqliteStore::open(&database)?).hooks(DemoHooks).build()?;
    let receiver = EmbeddedServer::start(portal.clone(), SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    step("nopass", "embedded receiver with the SQLite store", format!("{} ({})", receiver.url(), database.display()));

    let nopass = sandbox.nopass();
    nopass.set_portal_url(&receiver.url());
    let registration = nopass.register_portal("JimTheAdmin").await?;
    step("nopass", "ConfirmPreRegistration + ConfirmRegistration", format!("portalId {}", registration.portal_id));
    let again = nopass.register_portal("JimTheAdmin").await.expect_err("registered portals refuse it");
    step(
        "nopass",
        "pre-registration once registered (refused with the empty 404 the vendor asks for)",
        again.status().map_or_else(|| again.to_string(), |status| format!("HTTP {status}")),
    );

    let mut user = UserPreRegistration::new("ann@example.com");
    user.email = Some("ann@example.com".into());
    user.given_name = Some("Ann".into());
    let started = portal.pre_register_user(user).await?;
    step("nopass", "PreRegisterUser", format!("send the user to {}", started.register_link));
    nopass.complete_user_registration("ann@example.com").await?;
    let registered = portal.redeem_login(&started.handle).await?;
    step("nopass", "ValidateUserRegistration + ConfirmUserRegistration", format!("{} signed in", registered.user_id));

    let login = portal.request_authorization("ann@example.com").await?;
    step(
        "nopass",
        "RequestAuthorization",
        format!("browser handle {}, first picture {} bytes", login.handle, login.image_png().map_or(0, |p| p.len())),
    );
    // The NoPass server (which alone knows the authId) sends two more pictures, then the
    // decision, while the login page long-polls the session by its handle.
    let auth_id = nopass.last_auth_id("ann@example.com").unwrap_or_default();
    let phone = nopass.drive_login(&auth_id, 2, true);
    let page = async {
        let mut seen = login.version;
        loop {
            let session = portal.wait_session(&login.handle, seen, &WaitOptions::new(Duration::from_secs(30))).await?;
            seen = session.version;
            match session.state {
                SessionState::Pending => step("nopass", "login page shows picture", session.pictures),
                state => return Ok::<_, authbridge::Error>(state),
            }
        }
    };
    let (phone, page) = tokio::join!(phone, page);
    phone?;
    step("nopass", "login page learns", page?.as_str());
    let signed_in = portal.redeem_login(&login.handle).await?;
    step("nopass", "host redeems the login", format!("{} signed in", signed_in.user_id));
    let twice = portal.redeem_login(&login.handle).await.expect_err("a login is redeemed once");
    step("nopass", "redeeming it again", format!("refused ({})", twice.code()));

    let closed = nopass.close_session(&auth_id).await?;
    let state = portal.session(&login.handle).await?.map(|s| s.state.as_str()).unwrap_or("unknown");
    step("nopass", "CloseSession", format!("HTTP {} → session {state}", closed.status));

    let disabled = nopass.disable_service().await?;
    step("nopass", "DisableService", format!("HTTP {} → result {}", disabled.status, disabled.result()));
    let refused = nopass.update_picture(&auth_id).await?;
    step(
        "nopass",
        "any callback afterwards",
        format!("HTTP {} {}", refused.status, refused.error_code().unwrap_or_default()),
    );

    receiver.stop().await;
    let reopened = SqliteStore::open(&database)?;
    let phase = Portal::builder(PortalConfig::new("JimTheAdmin", "nDhTZvX82Et")?.access(AccessPolicy::loopback()))
        .store(reopened)
        .build()?
        .status()
        .await?
        .phase;
    step("nopass", "state read back from the SQLite file", phase.as_str());
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
