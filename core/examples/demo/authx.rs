//! AuthX: access token, a user, PINs, and biometric enrol / verify (match and mismatch).

use authbridge::authx::{
    AuthxClient, AuthxConfig, BiometricApp, BiometricCall, BiometricData, BiometricKind, BiometricProcess, UserProfile,
};
use authbridge::sandbox::{AuthxSim, Sandbox};
use authbridge::{Secret, Vendor};

use crate::step;

pub async fn run(sandbox: &Sandbox) -> authbridge::Result<()> {
    println!("\nAuthX");
    let url = sandbox.url(Vendor::AuthX).unwrap_or_default();
    // In production: AuthxConfig::for_tenant("<tenant host code>", app_id, app_key).
    let config = AuthxConfig::new(&url, AuthxSim::APPLICATION_ID, AuthxSim::APPLICATION_KEY)?.biometric_app(
        BiometricApp::new(AuthxSim::BIOMETRIC_APPLICATION_KEY, AuthxSim::BIOMETRIC_SECRET_KEY, AuthxSim::HOST_NAME),
    );
    let client = AuthxClient::new(config)?;

    let token = client.access_token().await?;
    step("authx", "access token", format!("{} token, expires in {} s", token.token_type, token.expires_in.as_secs()));

    let user = UserProfile::new("Richard001", "Richardmiller@gmail.com", "Richard", "miller", "9876813805")
        .country_code("+91");
    let guid = client.add_user(&user).await?;
    step("authx", "add user Richard001", format!("guid {guid}"));
    let error = client.add_user(&user).await.expect_err("the user name is taken");
    step("authx", "add the same user again", error);

    client.generate_pin(guid.as_str(), &Secret::new("102374")).await?;
    step("authx", "generate PIN", "stored");
    let right = client.verify_pin(guid.as_str(), &Secret::new("102374")).await?;
    step("authx", "verify the right PIN", format!("{right:?}"));
    let wrong = client.verify_pin(guid.as_str(), &Secret::new("000000")).await?;
    step("authx", "verify a wrong PIN", format!("{wrong:?}"));

    let face = b"\x89PNG\r\n\x1a\n...a face sample...".to_vec();
    let enrol = BiometricCall::new(guid.as_str(), BiometricKind::Face, BiometricProcess::Enrol);
    let enrolled = client.process_biometric(&enrol, BiometricData::bytes(face.clone())).await?;
    step("authx", "enrol a face", enrolled.outcome.as_str());
    let verify = BiometricCall::new(guid.as_str(), BiometricKind::Face, BiometricProcess::Verify);
    let matched = client.process_biometric(&verify, BiometricData::bytes(face)).await?;
    step("authx", "verify the same face", matched.outcome.as_str());
    let other = b"\x89PNG\r\n\x1a\n...someone else...".to_vec();
    let mismatch = client.process_biometric(&verify, BiometricData::bytes(other)).await?;
    step("authx", "verify another face", format!("{} (code {})", mismatch.outcome.as_str(), mismatch.outcome.code()));

    sandbox.authx().expire_tokens();
    let again = client.verify_pin(guid.as_str(), &Secret::new("102374")).await?;
    step("authx", "after the server ended the token", format!("{again:?} (token renewed once, call repeated)"));
    client.delete_user(guid.as_str()).await?;
    step("authx", "delete user", "deleted");
    Ok(())
}
