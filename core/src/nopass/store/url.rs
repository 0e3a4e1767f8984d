//! Stores chosen by URL, so a host (or a binding, or a config file) names its store in one
//! string: `memory:`, `sqlite:PATH` (or a bare path), `redis://…` / `rediss://…`.

use std::path::PathBuf;
use std::sync::Arc;

use super::{MemoryStore, PortalStore};
use crate::{Error, Result};

/// A store URL, read without opening anything (so it can be checked whatever the features).
#[derive(Debug, Clone, PartialEq, Eq)]
enum StoreUrl<'a> {
    Memory,
    /// `sqlite::memory:`: SQLite's behaviour without a file, for tests.
    SqliteInMemory,
    Sqlite(PathBuf),
    /// The whole URL: the Redis store reads its own parameters.
    Redis(&'a str),
}

impl<'a> StoreUrl<'a> {
    fn parse(url: &'a str) -> Result<Self> {
        let Some((scheme, rest)) = split_scheme(url) else {
            return if url.trim().is_empty() {
                Err(invalid("is empty; use memory:, sqlite:PATH, redis://… or rediss://…".into()))
            } else {
                Ok(StoreUrl::Sqlite(PathBuf::from(url)))
            };
        };
        match scheme.to_ascii_lowercase().as_str() {
            "memory" if matches!(rest, "" | "//") => Ok(StoreUrl::Memory),
            "memory" => Err(invalid("`memory:` takes nothing after the colon".into())),
            "sqlite" => {
                // `sqlite:PATH`, and the `sqlite://PATH` spelling other tools use
                // (`sqlite:///var/lib/portal.db` is the absolute path).
                let path = rest.strip_prefix("//").unwrap_or(rest);
                match path {
                    "" => Err(invalid("`sqlite:` needs a path, as in sqlite:/var/lib/portal.sqlite".into())),
                    ":memory:" => Ok(StoreUrl::SqliteInMemory),
                    path => Ok(StoreUrl::Sqlite(PathBuf::from(path))),
                }
            }
            "redis" | "rediss" => Ok(StoreUrl::Redis(url)),
            other => Err(invalid(format!(
                "has the unknown scheme `{other}:`; use memory:, sqlite:PATH, redis://… or rediss://…"
            ))),
        }
    }

    async fn open(self) -> Result<Arc<dyn PortalStore>> {
        match self {
            StoreUrl::Memory => Ok(Arc::new(MemoryStore::new())),
            #[cfg(feature = "sqlite")]
            StoreUrl::SqliteInMemory => Ok(Arc::new(super::SqliteStore::open_in_memory()?)),
            #[cfg(feature = "sqlite")]
            StoreUrl::Sqlite(path) => Ok(Arc::new(super::SqliteStore::open(path)?)),
            #[cfg(not(feature = "sqlite"))]
            StoreUrl::SqliteInMemory | StoreUrl::Sqlite(_) => Err(feature_off("sqlite", "sqlite")),
            #[cfg(feature = "redis")]
            StoreUrl::Redis(url) => Ok(Arc::new(super::RedisStore::open(url).await?)),
            #[cfg(not(feature = "redis"))]
            StoreUrl::Redis(url) => Err(feature_off(split_scheme(url).map_or("redis", |(s, _)| s), "redis")),
        }
    }
}

/// Opens the store `url` names:
///
/// | URL                                   | store |
/// |---------------------------------------|-------|
/// | `memory:`                             | [`MemoryStore`] (forgets everything on restart) |
/// | `sqlite:PATH`, `sqlite://PATH`, or a bare path | `SqliteStore` (feature `sqlite`); `sqlite::memory:` for one without a file |
/// | `redis://…`, `rediss://…`             | `RedisStore` (feature `redis`), e.g. `rediss://user:pass@host:6380/0?portal=shop` |
///
/// Fails with `invalid_input` for an unknown scheme, and `config` for a store whose feature
/// this build of authbridge leaves out; both name the scheme.
pub async fn open_store(url: &str) -> Result<Arc<dyn PortalStore>> {
    StoreUrl::parse(url)?.open().await
}

