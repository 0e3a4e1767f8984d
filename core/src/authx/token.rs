//! The Manage API access token (docs/vendors/authx.md, "Access Token" and "Access token
//! lifecycle") and its cache.
//!
//! Every AuthX call but AccessToken carries `Authorization: Bearer <access_token>`. Tokens live
//! `expires_in` seconds (about 14 days in the vendor's sample). The cache hands out one token to
//! every caller and fetches a new one, by a single request however many callers wait:
//! - shortly before `expires_in` runs out (see [`renew_at`]);
//! - when a call was refused with 401 (the server ended the token early): callers that saw the
//!   same token refused share one renewal.
//!
//! A failed fetch is handed to every caller that was already waiting for it, so a token
//! endpoint that is down sees one request per wave of callers, not one per caller.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::transport::Response;
use crate::{Error, Result, Secret, Vendor};

/// An AuthX access token and what AuthX said about it. `Debug` never shows the token.
#[derive(Debug, Clone)]
pub struct AccessToken {
    /// `access_token`.
    pub access_token: Secret,
    /// `token_type`: `bearer`.
    pub token_type: String,
    /// `expires_in`: how long the token lives from when it was issued.
    pub expires_in: Duration,
    /// `CompanyId`: the portal company's account id (an integer in the vendor's table, a string
    /// in its sample; kept as text).
    pub company_id: Option<String>,
    /// `.issued`, as AuthX wrote it (an RFC 1123 date).
    pub issued: Option<String>,
    /// `.expires`, as AuthX wrote it (an RFC 1123 date).
    pub expires: Option<String>,
}

/// The vendor documents `expires_in` as a string and shows a number; `CompanyId` the other way
/// round. Both spellings are accepted.
#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(u64),
    Text(String),
}

impl NumberOrText {
    fn text(self) -> String {
        match self {
            NumberOrText::Number(n) => n.to_string(),
            NumberOrText::Text(t) => t,
        }
    }
}

/// The OWIN token response (docs/vendors/authx.md, "Access Token").
#[derive(Deserialize)]
struct TokenDto {
    access_token: Secret,
    #[serde(default)]
    token_type: Option<String>,
    expires_in: NumberOrText,
    #[serde(rename = "CompanyId", default)]
    company_id: Option<NumberOrText>,
    #[serde(rename = ".issued", default)]
    issued: Option<String>,
    #[serde(rename = ".expires", default)]
    expires: Option<String>,
}

impl AccessToken {
    /// Reads a 200 answer of AccessToken. Decoding errors never quote the body: it holds the
    /// token.
    pub(crate) fn from_response(response: &Response) -> Result<Self> {
        let decode = |message: &str| Error::Decode { vendor: Vendor::AuthX, message: message.into() };
        let dto: TokenDto = serde_json::from_slice(&response.body)
            .map_err(|_| decode("AccessToken answer is not {access_token, token_type, expires_in, …}"))?;
        if dto.access_token.is_empty() {
            return Err(decode("AccessToken answer has an empty access_token"));
        }
        let token_type = dto.token_type.unwrap_or_else(|| "bearer".into());
        if !token_type.eq_ignore_ascii_case("bearer") {
            return Err(decode("AccessToken answer's token_type is not bearer"));
        }
        let expires_in = dto
            .expires_in
            .text()
            .trim()
            .parse::<u64>()
            .map_err(|_| decode("AccessToken answer's expires_in is not a number of seconds"))?;
        Ok(AccessToken {
            access_token: dto.access_token,
            token_type,
            expires_in: Duration::from_secs(expires_in),
            company_id: dto.company_id.map(NumberOrText::text),
            issued: dto.issued,
            expires: dto.expires,
        })
    }
}

/// When a token fetched at `fetched` is renewed: `margin` before it expires, but never later
/// than half-way through its life, so a short-lived token is still renewed ahead of time.
pub(crate) fn renew_at(fetched: Instant, expires_in: Duration, margin: Duration) -> Instant {
    fetched + expires_in.saturating_sub(margin.min(expires_in / 2))
}

/// A token handed to a caller, with the generation that identifies it to [`TokenCache::renew`].
#[derive(Debug, Clone)]
pub(crate) struct Lease {
    pub token: AccessToken,
    pub generation: u64,
}

struct Cached {
    token: AccessToken,
    renew_at: Instant,
    generation: u64,
}

#[derive(Default)]
struct State {
    current: Option<Cached>,
    generations: u64,
    /// The last failed fetch and its number in `TokenCache::fetches`.
    last_failure: Option<(u64, Error)>,
}

/// The single-flight token cache of one client.
pub(crate) struct TokenCache {
    margin: Duration,
    /// Fetches finished so far; read before waiting for the lock, so a caller can tell a
    /// failure it waited for from an older one.
    fetches: AtomicU64,
    state: Mutex<State>,
}

