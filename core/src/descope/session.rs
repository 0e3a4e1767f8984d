//! The session a successful Descope login returns (docs/vendors/descope.md, "Response
//! fields").
//!
//! `{"sessionJwt","refreshJwt","cookieMaxAge","cookieExpiration","firstSeen","user":{…}}`.
//! Projects that keep the refresh token out of reach of scripts return it only as the `DSR`
//! cookie; the session JWT may likewise come as the `DS` cookie. Both are read from
//! `Set-Cookie` when the body lacks them.

use std::fmt;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::transport::Response;
use crate::{Error, Result, Secret, Vendor};

/// The cookie Descope may send the session JWT in, instead of the body.
pub const SESSION_COOKIE: &str = "DS";
/// The cookie Descope sends the refresh JWT in when the project keeps it out of reach of
/// scripts.
pub const REFRESH_COOKIE: &str = "DSR";

/// A signed-in user's tokens and profile.
#[derive(Clone)]
pub struct Session {
    /// The short-lived session JWT; check it with [`super::DescopeClient::validate_session`].
    pub session_jwt: Secret,
    /// The refresh JWT, from the body or the `DSR` cookie; `None` when Descope sent neither.
    pub refresh_jwt: Option<Secret>,
    /// `cookieMaxAge`: seconds the refresh cookie lives.
    pub cookie_max_age: Option<i64>,
    /// `cookieExpiration`: Unix time the refresh cookie expires.
    pub cookie_expiration: Option<i64>,
    /// `cookieDomain`: the domain to set the refresh cookie for, when the project names one.
    pub cookie_domain: Option<String>,
    /// `cookiePath`: the path to set the refresh cookie for, when the project names one.
    pub cookie_path: Option<String>,
    /// `firstSeen`: true when this login created the user.
    pub first_seen: bool,
    /// The signed-in user's profile.
    pub user: User,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("session_jwt", &self.session_jwt)
            .field("refresh_jwt", &self.refresh_jwt)
            .field("cookie_max_age", &self.cookie_max_age)
            .field("cookie_expiration", &self.cookie_expiration)
            .field("first_seen", &self.first_seen)
            .field("user", &self.user)
            .finish()
    }
}

/// The user object of a Descope answer: the common fields typed, every other field kept in
/// [`User::extra`] as Descope sent it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct User {
    /// `userId`: Descope's id of the user, the `sub` of its session JWTs.
    pub user_id: String,
    /// `loginIds`: every login id the user signs in with (the one given at sign-up first).
    pub login_ids: Vec<String>,
    /// `name`: the full name.
    pub name: Option<String>,
    /// `givenName`.
    pub given_name: Option<String>,
    /// `middleName`.
    pub middle_name: Option<String>,
    /// `familyName`.
    pub family_name: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `phone`.
    pub phone: Option<String>,
    /// `verifiedEmail`: whether Descope has verified `email`.
    pub verified_email: bool,
    /// `verifiedPhone`: whether Descope has verified `phone`.
    pub verified_phone: bool,
    /// `enabled`, `disabled` or `invited`.
    pub status: Option<String>,
    /// `picture`: the URL of the user's picture.
    pub picture: Option<String>,
    /// `roleNames`: the user's project-level roles.
    pub role_names: Vec<String>,
    /// Unix time the user was created.
    pub created_time: Option<i64>,
    /// Whether the user has a TOTP authenticator.
    pub totp: Option<bool>,
    /// Every field not named above (`customAttributes`, `userTenants`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The wire shape of a session answer.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionBody {
    #[serde(default)]
    session_jwt: Option<Secret>,
    #[serde(default)]
    refresh_jwt: Option<Secret>,
    #[serde(default)]
    cookie_max_age: Option<i64>,
    #[serde(default)]
    cookie_expiration: Option<i64>,
    #[serde(default)]
    cookie_domain: Option<String>,
    #[serde(default)]
    cookie_path: Option<String>,
    #[serde(default)]
    first_seen: bool,
    #[serde(default)]
    user: Option<Value>,
}

