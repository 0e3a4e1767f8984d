//! TOTP (docs/vendors/descope.md, "TOTP"): Descope generates a TOTP key the person enters
//! into an authenticator app; codes from that app are then verified into a session.
//!
//! Paths and bodies (docs/vendors/descope.md, "Endpoints"):
//! `POST /v1/auth/totp/signup` `{"loginId","user"}`,
//! `POST /v1/auth/totp/verify` `{"loginId","code","loginOptions"?}`,
//! `POST /v1/auth/totp/update` `{"loginId"}` with `Bearer <ProjectId>:<RefreshJWT>` (the vendor:
//! "can therefore only be run for end users who are currently signed-in"). Sign-up and update
//! answer `{"provisioningURL","image","key"}` — note the `URL` casing.

use std::fmt;

use serde::Deserialize;
use serde_json::json;

use super::client::DescopeClient;
use super::options::{LoginOptions, UserDetails};
use super::session::Session;
use crate::transport::Replay;
use crate::validate::{no_control, required};
use crate::{Error, Result, Secret};

/// Lengths accepted before sending (authenticator codes have 6 to 10 digits).
const CODE_DIGITS: std::ops::RangeInclusive<usize> = 6..=10;

/// A new TOTP key, in the three forms the vendor lists for showing it to the person. All three
/// carry the key itself, so all three are secrets.
#[derive(Clone, Deserialize)]
pub struct TotpEnrollment {
    /// `provisioningURL`: the `otpauth://` URI (recommended: show it as a QR code).
    #[serde(rename = "provisioningURL")]
    pub provisioning_url: Secret,
    /// `image`: that QR code as base64 PNG.
    pub image: Secret,
    /// `key`: the base32 key, for typing into an app that cannot scan.
    pub key: Secret,
}

impl fmt::Debug for TotpEnrollment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TotpEnrollment")
            .field("provisioning_url", &self.provisioning_url)
            .field("image", &self.image)
            .field("key", &self.key)
            .finish()
    }
}

impl TotpEnrollment {
    /// A generator for this key, to produce the codes the person's app will show.
    pub fn generator(&self) -> Result<crate::totp::Totp> {
        crate::totp::Totp::from_uri(self.provisioning_url.expose())
            .or_else(|_| crate::totp::Totp::from_base32(self.key.expose()))
    }
}

impl DescopeClient {
    /// Signs up a user with TOTP; the user is registered once a first code is verified.
    pub async fn totp_sign_up(&self, login_id: &str, user: Option<&UserDetails>) -> Result<TotpEnrollment> {
        check_login_id(login_id)?;
        let mut body = json!({ "loginId": login_id });
        if let Some(user) = user {
            user.check()?;
            body["user"] = serde_json::to_value(user).map_err(|e| Error::Config(format!("user: {e}")))?;
        }
        let response = self.post(&["v1", "auth", "totp", "signup"], "totp_sign_up", Replay::Never, None, &body).await?;
        response.json()
    }

    /// Verifies a code from the person's authenticator app and returns the session. A wrong
    /// code is `authentication_failed` (`E061102`). The code is never sent twice.
    pub async fn totp_verify(
        &self,
        login_id: &str,
        code: &Secret,
        login_options: Option<&LoginOptions>,
    ) -> Result<Session> {
        check_login_id(login_id)?;
        check_code(code)?;
        let mut body = json!({ "loginId": login_id, "code": code.expose() });
        if let Some(options) = login_options {
            if options.needs_refresh_jwt() {
                return Err(Error::invalid(
                    "loginOptions",
                    "stepup and mfa need the session's refresh JWT: use totp_verify_for_session",
                ));
            }
            body["loginOptions"] = serde_json::to_value(options).map_err(|e| Error::Config(e.to_string()))?;
        }
        self.verify(&body, None).await
    }

    /// Verifies a code as a step-up or second factor of the session `refresh_jwt` belongs to.
    pub async fn totp_verify_for_session(
        &self,
        login_id: &str,
        code: &Secret,
        login_options: &LoginOptions,
        refresh_jwt: &Secret,
    ) -> Result<Session> {
        check_login_id(login_id)?;
        check_code(code)?;
        required("refresh_jwt", refresh_jwt.expose())?;
        let options = serde_json::to_value(login_options).map_err(|e| Error::Config(e.to_string()))?;
        let body = json!({ "loginId": login_id, "code": code.expose(), "loginOptions": options });
        self.verify(&body, Some(refresh_jwt)).await
    }

    async fn verify(&self, body: &serde_json::Value, refresh_jwt: Option<&Secret>) -> Result<Session> {
        let path = ["v1", "auth", "totp", "verify"];
        let response = self.post(&path, "totp_verify", Replay::Never, refresh_jwt, body).await?;
        Session::from_response(&response)
    }

    /// Adds a TOTP key to, or replaces the key of, the signed-in user `refresh_jwt` belongs
    /// to. The new key is used once a code from it has been verified.
    pub async fn totp_update(&self, login_id: &str, refresh_jwt: &Secret) -> Result<TotpEnrollment> {
        check_login_id(login_id)?;
        required("refresh_jwt", refresh_jwt.expose())?;
        no_control("refresh_jwt", refresh_jwt.expose())?;
        let body = json!({ "loginId": login_id });
        let path = ["v1", "auth", "totp", "update"];
        let response = self.post(&path, "totp_update", Replay::Never, Some(refresh_jwt), &body).await?;
        response.json()
    }
}

fn check_login_id(login_id: &str) -> Result<()> {
    required("loginId", login_id)?;
    no_control("loginId", login_id)
}

fn check_code(code: &Secret) -> Result<()> {
    let value = code.expose();
    if value.is_empty() {
        return Err(Error::invalid("code", "must not be empty"));
    }
    if !CODE_DIGITS.contains(&value.len()) || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid("code", "must be 6 to 10 digits"));
    }
    Ok(())
}