impl TokenCache {
    pub(crate) fn new(margin: Duration) -> Self {
        Self { margin, fetches: AtomicU64::new(0), state: Mutex::new(State::default()) }
    }

    /// The current token, fetched with `fetch` when there is none or it is due for renewal.
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<Lease>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken>>,
    {
        let seen = self.fetches.load(Ordering::SeqCst);
        let mut state = self.state.lock().await;
        if let Some(cached) = state.current.as_ref().filter(|c| Instant::now() < c.renew_at) {
            return Ok(Lease { token: cached.token.clone(), generation: cached.generation });
        }
        self.fetch_locked(&mut state, seen, fetch).await
    }

    /// A new token after the one of `rejected` generation was refused with 401. Callers whose
    /// token was already replaced get the replacement without a new request.
    pub(crate) async fn renew<F, Fut>(&self, rejected: u64, fetch: F) -> Result<Lease>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken>>,
    {
        let seen = self.fetches.load(Ordering::SeqCst);
        let mut state = self.state.lock().await;
        if let Some(cached) = state.current.as_ref().filter(|c| c.generation != rejected) {
            return Ok(Lease { token: cached.token.clone(), generation: cached.generation });
        }
        state.current = None;
        self.fetch_locked(&mut state, seen, fetch).await
    }

    async fn fetch_locked<F, Fut>(&self, state: &mut State, seen: u64, fetch: F) -> Result<Lease>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken>>,
    {
        if let Some((number, error)) = &state.last_failure {
            if *number > seen {
                return Err(error.duplicate());
            }
        }
        let started = Instant::now();
        let outcome = fetch().await;
        let number = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        match outcome {
            Ok(token) => {
                state.generations += 1;
                let renew_at = renew_at(started, token.expires_in, self.margin);
                tracing::debug!(expires_in = token.expires_in.as_secs(), "authx access token renewed");
                state.current = Some(Cached { token: token.clone(), renew_at, generation: state.generations });
                state.last_failure = None;
                Ok(Lease { token, generation: state.generations })
            }
            Err(error) => {
                tracing::debug!(code = error.code(), "authx access token request failed");
                state.last_failure = Some((number, error.duplicate()));
                Err(error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn token(value: &str, secs: u64) -> AccessToken {
        AccessToken {
            access_token: Secret::new(value),
            token_type: "bearer".into(),
            expires_in: Duration::from_secs(secs),
            company_id: None,
            issued: None,
            expires: None,
        }
    }

    #[test]
    fn renews_margin_early_but_not_before_half_life() {
        let now = Instant::now();
        let day = Duration::from_secs(86_400);
        assert_eq!(renew_at(now, day, Duration::from_secs(300)), now + day - Duration::from_secs(300));
        assert_eq!(renew_at(now, Duration::from_secs(10), Duration::from_secs(300)), now + Duration::from_secs(5));
        assert_eq!(renew_at(now, Duration::ZERO, Duration::from_secs(300)), now);
    }

    #[tokio::test(start_paused = true)]
    async fn caches_until_due_then_renews() {
        let cache = TokenCache::new(Duration::from_secs(60));
        let calls = AtomicU64::new(0);
        let fetch = || async {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            Ok(token(&format!("t{n}"), 600))
        };
        assert_eq!(cache.get(fetch).await.unwrap().token.access_token.expose(), "t0");
        assert_eq!(cache.get(fetch).await.unwrap().token.access_token.expose(), "t0");
        tokio::time::advance(Duration::from_secs(541)).await;
        assert_eq!(cache.get(fetch).await.unwrap().token.access_token.expose(), "t1");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_fetch_and_one_failure() {
        let cache = Arc::new(TokenCache::new(Duration::from_secs(60)));
        let calls = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let (cache, calls) = (cache.clone(), calls.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get(|| async {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Err::<AccessToken, _>(Error::Connect { vendor: Vendor::AuthX, message: "down".into() })
                    })
                    .await
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap_err().code(), "connect");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // A later caller does not inherit the old failure.
        let lease = cache.get(|| async { Ok(token("fresh", 600)) }).await.unwrap();
        assert_eq!(lease.token.access_token.expose(), "fresh");
    }

    #[tokio::test]
    async fn renewal_after_401_happens_once_per_rejected_token() {
        let cache = TokenCache::new(Duration::from_secs(60));
        let first = cache.get(|| async { Ok(token("a", 600)) }).await.unwrap();
        let renewed = cache.renew(first.generation, || async { Ok(token("b", 600)) }).await.unwrap();
        assert_eq!(renewed.token.access_token.expose(), "b");
        // A second caller that also saw "a" refused gets "b" without a fetch.
        let again = cache.renew(first.generation, || async { panic!("must not fetch") }).await.unwrap();
        assert_eq!(again.token.access_token.expose(), "b");
    }
}
