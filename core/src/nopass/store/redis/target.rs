//! Where a [`RedisStore`](super::RedisStore) connects and which portal it holds, read from its
//! URL: `redis://[user[:password]@]host[:port][/db][?portal=NAME]`, or `rediss://…` for TLS.
//!
//! The password stays in the URL handed to the Redis client and nowhere else: what the store
//! shows (its `Debug`, its error messages) is [`Target::address`], which leaves it out.

use url::Url;

use crate::{Error, Result, Secret};

/// The portal a store holds when its URL names none.
pub const DEFAULT_PORTAL: &str = "default";

/// The longest portal name: it is part of every key, so it is kept short.
const MAX_PORTAL_LEN: usize = 64;

/// A parsed store URL.
pub(super) struct Target {
    /// The URL for the Redis client, without the `portal` parameter (the client would refuse an
    /// unknown one in a future version, and it is ours anyway).
    pub(super) client_url: Secret,
    /// `redis://host:port/db` (or `rediss://`, with the user if any): no password.
    pub(super) address: String,
    /// The password, if any, so it can be scrubbed from whatever an error message repeats.
    pub(super) password: Option<Secret>,
    pub(super) portal: String,
}

impl Target {
    /// Parses `url`; `portal` (from the options) wins over the URL's `portal` parameter.
    pub(super) fn parse(url: &str, portal: Option<&str>) -> Result<Self> {
        // The url crate's own messages never repeat the input, so they are safe to show.
        let mut parsed = Url::parse(url).map_err(|e| invalid(format!("is not a valid URL ({e})")))?;
        if !matches!(parsed.scheme(), "redis" | "rediss") {
            return Err(invalid(format!(
                "has scheme `{}:`; a Redis store needs redis:// or rediss://",
                parsed.scheme()
            )));
        }
        let host = parsed.host_str().filter(|h| !h.is_empty()).ok_or_else(|| invalid("names no host".into()))?;
        let db = parsed.path().trim_matches('/');
        let db = if db.is_empty() { "0" } else { db };
        if db.parse::<u16>().is_err() {
            return Err(invalid(format!("has database `{db}`; it must be a number")));
        }
        let user = match parsed.username() {
            "" => String::new(),
            user => format!("{user}@"),
        };
        let address = format!("{}://{user}{host}:{}/{db}", parsed.scheme(), parsed.port().unwrap_or(6379));
        let password = parsed
            .password()
            .map(|p| percent_encoding::percent_decode_str(p).decode_utf8_lossy().into_owned())
            .filter(|p| !p.is_empty())
            .map(Secret::new);

        let mut from_url = None;
        let mut kept = Vec::new();
        for (key, value) in parsed.query_pairs() {
            if key == "portal" {
                from_url = Some(value.into_owned());
            } else {
                kept.push((key.into_owned(), value.into_owned()));
            }
        }
        let portal = portal.map(str::to_string).or(from_url).unwrap_or_else(|| DEFAULT_PORTAL.to_string());
        check_portal_name(&portal)?;
        if kept.is_empty() {
            parsed.set_query(None);
        } else {
            parsed.query_pairs_mut().clear().extend_pairs(kept);
        }
        Ok(Self { client_url: Secret::new(String::from(parsed)), address, password, portal })
    }

    /// Whether the store speaks TLS (`rediss://`).
    pub(super) fn tls(&self) -> bool {
        self.address.starts_with("rediss:")
    }

    /// `text` with the password, if it appears, replaced by `***`.
    pub(super) fn scrub(&self, text: String) -> String {
        match &self.password {
            Some(password) if text.contains(password.expose()) => text.replace(password.expose(), "***"),
            _ => text,
        }
    }
}

/// A portal name becomes the Redis Cluster hash tag of every key (`{name}`), so it must not
/// hold braces; it is limited to characters that read well in `redis-cli` too.
pub(super) fn check_portal_name(name: &str) -> Result<()> {
    let fits = !name.is_empty()
        && name.len() <= MAX_PORTAL_LEN
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if fits {
        Ok(())
    } else {
        Err(Error::InvalidInput {
            field: "portal".into(),
            rule: format!("must be 1 to {MAX_PORTAL_LEN} characters of A-Z, a-z, 0-9, `-`, `_` or `.`"),
        })
    }
}

fn invalid(rule: String) -> Error {
    Error::InvalidInput { field: "redis url".into(), rule }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_the_portal_and_hides_the_password() {
        let target = Target::parse("redis://app:s3cret@cache.local:6380/2?portal=shop&protocol=resp3", None).unwrap();
        assert_eq!(target.portal, "shop");
        assert_eq!(target.address, "redis://app@cache.local:6380/2");
        assert_eq!(target.client_url.expose(), "redis://app:s3cret@cache.local:6380/2?protocol=resp3");
        assert_eq!(target.scrub("auth s3cret refused".into()), "auth *** refused");
    }

    #[test]
    fn defaults_and_overrides() {
        let target = Target::parse("rediss://cache.local", None).unwrap();
        assert_eq!((target.portal.as_str(), target.address.as_str()), (DEFAULT_PORTAL, "rediss://cache.local:6379/0"));
        assert_eq!(target.client_url.expose(), "rediss://cache.local");
        let target = Target::parse("redis://h/?portal=shop", Some("admin")).unwrap();
        assert_eq!(target.portal, "admin");
        assert!(target.password.is_none());
    }

    #[test]
    fn refuses_what_cannot_work() {
        for url in
            ["http://h", "redis://", "redis://h/zero", "redis://h/?portal=a{b}", "redis://h/?portal=", "nonsense"]
        {
            let error = Target::parse(url, None).err().unwrap();
            assert_eq!(error.code(), "invalid_input", "{url}: {error}");
        }
        let error = Target::parse("http://user:pw@h", None).err().unwrap();
        assert!(!error.to_string().contains("pw"), "{error}");
    }
}
