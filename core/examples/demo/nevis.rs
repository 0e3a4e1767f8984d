//! nevisIDM: every login, successful and failing.

use authbridge::nevis::{LoginStatusCode, NevisClient, NevisConfig};
use authbridge::sandbox::Sandbox;
use authbridge::{Secret, Vendor};

use crate::step;

pub async fn run(sandbox: &Sandbox) -> authbridge::Result<()> {
    println!("nevisIDM");
    let sim = sandbox.nevis();
    sim.add_client("1000", "Default");
    sim.add_user("1000", "1234");
    sim.set_password("1000", "1234", "1StrongPassword!");
    sim.add_device_password("1000", "1234", "user1-devicePassword1", "device-pass");
    sim.add_context_password("1000", "1234", "user1-context1", "context-pass");
    sim.add_recovery_codes("1000", "1234", &["abcd-efgh-1234-5678"]);

    let url = sandbox.url(Vendor::Nevis).unwrap_or_default();
    let client = NevisClient::new(NevisConfig::new(&url)?)?;
    let ok = client.password_login("1000", "1234", &Secret::new("1StrongPassword!")).await?;
    step("nevisidm", "password login", format!("{} ({})", ok.description, ok.status.code()));
    let ok = client.device_password_login("1000", "1234", "user1-devicePassword1", &Secret::new("device-pass")).await?;
    step("nevisidm", "device password login", &ok.description);
    let ok = client.context_password_login("1000", "1234", "user1-context1", &Secret::new("context-pass")).await?;
    step("nevisidm", "context password login", &ok.description);

    for attempt in 1..=3 {
        let error = client.password_login("1000", "1234", &Secret::new("wrong")).await.expect_err("wrong password");
        let status = LoginStatusCode::of(&error).map_or("?", LoginStatusCode::as_str);
        step("nevisidm", &format!("wrong password, try {attempt}"), format!("{} → {status}", error.code()));
    }
    let error = client.password_login("1000", "1234", &Secret::new("1StrongPassword!")).await.expect_err("locked");
    step("nevisidm", "right password on the locked credential", error);

    let code = Secret::new("abcd-efgh-1234-5678");
    client.recovery_code_login("1000", "1234", &code).await?;
    step("nevisidm", "recovery code login", "accepted (204)");
    let error = client.recovery_code_login("1000", "1234", &code).await.expect_err("reused code");
    step("nevisidm", "same recovery code again", error);
    let error = client.password_login("1000", "nonExistingUser", &Secret::new("x")).await.expect_err("no user");
    step("nevisidm", "unknown user", error);
    Ok(())
}
