//! The project's public keys (`GET /v2/keys/<ProjectId>`, a JWKS), cached by `kid`.
//!
//! As in Descope's SDKs, the set is fetched on first use and fetched again when a token names
//! a `kid` the cache does not hold (keys rotate). Refetches are single-flight (concurrent
//! validations wait for the one request) and rate-limited: after a fetch, an unknown `kid`
//! causes another only once `min_refresh` has passed, so forged tokens with random `kid`s
//! cannot flood Descope. Each key's algorithm comes from the key (`alg`), never from the token.

use std::collections::HashMap;
use std::future::Future;
use std::str::FromStr;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};
use serde_json::Value;
use tokio::time::Instant;

use crate::Result;

/// One verification key and the algorithm it is for.
pub(super) struct VerifyKey {
    pub key: DecodingKey,
    pub algorithm: Algorithm,
}

pub(super) struct KeyCache {
    keys: RwLock<HashMap<String, Arc<VerifyKey>>>,
    /// When the set was last fetched; the lock also makes refetches single-flight.
    last_fetch: tokio::sync::Mutex<Option<Instant>>,
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
        let cache_empty = self.keys.read().unwrap_or_else(PoisonError::into_inner).is_empty();
        if let Some(at) = *last_fetch {
            if !cache_empty && at.elapsed() < self.min_refresh {
                tracing::debug!(kid, "unknown descope key id; key set fetched too recently to ask again");
                return Ok(None);
            }
        }
        *last_fetch = Some(Instant::now());
        let set = fetch().await?;
        let keys = parse_set(&set);
        tracing::debug!(keys = keys.len(), "descope key set fetched");
        let mut cache = self.keys.write().unwrap_or_else(PoisonError::into_inner);
        *cache = keys;
        Ok(cache.get(kid).cloned())
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
