//! Session JWT validation, as Descope's official SDKs do it (docs/vendors/descope.md,
//! "Session JWT validation").
//!
//! A session JWT is accepted only when: its `kid` names a key of the project's key set
//! (`GET /v2/keys/<ProjectId>`, see `keys.rs`); its `alg` is that key's algorithm; the
//! signature verifies; `iss` is the project ID or a URL ending in `/<ProjectId>`; `exp` has
//! not passed and `iat`/`nbf` are not in the future, each with the configured leeway (5 s);
//! and it is not a refresh token (`drn` = `DSR`). Every refusal is `authentication_failed`
//! whose vendor code is a [`SessionRejection`] name, so callers can tell an expired session
//! (refresh it) from a forged one (refuse it).

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, decode_header, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::client::{success, DescopeClient};
use super::error::Call;
use crate::transport::Request;
use crate::{Error, Result, Secret, Vendor, VendorDetail};

/// Why a session JWT was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionRejection {
    /// Not a well-formed JWT, or a claim has the wrong type.
    Malformed,
    /// Its `kid` is not a key of the project, even after fetching the key set again.
    UnknownKey,
    /// Its `alg` is not the algorithm of the key it names.
    AlgorithmMismatch,
    /// The signature does not verify: the token was altered or signed by someone else.
    BadSignature,
    /// `exp` has passed (beyond the leeway).
    Expired,
    /// `iat` or `nbf` lies in the future (beyond the leeway).
    NotYetValid,
    /// `iss` names another project.
    WrongIssuer,
    /// `aud` lacks the configured audience.
    WrongAudience,
    /// A refresh token (`drn` = `DSR`) was given where a session token is expected.
    NotASessionToken,
}

impl SessionRejection {
    /// Stable snake_case name, the vendor code of the error.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Malformed => "malformed_token",
            Self::UnknownKey => "unknown_key",
            Self::AlgorithmMismatch => "algorithm_mismatch",
            Self::BadSignature => "bad_signature",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::WrongIssuer => "wrong_issuer",
            Self::WrongAudience => "wrong_audience",
            Self::NotASessionToken => "not_a_session_token",
        }
    }

    const ALL: [Self; 9] = [
        Self::Malformed,
        Self::UnknownKey,
        Self::AlgorithmMismatch,
        Self::BadSignature,
        Self::Expired,
        Self::NotYetValid,
        Self::WrongIssuer,
        Self::WrongAudience,
        Self::NotASessionToken,
    ];

    /// The reason carried by an error from [`DescopeClient::validate_session`].
    pub fn of(error: &Error) -> Option<Self> {
        match error {
            Error::AuthenticationFailed(detail)
                if detail.vendor == Some(Vendor::Descope) && detail.status.is_none() =>
            {
                let code = detail.vendor_code.as_deref()?;
                Self::ALL.into_iter().find(|r| r.as_str() == code)
            }
            _ => None,
        }
    }

    fn error(self, message: &str) -> Error {
        Error::AuthenticationFailed(Box::new(
            VendorDetail::new(Vendor::Descope).code(self.as_str()).message(format!("session JWT refused: {message}")),
        ))
    }
}

/// Roles and permissions a user holds in one tenant.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct TenantClaims {
    /// Roles the user holds in this tenant.
    pub roles: Vec<String>,
    /// Permissions the user holds in this tenant.
    pub permissions: Vec<String>,
    /// Any other claim of the tenant's entry, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The claims of a valid session JWT. Its `Debug` leaves out the issuer (it carries the
/// project ID) and the values of [`SessionClaims::all`].
#[derive(Clone, PartialEq)]
pub struct SessionClaims {
    /// `sub`: the Descope user ID.
    pub subject: String,
    /// `iss`: the project ID or a URL ending in it (already checked to be this project's).
    pub issuer: String,
    /// `iat`, Unix seconds.
    pub issued_at: Option<u64>,
    /// `exp`, Unix seconds.
    pub expires_at: u64,
    /// Project-level roles (`roles`).
    pub roles: Vec<String>,
    /// Project-level permissions (`permissions`).
    pub permissions: Vec<String>,
    /// Per-tenant roles and permissions (`tenants`).
    pub tenants: BTreeMap<String, TenantClaims>,
    /// Every claim of the token, custom ones included.
    pub all: Map<String, Value>,
}

