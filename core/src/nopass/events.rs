//! What each callback tells the host's hooks: plain owned values, validated already, that
//! serialize to camelCase JSON so a binding can hand them to C, Python or JS as they are.
//! None carries a secret (no `otp`, no `authId`, no `authToken`, no `adminId`): a login is
//! named by its browser handle.

use serde::Serialize;

pub use super::state::RegistrationOrigin;

/// ConfirmPreRegistration (callback 1) passed the `adminId` check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreRegistration {
    /// The NoPass server's challenge; the answer is `r + 1`.
    pub r: u64,
}

/// ConfirmRegistration (callback 2): the portal is about to be bound to `portal_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Registration {
    /// The id the NoPass server gives the portal; every later callback must carry it.
    pub portal_id: String,
    /// The portal's settings as the NoPass server sent them (an opaque string).
    pub settings: Option<String>,
}

/// UpdatePicture (callback 3): a new picture/code for a pending login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PictureUpdate {
    /// The login's browser handle.
    pub handle: String,
    /// The user the portal requested the login for.
    pub user_id: String,
    /// `UserId` as the NoPass server sent it.
    pub reported_user_id: Option<String>,
    /// Base64 PNG, checked to be one.
    pub image: String,
    /// `nextChange`: how long this picture is valid, in milliseconds; the page should show the
    /// next one after that.
    pub next_change_ms: u64,
}

/// ValidateUserRegistration (callback 4): may this user be registered? The host decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRegistrationCheck {
    /// Who started the registration. [`RegistrationOrigin::NoPassServer`]: the user is not
    /// known on the portal's side (callback 4) and every field below came from the caller —
    /// decide on nothing but the portal's own data.
    pub origin: RegistrationOrigin,
    /// The portal's user id of a registration it started (`None` for the NoPass server's).
    pub user_id: Option<String>,
    /// `givenName`, as the caller sent it.
    pub given_name: Option<String>,
    /// `surName`, as the caller sent it.
    pub sur_name: Option<String>,
    /// `phoneNumber`, as the caller sent it.
    pub phone_number: Option<String>,
    /// `email`, as the caller sent it.
    pub email: Option<String>,
    /// `login`: the user name the person chose in NoPass, as the caller sent it.
    pub login: Option<String>,
    /// `profileImageUrl`, as the caller sent it.
    pub profile_image_url: Option<String>,
}

/// ConfirmUserRegistration (callback 5): a registration's `otp` matched; the user is registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRegistration {
    /// The portal's user id of a registration it started, or the `login` the caller gave in
    /// ValidateUserRegistration of one the NoPass server started.
    pub user_id: Option<String>,
    /// Who started the registration; only [`RegistrationOrigin::Portal`] ones authorise a
    /// session.
    pub origin: RegistrationOrigin,
    /// The browser handle of the session the registration authorised (portal-started only).
    pub handle: Option<String>,
    /// `session.login`, as the caller sent it.
    pub login: Option<String>,
}

/// AuthorizedUser (callback 6): the login is decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationResult {
    /// The login's browser handle.
    pub handle: String,
    /// The user the portal requested the login for.
    pub user_id: String,
    /// `isAuthorized`: whether the person approved. Only an approved login can be redeemed.
    pub authorized: bool,
    /// `reason`: why, in the NoPass server's words, when it gave one.
    pub reason: Option<String>,
}

/// One field of an UpdateUser (callback 7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    /// As the vendor spells it: `givenName`, `surName`, `phoneNumber`, `email`,
    /// `profileImageUrl`, `locale` or `login`.
    pub field: String,
    /// The new value; `None` when it does not change.
    pub new_value: Option<String>,
    /// `Some(true)`: the user forbids the NoPass side to store it; `Some(false)`: allows it;
    /// `None`: no change to that choice.
    pub forbidden_store: Option<bool>,
}

/// UpdateUser (callback 7): may these changes be made? The host decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserUpdate {
    /// `userId`, as the NoPass server sent it.
    pub user_id: String,
    /// Each field that changes, in the order sent.
    pub changes: Vec<FieldChange>,
}

/// DeleteUser (callback 8): the user's NoPass account was deleted. The host decides whether it
/// acts on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserDeletion {
    /// `userId`, as the NoPass server sent it.
    pub user_id: String,
}

/// One user of an AddUsers (callback 9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    /// `givenName`.
    pub given_name: Option<String>,
    /// `surName`.
    pub sur_name: Option<String>,
    /// `phoneNumber`.
    pub phone_number: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `login`: the user name on the NoPass side.
    pub login: Option<String>,
    /// `isUseEmailAsLogin`: whether `email` doubles as the login.
    pub is_use_email_as_login: Option<bool>,
}

/// AddUsers (callback 9): may these users be added? The host decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersAddition {
    /// The users, in the order sent; the answer covers them all.
    pub users: Vec<NewUser>,
}

/// CloseSession (callback 10): the user closed the session in NoPass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionClosing {
    /// The session's browser handle.
    pub handle: String,
    /// The session's user on the portal's side.
    pub user_id: String,
    /// `userId` as the NoPass server sent it (empty for social-network registrations).
    pub reported_user_id: Option<String>,
}

/// DisableService (callback 11): the portal was deleted in the NoPass console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceDisabling {
    /// The portal's id, already checked to be the registered one.
    pub portal_id: String,
}
