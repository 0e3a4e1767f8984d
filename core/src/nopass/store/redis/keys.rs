//! The names of a portal's keys (the layout is described in the module docs of
//! [`super`]). Every name starts with `authbridge:{<portal>}:`, so the braces make the portal
//! name the Redis Cluster hash tag: all of a portal's keys share one slot, which a Lua script
//! touching several of them needs.

use data_encoding::HEXLOWER;

#[derive(Debug, Clone)]
pub(super) struct Keys {
    prefix: String,
}

impl Keys {
    pub(super) fn new(portal: &str) -> Self {
        Self { prefix: format!("authbridge:{{{portal}}}:") }
    }

    /// `authbridge:{<portal>}:`: the script builds the per-record names from it.
    pub(super) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Hash: `version` and `record` (JSON).
    pub(super) fn portal(&self) -> String {
        format!("{}portal", self.prefix)
    }

    /// Sorted set of registration digests (hex) by `expires_at_ms`, for purging without SCAN.
    pub(super) fn registrations(&self) -> String {
        format!("{}regs", self.prefix)
    }

    /// Sorted set of session handles by `updated_at_ms`, for purging without SCAN.
    pub(super) fn sessions(&self) -> String {
        format!("{}sessions", self.prefix)
    }

    /// String: the registration (JSON) with this `otp` digest.
    pub(super) fn registration(&self, digest: &[u8; 32]) -> String {
        format!("{}reg:{}", self.prefix, hex(digest))
    }

    /// Hash: `version`, `auth` (the `authId` digest in hex, or empty) and `record` (JSON).
    pub(super) fn session(&self, handle: &str) -> String {
        format!("{}session:{handle}", self.prefix)
    }

    /// String: the handle of the session with this `authId` digest.
    pub(super) fn auth(&self, digest: &[u8; 32]) -> String {
        format!("{}auth:{}", self.prefix, hex(digest))
    }

    /// The pub/sub channel the script announces committed changes on. Channels are not keys,
    /// but the same tag keeps it next to them in sharded pub/sub too.
    pub(super) fn channel(&self) -> String {
        format!("{}changes", self.prefix)
    }
}

pub(super) fn hex(digest: &[u8; 32]) -> String {
    HEXLOWER.encode(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_carries_the_portal_tag() {
        let keys = Keys::new("shop");
        let digest = [0xab; 32];
        for key in [
            keys.portal(),
            keys.registrations(),
            keys.sessions(),
            keys.registration(&digest),
            keys.session("h1"),
            keys.auth(&digest),
            keys.channel(),
        ] {
            assert!(key.starts_with("authbridge:{shop}:"), "{key}");
        }
        assert_eq!(keys.auth(&digest), format!("authbridge:{{shop}}:auth:{}", "ab".repeat(32)));
    }
}
