//! The project's public keys (`GET /v2/keys/<ProjectId>`, a JWKS), cached by `kid`.
//!
//! As in Descope's SDKs, the set is fetched on first use and fetched again when a token names
//! a `kid` the cache does not hold (keys rotate). Fetches are single-flight (concurrent
//! validations wait for the one request and share its outcome) and rate-limited: after a
//! fetch, an unknown `kid` causes another only once `min_refresh` has passed, so forged tokens
//! with random `kid`s cannot flood Descope. The limit holds whatever the last fetch brought:
//! an empty set, or an error (which validations in the meantime get again rather than a
//! verdict on their token). Each key's algorithm comes from the key (`alg`), never from the
//! token.

use std::collections::HashMap;
use std::future::Future;
use std::str::FromStr;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};
use serde_json::Value;
use tokio::time::Instant;

use crate::{Error, Result, Vendor};

/// One verification key and the algorithm it is for.
pub(super) struct VerifyKey {
    pub key: DecodingKey,
    pub algorithm: Algorithm,
}

/// How the last fetch of the key set ended.
struct Fetched {
    at: Instant,
    /// Its error, when it failed: until the next fetch is allowed, a validation that needs a
    /// key the cache lacks gets this error again (it says nothing about the token).
    failure: Option<Error>,
}

pub(super) struct KeyCache {
    keys: RwLock<HashMap<String, Arc<VerifyKey>>>,
    /// The last finished fetch; the lock also makes fetches single-flight.
    last_fetch: tokio::sync::Mutex<Option<Fetched>>,
    min_refresh: Duration,
}

impl KeyCache {
    pub(super) fn new(min_refresh: Duration) -> Self {
        Self { keys: RwLock::default(), last_fetch: tokio::sync::Mutex::new(None), min_refresh }
    }

    fn get(&self, kid: &str) -> Option<Arc<VerifyKey>> {
        self.keys.read().unwrap_or_else(PoisonError::into_inner).get(kid).cloned()
    }

    /// The key `kid`, fetching the set with `fetch` when it is unknown and a fetch is allowed.
    /// `Ok(None)`: the project has no such key (or may not be asked again yet).
    pub(super) async fn find<F, Fut>(&self, kid: &str, fetch: F) -> Result<Option<Arc<VerifyKey>>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Value>>,
    {
        if let Some(key) = self.get(kid) {
            return Ok(Some(key));
        }
        let mut last_fetch = self.last_fetch.lock().await;
        // Another validation may have fetched the set while this one waited for the lock.
        if let Some(key) = self.get(kid) {
            return Ok(Some(key));
        }
        // No exception for an empty cache: a project that publishes no keys (or a Descope
        // that keeps failing) must not turn every forged token into a request.
        if let Some(last) = last_fetch.as_ref().filter(|last| last.at.elapsed() < self.min_refresh) {
            return match &last.failure {
                Some(error) => Err(error.duplicate()),
                None => {
                    tracing::debug!(kid, "unknown descope key id; key set fetched too recently to ask again");
                    Ok(None)
                }
            };
        }
        // The window starts with the request. Until the fetch ends it counts as failed, so a
        // fetch abandoned half-way (its caller was cancelled) holds the next one back too:
        // otherwise callers that give up early could still send one request each.
        let at = Instant::now();
        *last_fetch = Some(Fetched { at, failure: Some(abandoned()) });
        match fetch().await {
            Ok(set) => {
                let keys = parse_set(&set);
                tracing::debug!(keys = keys.len(), "descope key set fetched");
                *last_fetch = Some(Fetched { at, failure: None });
                let mut cache = self.keys.write().unwrap_or_else(PoisonError::into_inner);
                *cache = keys;
                Ok(cache.get(kid).cloned())
            }
            Err(error) => {
                *last_fetch = Some(Fetched { at, failure: Some(error.duplicate()) });
                Err(error)
            }
        }
    }
}

