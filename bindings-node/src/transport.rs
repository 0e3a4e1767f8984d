//! Transport options shared by every vendor client's constructor.
//!
//! Times are in milliseconds, as everywhere in Node; anything left out keeps core's default
//! (connect 10 s, request 30 s, 4 MiB answers, 3 attempts with exponential backoff).

use std::time::Duration;

use authbridge::transport::TransportConfig;
use authbridge::SecretBytes;
use napi::bindgen_prelude::{Buffer, Either};

/// How a client talks HTTP.
#[napi_derive::napi(object)]
pub struct TransportOptions {
    /// Time allowed to open a connection (TCP and TLS), in ms.
    pub connect_timeout_ms: Option<u32>,
    /// Time allowed for one whole attempt, in ms.
    pub request_timeout_ms: Option<u32>,
    /// Largest answer accepted, in bytes.
    pub max_response_bytes: Option<u32>,
    /// When and how failed attempts are repeated (only where repeating is safe).
    pub retry: Option<RetryOptions>,
    /// Extra PEM CA certificates to trust besides the system's trust store.
    pub extra_ca_pem: Option<Either<String, Buffer>>,
    /// A PEM client certificate and private key for mutual TLS.
    pub client_identity_pem: Option<Either<String, Buffer>>,
    /// Honour `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` (default true).
    pub use_env_proxy: Option<bool>,
    /// An explicit proxy URL for every request.
    pub proxy: Option<String>,
    /// Appended to the `User-Agent` after `authbridge/<version>`.
    pub user_agent_suffix: Option<String>,
}

/// Retry bounds. Which failures may be retried at all is decided by core per request.
#[napi_derive::napi(object)]
pub struct RetryOptions {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: Option<u32>,
    /// Backoff before the second attempt, in ms; doubles each time, with full jitter.
    pub base_delay_ms: Option<u32>,
    /// Upper bound of one backoff pause, in ms.
    pub max_delay_ms: Option<u32>,
    /// The longest `Retry-After` honoured by waiting, in ms.
    pub max_retry_after_ms: Option<u32>,
}

fn bytes(value: Either<String, Buffer>) -> Vec<u8> {
    match value {
        Either::A(text) => text.into_bytes(),
        Either::B(buffer) => buffer.to_vec(),
    }
}

fn ms(value: u32) -> Duration {
    Duration::from_millis(u64::from(value))
}

/// Core's transport configuration for `options` (core's defaults where absent).
pub(crate) fn config(options: Option<TransportOptions>) -> TransportConfig {
    let mut config = TransportConfig::default();
    let Some(options) = options else {
        return config;
    };
    if let Some(value) = options.connect_timeout_ms {
        config.connect_timeout = ms(value);
    }
    if let Some(value) = options.request_timeout_ms {
        config.request_timeout = ms(value);
    }
    if let Some(value) = options.max_response_bytes {
        config.max_response_bytes = u64::from(value);
    }
    if let Some(retry) = options.retry {
        if let Some(value) = retry.max_attempts {
            config.retry.max_attempts = value;
        }
        if let Some(value) = retry.base_delay_ms {
            config.retry.base_delay = ms(value);
        }
        if let Some(value) = retry.max_delay_ms {
            config.retry.max_delay = ms(value);
        }
        if let Some(value) = retry.max_retry_after_ms {
            config.retry.max_retry_after = ms(value);
        }
    }
    config.extra_ca_pem = options.extra_ca_pem.map(bytes);
    config.client_identity_pem = options.client_identity_pem.map(|pem| SecretBytes::new(bytes(pem)));
    if let Some(value) = options.use_env_proxy {
        config.use_env_proxy = value;
    }
    config.proxy = options.proxy;
    config.user_agent_suffix = options.user_agent_suffix;
    config
}