/// [`open_store`] for callers outside an async runtime.
pub fn open_store_blocking(url: &str) -> Result<Arc<dyn PortalStore>> {
    crate::runtime::block_on(open_store(url))?
}

/// `scheme` and the rest of `url`, when it starts with one. A single letter before the colon
/// is a Windows drive (`C:\portal.sqlite`), so a bare path.
fn split_scheme(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (valid && scheme.len() > 1).then_some((scheme, rest))
}

fn invalid(rule: String) -> Error {
    Error::InvalidInput { field: "store url".into(), rule }
}

#[allow(dead_code)] // only with a store feature off
fn feature_off(scheme: &str, feature: &str) -> Error {
    Error::Config(format!(
        "the store URL scheme `{scheme}:` needs authbridge built with its `{feature}` feature, which this build leaves out"
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_each_kind_of_store_url() {
        assert_eq!(StoreUrl::parse("memory:").unwrap(), StoreUrl::Memory);
        assert_eq!(StoreUrl::parse("MEMORY://").unwrap(), StoreUrl::Memory);
        assert_eq!(StoreUrl::parse("sqlite:portal.sqlite").unwrap(), StoreUrl::Sqlite("portal.sqlite".into()));
        assert_eq!(StoreUrl::parse("sqlite:/var/p.db").unwrap(), StoreUrl::Sqlite("/var/p.db".into()));
        assert_eq!(StoreUrl::parse("sqlite:///var/p.db").unwrap(), StoreUrl::Sqlite("/var/p.db".into()));
        assert_eq!(StoreUrl::parse("sqlite::memory:").unwrap(), StoreUrl::SqliteInMemory);
        assert_eq!(StoreUrl::parse("/var/lib/p.sqlite").unwrap(), StoreUrl::Sqlite("/var/lib/p.sqlite".into()));
        assert_eq!(StoreUrl::parse("./p.sqlite").unwrap(), StoreUrl::Sqlite("./p.sqlite".into()));
        assert_eq!(StoreUrl::parse(r"C:\data\p.sqlite").unwrap(), StoreUrl::Sqlite(r"C:\data\p.sqlite".into()));
        let url = "rediss://u:p@h:6380/1?portal=shop";
        assert_eq!(StoreUrl::parse(url).unwrap(), StoreUrl::Redis(url));
        assert_eq!(StoreUrl::parse("redis://h").unwrap(), StoreUrl::Redis("redis://h"));
    }

    #[test]
    fn refuses_unknown_schemes_by_name() {
        for (url, named) in
            [("postgres://h/db", "`postgres:`"), ("memory:x", "memory:"), ("sqlite:", "sqlite:"), ("", "empty")]
        {
            let error = StoreUrl::parse(url).unwrap_err();
            assert_eq!(error.code(), "invalid_input", "{url}");
            assert!(error.to_string().contains(named), "{url}: {error}");
        }
    }

    #[test]
    fn a_scheme_whose_feature_is_off_says_which() {
        let error = feature_off("rediss", "redis");
        assert_eq!(error.code(), "config");
        assert!(error.to_string().contains("`rediss:`") && error.to_string().contains("`redis` feature"));
    }

    #[tokio::test]
    async fn opens_memory_and_sqlite_stores() {
        let store = open_store("memory:").await.unwrap();
        assert_eq!(store.load_portal().await.unwrap().version, 0);
        #[cfg(feature = "sqlite")]
        {
            let store = open_store("sqlite::memory:").await.unwrap();
            assert_eq!(store.load_portal().await.unwrap().version, 0);
        }
        assert_eq!(open_store("ftp://x").await.err().unwrap().code(), "invalid_input");
    }
}
