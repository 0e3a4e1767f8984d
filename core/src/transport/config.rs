//! How a client talks HTTP: timeouts, limits, retries, TLS and proxies.

use std::time::Duration;

use crate::SecretBytes;

/// Transport settings shared by every vendor client. The defaults suit a login flow: a person
/// is waiting, so calls fail fast rather than hang.
#[derive(Debug, Clone)]
pub struct TransportConfig {
    /// Time allowed to open a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Time allowed for one whole attempt, from sending to the last byte of the answer.
    pub request_timeout: Duration,
    /// Largest answer accepted; a larger one fails with `response_too_large` before it is read.
    pub max_response_bytes: u64,
    /// When and how failed attempts are repeated.
    pub retry: RetryPolicy,
    /// Extra PEM CA certificates to trust (a private PKI), besides the operating system's
    /// trust store (or, where the system has none, the Mozilla roots bundled with the library).
    pub extra_ca_pem: Option<Vec<u8>>,
    /// A PEM client certificate and private key for mutual TLS.
    pub client_identity_pem: Option<SecretBytes>,
    /// Honour `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY`.
    pub use_env_proxy: bool,
    /// An explicit proxy URL, used for every request (overrides the environment).
    pub proxy: Option<String>,
    /// Appended to the `User-Agent` after `authbridge/<version>`, e.g. `myapp/2.1`.
    pub user_agent_suffix: Option<String>,
}

impl Default for TransportConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_response_bytes: 4 * 1024 * 1024,
            retry: RetryPolicy::default(),
            extra_ca_pem: None,
            client_identity_pem: None,
            use_env_proxy: true,
            proxy: None,
            user_agent_suffix: None,
        }
    }
}

/// Retry settings. Which failures may be retried at all is decided per request (see
/// [`super::Replay`]); this only bounds how often and how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included. 1 disables retries.
    pub max_attempts: u32,
    /// Backoff before the second attempt; doubles each time, with full jitter.
    pub base_delay: Duration,
    /// Upper bound of one backoff pause.
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured by waiting; a longer one is returned to the caller
    /// as `rate_limited` (or the vendor's error) with the retry-after exposed.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy that never repeats a request.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }
}
