//! The eleven callbacks and the paths they are served at.

use std::fmt;

/// Where every callback lives (the vendor: "Relative URL /api/PortalCommunication/…").
pub const CALLBACK_BASE_PATH: &str = "/api/PortalCommunication/";

/// One of the NoPass server's callbacks to the portal, named as the vendor names its path
/// (docs/vendors/nopass.md, "Callbacks received").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Callback {
    /// 1: the NoPass server's `adminId` challenge when the portal is entered in its console.
    ConfirmPreRegistration,
    /// 2: binds the portal to its `portalId` and hands over the `authToken`.
    ConfirmRegistration,
    /// 3: the next picture/code of a pending login.
    UpdatePicture,
    /// 4: asks whether a user may be registered.
    ValidateUserRegistration,
    /// 5: a user registration completed with its `otp`.
    ConfirmUserRegistration,
    /// 6: a login was approved or denied.
    AuthorizedUser,
    /// 7: asks whether a user's details may change.
    UpdateUser,
    /// 8: a user's NoPass account was deleted.
    DeleteUser,
    /// 9: asks whether users may be added.
    AddUsers,
    /// 10: the user closed a session in NoPass.
    CloseSession,
    /// 11: the portal was deleted in the NoPass console.
    DisableService,
}

impl Callback {
    /// Every callback, in the vendor's order.
    pub const ALL: [Callback; 11] = [
        Callback::ConfirmPreRegistration,
        Callback::ConfirmRegistration,
        Callback::UpdatePicture,
        Callback::ValidateUserRegistration,
        Callback::ConfirmUserRegistration,
        Callback::AuthorizedUser,
        Callback::UpdateUser,
        Callback::DeleteUser,
        Callback::AddUsers,
        Callback::CloseSession,
        Callback::DisableService,
    ];

    /// The last path segment, spelled as the vendor spells it.
    pub fn name(self) -> &'static str {
        match self {
            Callback::ConfirmPreRegistration => "ConfirmPreRegistration",
            Callback::ConfirmRegistration => "ConfirmRegistration",
            Callback::UpdatePicture => "UpdatePicture",
            Callback::ValidateUserRegistration => "ValidateUserRegistration",
            Callback::ConfirmUserRegistration => "ConfirmUserRegistration",
            Callback::AuthorizedUser => "AuthorizedUser",
            Callback::UpdateUser => "UpdateUser",
            Callback::DeleteUser => "DeleteUser",
            Callback::AddUsers => "AddUsers",
            Callback::CloseSession => "CloseSession",
            Callback::DisableService => "DisableService",
        }
    }

    /// `/api/PortalCommunication/<name>`.
    pub fn path(self) -> String {
        format!("{CALLBACK_BASE_PATH}{}", self.name())
    }

    /// The callback served at `path` under `mount` (both matched without regard to ASCII
    /// case, as ASP.NET routes are; a query string and one trailing `/` are ignored).
    pub fn from_path(mount: &str, path: &str) -> Option<Callback> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let path = path.strip_suffix('/').unwrap_or(path);
        let mount = mount.trim_end_matches('/');
        let rest = strip_prefix_ignore_case(path, mount)?;
        let name = strip_prefix_ignore_case(rest, CALLBACK_BASE_PATH)?;
        Callback::ALL.into_iter().find(|callback| callback.name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_without_case() {
        for callback in Callback::ALL {
            assert_eq!(Callback::from_path("", &callback.path()), Some(callback));
            assert_eq!(Callback::from_path("", &callback.path().to_lowercase()), Some(callback));
            assert_eq!(Callback::from_path("", &format!("{}/", callback.path().to_uppercase())), Some(callback));
        }
        assert_eq!(
            Callback::from_path("/nopass/", "/NoPass/api/portalcommunication/closesession?x=1"),
            Some(Callback::CloseSession)
        );
        assert_eq!(Callback::from_path("", "/api/PortalCommunication/"), None);
        assert_eq!(Callback::from_path("", "/api/PortalCommunication/CloseSession/x"), None);
        assert_eq!(Callback::from_path("", "/nopass/api/PortalCommunication/CloseSession"), None);
        assert_eq!(Callback::from_path("", "/api/PortalCommunicatioé"), None);
    }
}