impl Session {
    /// Reads a successful session answer, taking missing tokens from its cookies.
    pub(super) fn from_response(response: &Response) -> Result<Self> {
        let body: SessionBody = response.json()?;
        let decode = |message: &str| Error::Decode { vendor: Vendor::Descope, message: message.to_string() };
        let session_jwt = body
            .session_jwt
            .filter(|s| !s.is_empty())
            .or_else(|| cookie(response, SESSION_COOKIE))
            .ok_or_else(|| decode("the session answer has no sessionJwt (neither in the body nor a DS cookie)"))?;
        let refresh_jwt = body.refresh_jwt.filter(|s| !s.is_empty()).or_else(|| cookie(response, REFRESH_COOKIE));
        let user = match body.user {
            Some(value) => serde_json::from_value(value).map_err(|e| decode(&format!("user: {e}")))?,
            None => User::default(),
        };
        Ok(Session {
            session_jwt,
            refresh_jwt,
            cookie_max_age: body.cookie_max_age,
            cookie_expiration: body.cookie_expiration,
            cookie_domain: body.cookie_domain.filter(|s| !s.is_empty()),
            cookie_path: body.cookie_path.filter(|s| !s.is_empty()),
            first_seen: body.first_seen,
            user,
        })
    }
}

/// The value of cookie `name` from the answer's `Set-Cookie` headers.
fn cookie(response: &Response, name: &str) -> Option<Secret> {
    response.headers.get_all(http::header::SET_COOKIE).iter().find_map(|header| {
        let text = header.to_str().ok()?;
        let pair = text.split(';').next()?;
        let (key, value) = pair.split_once('=')?;
        (key.trim() == name && !value.trim().is_empty()).then(|| Secret::new(value.trim().trim_matches('"')))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, HeaderValue, StatusCode};

    fn answer(body: &str, cookies: &[&str]) -> Response {
        let mut headers = HeaderMap::new();
        for c in cookies {
            headers.append(http::header::SET_COOKIE, HeaderValue::from_str(c).unwrap());
        }
        Response {
            status: StatusCode::OK,
            headers,
            body: bytes::Bytes::from(body.to_string()),
            vendor: Vendor::Descope,
        }
    }

    #[test]
    fn reads_body_tokens_user_and_keeps_unknown_fields() {
        let body = r#"{"sessionJwt":"s.j.w","refreshJwt":"r.j.w","cookieMaxAge":100,"cookieExpiration":1700000000,
            "firstSeen":true,"user":{"userId":"U1","loginIds":["+1555"],"phone":"+1555","verifiedPhone":true,
            "status":"enabled","customAttributes":{"tier":"gold"}}}"#;
        let s = Session::from_response(&answer(body, &[])).unwrap();
        assert_eq!(s.session_jwt.expose(), "s.j.w");
        assert_eq!(s.refresh_jwt.as_ref().unwrap().expose(), "r.j.w");
        assert_eq!((s.cookie_max_age, s.cookie_expiration, s.first_seen), (Some(100), Some(1_700_000_000), true));
        assert_eq!(s.user.user_id, "U1");
        assert!(s.user.verified_phone);
        assert_eq!(s.user.extra["customAttributes"]["tier"], "gold");
        let debug = format!("{s:?}");
        assert!(!debug.contains("s.j.w") && !debug.contains("r.j.w"));
    }

    #[test]
    fn refresh_token_from_the_dsr_cookie() {
        let body = r#"{"sessionJwt":"s.j.w","user":{"userId":"U1"}}"#;
        let s = Session::from_response(&answer(
            body,
            &["DS=other; Path=/", "DSR=r.from.cookie; Path=/; Max-Age=2419200; HttpOnly; Secure; SameSite=Strict"],
        ))
        .unwrap();
        assert_eq!(s.refresh_jwt.unwrap().expose(), "r.from.cookie");
        assert_eq!(s.session_jwt.expose(), "s.j.w");
        let none = Session::from_response(&answer(body, &[])).unwrap();
        assert!(none.refresh_jwt.is_none());
        let missing = Session::from_response(&answer(r#"{"user":{}}"#, &[])).unwrap_err();
        assert_eq!(missing.code(), "decode");
    }
}
