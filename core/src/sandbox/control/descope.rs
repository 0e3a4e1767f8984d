//! `descope.*`: the Descope stand-in's control methods ([`DescopeSim`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{answer, millis, strs};
use crate::sandbox::DescopeSim;
use crate::Result;

/// The operations of the `descope` group: [`DescopeSim`]'s methods of the same names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[allow(missing_docs)] // the fields are the arguments of the method each variant names
pub enum DescopeOp {
    /// [`DescopeSim::add_project`].
    AddProject { project_id: String },
    /// [`DescopeSim::issuer`] answers a string.
    Issuer { project_id: String },
    /// [`DescopeSim::add_user`] answers the user ID.
    AddUser { login_id: String },
    /// [`DescopeSim::add_totp_user`] answers the TOTP key in base32.
    AddTotpUser { login_id: String },
    /// [`DescopeSim::set_roles`].
    SetRoles {
        login_id: String,
        roles: Vec<String>,
        #[serde(default)]
        permissions: Vec<String>,
    },
    /// [`DescopeSim::set_tenant`].
    SetTenant {
        login_id: String,
        tenant_id: String,
        roles: Vec<String>,
        #[serde(default)]
        permissions: Vec<String>,
    },
    /// [`DescopeSim::user`] answers the user object or `null`.
    User { login_id: String },
    /// [`DescopeSim::waiting_logins`] answers a list of pending references.
    WaitingLogins,
    /// [`DescopeSim::approve`] answers whether the login was waiting.
    Approve { pending_ref: String },
    /// [`DescopeSim::approve_as`] answers whether the login was waiting.
    ApproveAs { pending_ref: String, phone: String },
    /// [`DescopeSim::deny`] answers whether the login was waiting.
    Deny { pending_ref: String },
    /// [`DescopeSim::expire`] answers whether the login was waiting.
    Expire { pending_ref: String },
    /// [`DescopeSim::set_pending_ttl`].
    SetPendingTtl { ttl_ms: u64 },
    /// [`DescopeSim::set_session_ttl`].
    SetSessionTtl { ttl_ms: u64 },
    /// [`DescopeSim::set_refresh_in_cookie`].
    SetRefreshInCookie { on: bool },
    /// [`DescopeSim::set_no_published_keys`].
    SetNoPublishedKeys { on: bool },
    /// [`DescopeSim::require_management_key`].
    RequireManagementKey { key: String },
    /// [`DescopeSim::add_notp_provider`].
    AddNotpProvider { provider: String },
    /// [`DescopeSim::rate_limit`].
    RateLimit {
        route: String,
        times: u32,
        #[serde(default)]
        retry_after: Option<u64>,
    },
    /// [`DescopeSim::fail_next`].
    FailNext {
        route: String,
        status: u16,
        #[serde(default)]
        error_code: Option<String>,
        #[serde(default)]
        retry_after: Option<u64>,
        times: u32,
    },
    /// [`DescopeSim::sign_jwt`] answers the signed token.
    SignJwt { claims: Value },
    /// [`DescopeSim::signing_kid`] answers a string.
    SigningKid,
    /// [`DescopeSim::rotate_signing_key`].
    RotateSigningKey,
    /// [`DescopeSim::last_request_body`] answers the JSON body or `null`.
    LastRequestBody { route: String },
    /// [`DescopeSim::last_sdk_headers`] answers `{"name", "version"}` or `null`.
    LastSdkHeaders,
    /// [`DescopeSim::last_authorization`] answers a string or `null`.
    LastAuthorization,
}

/// The SDK headers of a request, as [`DescopeOp::LastSdkHeaders`] answers them.
#[derive(Serialize)]
struct SdkHeaders {
    name: String,
    version: String,
}

impl DescopeOp {
    pub(super) fn apply(self, sim: &DescopeSim) -> Result<Value> {
        match self {
            DescopeOp::AddProject { project_id } => answer(sim.add_project(&project_id)),
            DescopeOp::Issuer { project_id } => answer(sim.issuer(&project_id)),
            DescopeOp::AddUser { login_id } => answer(sim.add_user(&login_id)),
            DescopeOp::AddTotpUser { login_id } => answer(sim.add_totp_user(&login_id)),
            DescopeOp::SetRoles { login_id, roles, permissions } => {
                answer(sim.set_roles(&login_id, &strs(&roles), &strs(&permissions)))
            }
            DescopeOp::SetTenant { login_id, tenant_id, roles, permissions } => {
                answer(sim.set_tenant(&login_id, &tenant_id, &strs(&roles), &strs(&permissions)))
            }
            DescopeOp::User { login_id } => answer(sim.user(&login_id)),
            DescopeOp::WaitingLogins => answer(sim.waiting_logins()),
            DescopeOp::Approve { pending_ref } => answer(sim.approve(&pending_ref)),
            DescopeOp::ApproveAs { pending_ref, phone } => answer(sim.approve_as(&pending_ref, &phone)),
            DescopeOp::Deny { pending_ref } => answer(sim.deny(&pending_ref)),
            DescopeOp::Expire { pending_ref } => answer(sim.expire(&pending_ref)),
            DescopeOp::SetPendingTtl { ttl_ms } => answer(sim.set_pending_ttl(millis(ttl_ms))),
            DescopeOp::SetSessionTtl { ttl_ms } => answer(sim.set_session_ttl(millis(ttl_ms))),
            DescopeOp::SetRefreshInCookie { on } => answer(sim.set_refresh_in_cookie(on)),
            DescopeOp::SetNoPublishedKeys { on } => answer(sim.set_no_published_keys(on)),
            DescopeOp::RequireManagementKey { key } => answer(sim.require_management_key(&key)),
            DescopeOp::AddNotpProvider { provider } => answer(sim.add_notp_provider(&provider)),
            DescopeOp::RateLimit { route, times, retry_after } => answer(sim.rate_limit(&route, times, retry_after)),
            DescopeOp::FailNext { route, status, error_code, retry_after, times } => {
                answer(sim.fail_next(&route, status, error_code.as_deref(), retry_after, times))
            }
            DescopeOp::SignJwt { claims } => answer(sim.sign_jwt(&claims)),
            DescopeOp::SigningKid => answer(sim.signing_kid()),
            DescopeOp::RotateSigningKey => answer(sim.rotate_signing_key()),
            DescopeOp::LastRequestBody { route } => answer(sim.last_request_body(&route)),
            DescopeOp::LastSdkHeaders => {
                answer(sim.last_sdk_headers().map(|(name, version)| SdkHeaders { name, version }))
            }
            DescopeOp::LastAuthorization => answer(sim.last_authorization()),
        }
    }
}
