//! `nopass.*`: the NoPass server stand-in's control methods ([`NoPassSim`]), including the
//! callbacks it drives into a portal.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::answer;
use crate::sandbox::{NoPassSim, SimPortal};
use crate::Result;

/// The operations of the `nopass` group: [`NoPassSim`]'s methods of the same names. Those
/// that call the portal back answer a [`CallbackReply`](crate::sandbox::CallbackReply)
/// object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[allow(missing_docs)] // the fields are the arguments of the method each variant names
pub enum NoPassOp {
    /// [`NoPassSim::set_portal_url`].
    SetPortalUrl { url: String },
    /// [`NoPassSim::set_portal_urls`].
    SetPortalUrls { urls: Vec<String> },
    /// [`NoPassSim::portal_url`] answers a string or `null`.
    PortalUrl,
    /// [`NoPassSim::set_redeliveries`].
    SetRedeliveries { times: u32 },
    /// [`NoPassSim::registration`] answers a [`SimPortal`] object or `null`.
    Registration,
    /// [`NoPassSim::set_registration`].
    SetRegistration { portal: SimPortal },
    /// [`NoPassSim::add_user`].
    AddUser { user_id: String },
    /// [`NoPassSim::has_user`] answers a boolean.
    HasUser { user_id: String },
    /// [`NoPassSim::pre_registration`] answers its
    /// [`SimPreRegistration`](crate::sandbox::SimPreRegistration) object, or `null`.
    PreRegistration { user_id: String },
    /// [`NoPassSim::last_auth_id`] answers a string or `null`.
    LastAuthId { user_id: String },
    /// [`NoPassSim::login_user`] answers a string or `null`.
    LoginUser { auth_id: String },
    /// [`NoPassSim::send`].
    Send { callback: String, body: Value },
    /// [`NoPassSim::register_portal`] answers a [`SimPortal`] object.
    RegisterPortal { admin_id: String },
    /// [`NoPassSim::complete_user_registration`] answers the login's `authId`.
    CompleteUserRegistration { user_id: String },
    /// [`NoPassSim::register_user_from_server`] answers the new user's id.
    RegisterUserFromServer {
        login: String,
        #[serde(default)]
        email: Option<String>,
    },
    /// [`NoPassSim::update_picture`].
    UpdatePicture { auth_id: String },
    /// [`NoPassSim::authorize`].
    Authorize {
        auth_id: String,
        authorized: bool,
        #[serde(default)]
        reason: Option<String>,
    },
    /// [`NoPassSim::drive_login`].
    DriveLogin { auth_id: String, pictures: u32, authorized: bool },
    /// [`NoPassSim::close_session`].
    CloseSession { auth_id: String },
    /// [`NoPassSim::update_user`].
    UpdateUser { user_id: String, updates: Value },
    /// [`NoPassSim::delete_user`].
    DeleteUser { user_id: String },
    /// [`NoPassSim::add_users`].
    AddUsers { users: Value },
    /// [`NoPassSim::disable_service`].
    DisableService,
}

impl NoPassOp {
    /// The driver's calls to the portal wait for its answer; the rest change or read the
    /// stand-in's state at once.
    pub(super) fn waits(&self) -> bool {
        !matches!(
            self,
            NoPassOp::SetPortalUrl { .. }
                | NoPassOp::SetPortalUrls { .. }
                | NoPassOp::PortalUrl
                | NoPassOp::SetRedeliveries { .. }
                | NoPassOp::Registration
                | NoPassOp::SetRegistration { .. }
                | NoPassOp::AddUser { .. }
                | NoPassOp::HasUser { .. }
                | NoPassOp::PreRegistration { .. }
                | NoPassOp::LastAuthId { .. }
                | NoPassOp::LoginUser { .. }
        )
    }

    pub(super) async fn apply(self, sim: &NoPassSim) -> Result<Value> {
        match self {
            NoPassOp::SetPortalUrl { url } => answer(sim.set_portal_url(&url)),
            NoPassOp::SetPortalUrls { urls } => answer(sim.set_portal_urls(&super::strs(&urls))),
            NoPassOp::PortalUrl => answer(sim.portal_url()),
            NoPassOp::SetRedeliveries { times } => answer(sim.set_redeliveries(times)),
            NoPassOp::Registration => answer(sim.registration()),
            NoPassOp::SetRegistration { portal } => answer(sim.set_registration(portal)),
            NoPassOp::AddUser { user_id } => answer(sim.add_user(&user_id)),
            NoPassOp::HasUser { user_id } => answer(sim.has_user(&user_id)),
            NoPassOp::PreRegistration { user_id } => answer(sim.pre_registration(&user_id)),
            NoPassOp::LastAuthId { user_id } => answer(sim.last_auth_id(&user_id)),
            NoPassOp::LoginUser { auth_id } => answer(sim.login_user(&auth_id)),
            NoPassOp::Send { callback, body } => answer(sim.send(&callback, &body).await?),
            NoPassOp::RegisterPortal { admin_id } => answer(sim.register_portal(&admin_id).await?),
            NoPassOp::CompleteUserRegistration { user_id } => answer(sim.complete_user_registration(&user_id).await?),
            NoPassOp::RegisterUserFromServer { login, email } => {
                answer(sim.register_user_from_server(&login, email.as_deref()).await?)
            }
            NoPassOp::UpdatePicture { auth_id } => answer(sim.update_picture(&auth_id).await?),
            NoPassOp::Authorize { auth_id, authorized, reason } => {
                answer(sim.authorize(&auth_id, authorized, reason.as_deref()).await?)
            }
            NoPassOp::DriveLogin { auth_id, pictures, authorized } => {
                answer(sim.drive_login(&auth_id, pictures, authorized).await?)
            }
            NoPassOp::CloseSession { auth_id } => answer(sim.close_session(&auth_id).await?),
            NoPassOp::UpdateUser { user_id, updates } => answer(sim.update_user(&user_id, updates).await?),
            NoPassOp::DeleteUser { user_id } => answer(sim.delete_user(&user_id).await?),
            NoPassOp::AddUsers { users } => answer(sim.add_users(users).await?),
            NoPassOp::DisableService => answer(sim.disable_service().await?),
        }
    }
}