/// What validations are told while a fetch that never finished holds the next one back.
fn abandoned() -> Error {
    Error::Transport {
        vendor: Vendor::Descope,
        message: "the key set request was abandoned before its answer; it is sent again once the refresh limit \
                  has passed"
            .into(),
    }
}

/// The usable signing keys of a JWKS `{"keys":[…]}`. Keys without a `kid` or `alg`, keys
/// for encryption, symmetric keys and keys this build cannot read are skipped, as the SDKs
/// skip them.
fn parse_set(set: &Value) -> HashMap<String, Arc<VerifyKey>> {
    let mut keys = HashMap::new();
    let Some(list) = set.get("keys").and_then(Value::as_array) else { return keys };
    for raw in list {
        if raw.get("use").and_then(Value::as_str).is_some_and(|u| u != "sig") {
            continue;
        }
        let (Some(kid), Some(alg)) = (raw.get("kid").and_then(Value::as_str), raw.get("alg").and_then(Value::as_str))
        else {
            continue;
        };
        let Ok(algorithm) = Algorithm::from_str(alg) else { continue };
        if algorithm.family() == AlgorithmFamily::Hmac {
            continue;
        }
        let Ok(jwk) = serde_json::from_value::<Jwk>(raw.clone()) else { continue };
        let Ok(key) = DecodingKey::from_jwk(&jwk) else { continue };
        keys.insert(kid.to_string(), Arc::new(VerifyKey { key, algorithm }));
    }
    keys
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use serde_json::json;

    use super::*;

    const LIMIT: Duration = Duration::from_secs(30);

    /// A fetch that counts itself and answers `set` after a moment, so callers overlap.
    async fn counted(count: &AtomicU32, set: Value) -> Result<Value> {
        count.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(10)).await;
        Ok(set)
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_set_holds_the_limit_for_concurrent_and_later_callers() {
        let cache = KeyCache::new(LIMIT);
        let count = AtomicU32::new(0);
        let empty = json!({ "keys": [] });
        let kids: Vec<String> = (0..100).map(|i| format!("kid-{i}")).collect();
        let found =
            futures_util::future::join_all(kids.iter().map(|kid| cache.find(kid, || counted(&count, empty.clone()))))
                .await;
        assert!(found.iter().all(|f| matches!(f, Ok(None))));
        assert_eq!(count.load(Ordering::SeqCst), 1, "concurrent callers share one fetch");
        tokio::time::advance(LIMIT - Duration::from_secs(1)).await;
        assert!(matches!(cache.find("another", || counted(&count, empty.clone())).await, Ok(None)));
        assert_eq!(count.load(Ordering::SeqCst), 1);
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(matches!(cache.find("another", || counted(&count, empty.clone())).await, Ok(None)));
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_or_abandoned_fetch_holds_the_next_one_back_with_an_error() {
        let cache = KeyCache::new(LIMIT);
        let count = AtomicU32::new(0);
        let failing = || async {
            count.fetch_add(1, Ordering::SeqCst);
            Err(Error::from_status(crate::VendorDetail::new(Vendor::Descope).status(503)))
        };
        assert_eq!(cache.find("k", failing).await.err().map(|e| e.status()), Some(Some(503)));
        let again = cache.find("k", failing).await.err();
        assert_eq!(again.map(|e| (e.code(), e.status())), Some(("http_status", Some(503))));
        assert_eq!(count.load(Ordering::SeqCst), 1);

        // A caller that gives up while its fetch is under way.
        tokio::time::advance(LIMIT).await;
        let hanging = || async {
            count.fetch_add(1, Ordering::SeqCst);
            std::future::pending::<Result<Value>>().await
        };
        assert!(tokio::time::timeout(Duration::from_secs(1), cache.find("k", hanging)).await.is_err());
        let held = cache.find("k", || counted(&count, json!({ "keys": [] }))).await.err();
        assert_eq!(held.map(|e| e.code()), Some("transport"));
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }
}
