//! Descope: a nOTP sign-in the person approves (through the sandbox's control API, standing in
//! for the WhatsApp message), a TOTP sign-up verified with a generated code, and each session
//! JWT validated against the project's published keys.

use std::time::Duration;

use authbridge::descope::{DescopeClient, DescopeConfig, NotpOptions, UserDetails};
use authbridge::sandbox::{DescopeSim, Sandbox};
use authbridge::{Secret, Vendor, WaitOptions};

use crate::step;

const PHONE: &str = "+15551230001";
const EMAIL: &str = "ada@example.com";

pub async fn run(sandbox: &Sandbox) -> authbridge::Result<()> {
    println!("\nDescope");
    let sim = sandbox.descope();
    let config =
        DescopeConfig::new(DescopeSim::PROJECT_ID)?.base_url(&sandbox.url(Vendor::Descope).unwrap_or_default())?;
    let client = DescopeClient::new(config)?;

    // nOTP: start a sign-in, show the QR code / redirect, wait while the person sends the message.
    sim.add_user(PHONE);
    let start = client.notp_sign_in(PHONE, &NotpOptions::default()).await?;
    step(
        "descope",
        "nOTP sign-in started",
        format!("redirect {} ({} byte QR image)", start.redirect_url, start.image.len()),
    );
    let wait = WaitOptions::new(Duration::from_secs(30)).interval(Duration::from_secs(1));
    let approve = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        sim.approve(start.pending_ref.expose())
    };
    let (session, approved) = tokio::join!(client.wait_for_session(&start.pending_ref, &wait), approve);
    let session = session?;
    step("descope", "person approved on the phone", approved);
    step("descope", "nOTP session", format!("user {} ({})", session.user.user_id, session.user.login_ids.join(", ")));
    let claims = client.validate_session(&session.session_jwt).await?;
    step("descope", "session JWT validated", format!("sub {}, expires at {}", claims.subject, claims.expires_at));

    // TOTP: sign up, enter the key into an "app" (the generator), verify its code.
    let details = UserDetails { name: Some("Ada Lovelace".into()), ..Default::default() };
    let enrollment = client.totp_sign_up(EMAIL, Some(&details)).await?;
    let app = enrollment.generator()?;
    step(
        "descope",
        "TOTP sign-up",
        format!("{} digits every {} s, key {:?}", app.digits(), app.period(), enrollment.key),
    );
    let code = app.generate_now();
    let session = client.totp_verify(EMAIL, &code, None).await?;
    step(
        "descope",
        "TOTP code verified",
        format!("user {} (first seen: {})", session.user.user_id, session.first_seen),
    );
    let claims = client.validate_session(&session.session_jwt).await?;
    step("descope", "session JWT validated", format!("sub {} via {}", claims.subject, claims.all["amr"]));

    let replay = client.totp_verify(EMAIL, &code, None).await.expect_err("a code works once");
    step("descope", "same code again", replay);
    // Change one character in the middle of the signature.
    let mut altered = session.session_jwt.expose().to_string();
    let at = altered.rfind('.').unwrap_or(0) + 10;
    let swap = if altered.get(at..=at) == Some("A") { "B" } else { "A" };
    altered.replace_range(at..=at, swap);
    let forged = Secret::new(altered);
    let refused = client.validate_session(&forged).await.expect_err("altered token");
    step("descope", "altered session JWT", refused);
    Ok(())
}