impl std::fmt::Debug for SessionClaims {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionClaims")
            .field("subject", &self.subject)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("roles", &self.roles)
            .field("permissions", &self.permissions)
            .field("tenants", &self.tenants)
            .field("claims", &self.all.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl SessionClaims {
    /// Whether `role` is one of the project-level roles (a tenant's roles are in
    /// [`SessionClaims::tenant`]).
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    /// Whether `permission` is one of the project-level permissions.
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }

    /// The user's roles and permissions in the tenant `tenant_id`, if the token names it.
    pub fn tenant(&self, tenant_id: &str) -> Option<&TenantClaims> {
        self.tenants.get(tenant_id)
    }
}

impl DescopeClient {
    /// Validates a session JWT against the project's public keys and returns its claims.
    /// Works offline once the keys are cached; fetches them on first use and on key rotation.
    pub async fn validate_session(&self, session_jwt: &Secret) -> Result<SessionClaims> {
        let token = session_jwt.expose().trim();
        let header = decode_header(token).map_err(|_| SessionRejection::Malformed.error("not a JWT"))?;
        let kid = header.kid.ok_or_else(|| SessionRejection::Malformed.error("the header has no kid"))?;
        let key = self
            .keys
            .find(&kid, || self.fetch_keys())
            .await?
            .ok_or_else(|| SessionRejection::UnknownKey.error("its kid is not a key of this project"))?;
        if header.alg != key.algorithm {
            return Err(SessionRejection::AlgorithmMismatch.error("its alg is not the algorithm of its key"));
        }
        let settings = &self.config.session_validation;
        let leeway = settings.leeway.as_secs();
        let mut validation = Validation::new(key.algorithm);
        validation.leeway = leeway;
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let data = decode::<Map<String, Value>>(token, &key.key, &validation).map_err(|e| match e.kind() {
            ErrorKind::InvalidSignature => SessionRejection::BadSignature.error("the signature does not verify"),
            ErrorKind::ExpiredSignature => SessionRejection::Expired.error("it has expired"),
            ErrorKind::ImmatureSignature => SessionRejection::NotYetValid.error("it is not valid yet (nbf)"),
            ErrorKind::InvalidAlgorithm => SessionRejection::AlgorithmMismatch.error("its alg does not fit its key"),
            ErrorKind::MissingRequiredClaim(claim) => SessionRejection::Malformed.error(&format!("no `{claim}` claim")),
            _ => SessionRejection::Malformed.error("its claims cannot be read"),
        })?;
        let claims = data.claims;
        check_claims(&claims, &self.config.project_id, settings.audience.as_deref(), leeway)?;
        Ok(session_claims(claims))
    }

    /// `GET /v2/keys/<ProjectId>`, the JWKS.
    async fn fetch_keys(&self) -> Result<Value> {
        let url = self.url(&["v2", "keys", self.config.project_id.as_str()])?;
        let request = Request::get(url, "session_keys").header(http::header::ACCEPT, "application/json")?;
        let response = success(self.send(request, None).await?, Call::Other)?;
        response.json()
    }
}

/// The checks jsonwebtoken leaves to the caller: issuer, issue time, audience, token type.
fn check_claims(claims: &Map<String, Value>, project_id: &str, audience: Option<&str>, leeway: u64) -> Result<()> {
    let issuer = claims.get("iss").and_then(Value::as_str).unwrap_or_default();
    if !(issuer == project_id || issuer.ends_with(&format!("/{project_id}"))) {
        return Err(SessionRejection::WrongIssuer.error("it was issued for another project"));
    }
    match claims.get("iat") {
        None => {}
        Some(iat) => {
            let iat = iat.as_u64().ok_or_else(|| SessionRejection::Malformed.error("`iat` is not a number"))?;
            if iat > now().saturating_add(leeway) {
                return Err(SessionRejection::NotYetValid.error("it was issued in the future (iat)"));
            }
        }
    }
    if let Some(expected) = audience {
        let ok = match claims.get("aud") {
            Some(Value::String(aud)) => aud == expected,
            Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(expected)),
            _ => false,
        };
        if !ok {
            return Err(SessionRejection::WrongAudience.error("its aud lacks the expected audience"));
        }
    }
    if claims.get("drn").and_then(Value::as_str) == Some("DSR") {
        return Err(SessionRejection::NotASessionToken.error("it is a refresh token"));
    }
    Ok(())
}

fn session_claims(all: Map<String, Value>) -> SessionClaims {
    let text = |name: &str| all.get(name).and_then(Value::as_str).unwrap_or_default().to_string();
    let strings = |name: &str| -> Vec<String> {
        all.get(name)
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let tenants = all
        .get("tenants")
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .map(|(id, value)| (id.clone(), serde_json::from_value(value.clone()).unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    SessionClaims {
        subject: text("sub"),
        issuer: text("iss"),
        issued_at: all.get("iat").and_then(Value::as_u64),
        expires_at: all.get("exp").and_then(Value::as_u64).unwrap_or_default(),
        roles: strings("roles"),
        permissions: strings("permissions"),
        tenants,
        all,
    }
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
