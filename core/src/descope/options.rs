//! What a caller may add to a sign-up or sign-in: the new user's details and login options,
//! in the wire shapes Descope's SDKs send (docs/vendors/descope.md, "Request fields").

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::validate::no_control;
use crate::{Error, Result, Secret};

/// The nOTP provider used unless told otherwise.
pub const DEFAULT_PROVIDER: &str = "whatsapp";

/// Details of a user being signed up (`user` in sign-up bodies). Unset fields are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserDetails {
    /// `name`: the full name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `givenName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// `middleName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// `familyName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// `email`: the user's mail address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `phone`: the user's phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl UserDetails {
    pub(super) fn check(&self) -> Result<()> {
        let fields = [
            ("user.name", &self.name),
            ("user.givenName", &self.given_name),
            ("user.middleName", &self.middle_name),
            ("user.familyName", &self.family_name),
            ("user.email", &self.email),
            ("user.phone", &self.phone),
        ];
        for (field, value) in fields {
            if let Some(value) = value {
                no_control(field, value)?;
            }
        }
        Ok(())
    }
}

/// `loginOptions` of a sign-in (and the custom claims / template options of a sign-up).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginOptions {
    /// Step up an existing session (needs the refresh JWT of that session).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub stepup: bool,
    /// Add this login as a second factor of an existing session (needs its refresh JWT).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub mfa: bool,
    /// Claims to add to the issued session JWT.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub custom_claims: Map<String, Value>,
    /// Values for the project's message templates.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub template_options: BTreeMap<String, String>,
    /// Sign out every other session of the user once this login succeeds.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub revoke_other_sessions: bool,
}

impl LoginOptions {
    /// Whether Descope needs the current refresh JWT for these options.
    pub fn needs_refresh_jwt(&self) -> bool {
        self.stepup || self.mfa
    }
}

/// Options of a nOTP start call.
#[derive(Debug, Clone, PartialEq)]
pub struct NotpOptions {
    /// The path's provider segment (`/v1/auth/notp/{provider}/…`), `whatsapp` by default.
    pub provider: String,
    /// `providerId` in the body, sent only when set (a project's own messaging provider).
    pub provider_id: Option<String>,
    /// `loginOptions` in the body ([`LoginOptions`]).
    pub login_options: LoginOptions,
    /// The signed-in user's refresh JWT, for a sign-in with `stepup` or `mfa`.
    pub refresh_jwt: Option<Secret>,
}

impl Default for NotpOptions {
    fn default() -> Self {
        Self {
            provider: DEFAULT_PROVIDER.to_string(),
            provider_id: None,
            login_options: LoginOptions::default(),
            refresh_jwt: None,
        }
    }
}

impl NotpOptions {
    pub(super) fn check(&self, sign_in: bool) -> Result<()> {
        let provider_ok = !self.provider.is_empty()
            && self.provider.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
        if !provider_ok {
            return Err(Error::invalid("provider", "must be letters, digits, '-' or '_' (e.g. whatsapp)"));
        }
        if let Some(id) = &self.provider_id {
            no_control("providerId", id)?;
        }
        if self.login_options.needs_refresh_jwt() {
            if !sign_in {
                return Err(Error::invalid("loginOptions", "stepup and mfa apply to sign-in only"));
            }
            if self.refresh_jwt.as_ref().is_none_or(Secret::is_empty) {
                return Err(Error::invalid("refresh_jwt", "is required for a stepup or mfa sign-in"));
            }
        }
        Ok(())
    }
}
