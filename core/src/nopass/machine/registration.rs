//! The portal's own life: ConfirmPreRegistration (callback 1), ConfirmRegistration (callback 2)
//! and DisableService (callback 11).

use std::net::IpAddr;

use serde_json::json;

use super::{check_portal_id, claim_portal, Fields, Inner, Outcome, Refusal};
use crate::nopass::digest::same_secret;
use crate::nopass::events::{PreRegistration, Registration, ServiceDisabling};
use crate::nopass::routes::Callback;
use crate::nopass::state::{now_ms, PortalPhase, PortalRecord};
use crate::nopass::store::{Change, StoreOp};
use crate::Secret;

/// Callback 1: `r` is a non-negative integer of at most 8 digits.
const MAX_R: u64 = 99_999_999;

/// Callback 1: checks `adminId` (wrong ones are throttled per source, `throttle.rs`), answers
/// `{adminId, sCode, r: r + 1}`.
pub(super) async fn confirm_pre_registration(
    inner: &Inner,
    client: Option<IpAddr>,
    mut f: Fields,
) -> Result<Outcome, Refusal> {
    let admin_id = Secret::new(f.required_str("adminId", Some(64))?);
    let r = f.required_uint("r", MAX_R, "must be a non-negative integer of at most 8 digits")?;
    if !same_secret(admin_id.expose(), inner.config.admin_id.expose()) {
        inner.admin_throttle.failed(client);
        return Err(Refusal::new(403, "admin_id_mismatch", "`adminId` is not this portal's administrator id"));
    }
    inner.admin_throttle.succeeded(client);
    let (_claim, record) = claim_portal(inner, Callback::ConfirmPreRegistration).await?;
    let hooks = inner.hooks.clone();
    inner.hook(Callback::ConfirmPreRegistration, hooks.confirm_pre_registration(PreRegistration { r })).await?;
    let next = PortalRecord { phase: PortalPhase::PreRegistered, changed_at_ms: now_ms(), ..record.clone() };
    inner.commit(Change { portal_version: record.version, ops: vec![StoreOp::SetPortal(next)] }).await?;
    Ok(Outcome::Object(json!({
        "adminId": admin_id.expose(),
        "sCode": inner.config.s_code.expose(),
        "r": r + 1,
    })))
}

/// Callback 2: binds the portal to `portalId` and keeps the `authToken`, once, and only within
/// [`crate::nopass::PortalConfig::pre_registration_ttl`] of the pre-registration.
pub(super) async fn confirm_registration(inner: &Inner, mut f: Fields) -> Result<Outcome, Refusal> {
    let settings = f.optional_str("settings", None)?;
    let portal_id = f.required_str("portalId", Some(256))?;
    let auth_token = Secret::new(f.required_str("authToken", Some(256))?);
    let (_claim, record) = claim_portal(inner, Callback::ConfirmRegistration).await?;
    let hooks = inner.hooks.clone();
    let event = Registration { portal_id: portal_id.clone(), settings: settings.clone() };
    inner.hook(Callback::ConfirmRegistration, hooks.confirm_registration(event)).await?;
    let next = PortalRecord {
        version: record.version,
        phase: PortalPhase::Registered,
        portal_id: Some(portal_id),
        auth_token: Some(auth_token),
        settings,
        changed_at_ms: now_ms(),
    };
    inner.commit(Change { portal_version: record.version, ops: vec![StoreOp::SetPortal(next)] }).await?;
    Ok(Outcome::Object(json!({ "sCode": inner.config.s_code.expose() })))
}

/// Callback 11: after this every callback is refused. Answers `true` (a refusal carries `false`).
pub(super) async fn disable_service(inner: &Inner, mut f: Fields) -> Result<Outcome, Refusal> {
    let portal_id = f.required_str("portalId", Some(256))?;
    let (_claim, record) = claim_portal(inner, Callback::DisableService).await?;
    check_portal_id(&record, &portal_id)?;
    let hooks = inner.hooks.clone();
    inner.hook(Callback::DisableService, hooks.disable_service(ServiceDisabling { portal_id })).await?;
    let next = PortalRecord { phase: PortalPhase::Disabled, changed_at_ms: now_ms(), ..record.clone() };
    inner.commit(Change { portal_version: record.version, ops: vec![StoreOp::SetPortal(next)] }).await?;
    Ok(Outcome::Bool(true))
}
