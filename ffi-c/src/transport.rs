//! `ab_transport_config`: timeouts, retries, TLS and proxy settings for any vendor client.

use std::ffi::c_char;
use std::time::Duration;

use authbridge::transport::{RetryPolicy, TransportConfig};
use authbridge::SecretBytes;

use crate::args::{bytes, handle, opt_string, out};
use crate::boundary::ffi_status;
use crate::handles::{Handle, Settings};
use crate::status::ab_status;

/// Transport settings, applied to a vendor configuration with its `*_config_set_transport`
/// function (which copies them: the handle can be freed or reused afterwards). Starts with the
/// library's defaults: 10 s connect timeout, 30 s per attempt, 4 MiB answers, 3 attempts for
/// retry-safe requests, proxies from the environment.
///
/// Thread-safe: setters lock the handle, so it may be shared, though one thread usually builds it.
pub struct ab_transport_config {
    pub(crate) inner: Settings<TransportConfig>,
}

impl Handle for ab_transport_config {}

/// Creates transport settings with the defaults, written to `*out_config`.
#[no_mangle]
pub unsafe extern "C" fn ab_transport_config_new(out_config: *mut *mut ab_transport_config) -> ab_status {
    ffi_status(|| {
        let out_config = out(out_config, "out_config")?;
        let config = ab_transport_config { inner: Settings::new(TransportConfig::default()) };
        out_config.write(config.into_c());
        Ok(())
    })
}

/// Sets the time allowed to open a connection and the time allowed for one whole attempt.
#[no_mangle]
pub unsafe extern "C" fn ab_transport_config_set_timeouts(
    config: *const ab_transport_config,
    connect_timeout_ms: u64,
    request_timeout_ms: u64,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let config = unsafe { handle(config, "config") }?;
        config.inner.change(|c| {
            c.connect_timeout = Duration::from_millis(connect_timeout_ms);
            c.request_timeout = Duration::from_millis(request_timeout_ms);
        });
        Ok(())
    })
}

/// Sets the largest answer accepted, in bytes.
#[no_mangle]
pub unsafe extern "C" fn ab_transport_config_set_max_response_bytes(
    config: *const ab_transport_config,
    max_response_bytes: u64,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let config = unsafe { handle(config, "config") }?;
        config.inner.change(|c| c.max_response_bytes = max_response_bytes);
        Ok(())
    })
}

/// Sets the retry policy: attempts in all (1 disables retries), the first backoff (doubling,
/// with full jitter), the longest backoff, and the longest `Retry-After` honoured by waiting.
/// Which requests may be retried at all is decided by the library, never by this setting.
#[no_mangle]
pub unsafe extern "C" fn ab_transport_config_set_retry(
    config: *const ab_transport_config,
    max_attempts: u32,
    base_delay_ms: u64,
    max_delay_ms: u64,
    max_retry_after_ms: u64,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let config = unsafe { handle(config, "config") }?;
        config.inner.change(|c| {
            c.retry = RetryPolicy {
                max_attempts,
                base_delay: Duration::from_millis(base_delay_ms),
                max_delay: Duration::from_millis(max_delay_ms),
                max_retry_after: Duration::from_millis(max_retry_after_ms),
            }
        });
        Ok(())
    })
}

/// Trusts extra PEM CA certificates (a private PKI) besides the system's trust store (or,
/// where the system has none, the roots bundled with the library).
#[no_mangle]
pub unsafe extern "C" fn ab_transport_config_set_extra_ca_pem(
    config: *const ab_transport_config,
    pem: *const u8,
    pem_len: usize,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; `pem_len` readable bytes.
        let config = unsafe { handle(config, "config") }?;
        let pem = unsafe { bytes(pem, pem_len, "pem") }?.to_vec();
        config.inner.change(|c| c.extra_ca_pem = Some(pem));
        Ok(())
    })
}

/// Uses a PEM client certificate and private key for mutual TLS.
#[no_mangle]
pub unsafe extern "C" fn ab_transport_config_set_client_identity_pem(
    config: *const ab_transport_config,
    pem: *const u8,
    pem_len: usize,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; `pem_len` readable bytes.
        let config = unsafe { handle(config, "config") }?;
        let pem = SecretBytes::new(unsafe { bytes(pem, pem_len, "pem") }?);
        config.inner.change(|c| c.client_identity_pem = Some(pem));
        Ok(())
    })
}

/// Sends every request through `proxy_or_null` (a URL); NULL removes an explicit proxy.
#[no_mangle]
pub unsafe extern "C" fn ab_transport_config_set_proxy(
    config: *const ab_transport_config,
    proxy_or_null: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let config = unsafe { handle(config, "config") }?;
        let proxy = unsafe { opt_string(proxy_or_null, "proxy_or_null") }?.map(str::to_string);
        config.inner.change(|c| c.proxy = proxy);
        Ok(())
    })
}

/// Whether to honour `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` (default true).
#[no_mangle]
pub unsafe extern "C" fn ab_transport_config_set_use_env_proxy(
    config: *const ab_transport_config,
    use_env_proxy: bool,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL.
        let config = unsafe { handle(config, "config") }?;
        config.inner.change(|c| c.use_env_proxy = use_env_proxy);
        Ok(())
    })
}

/// Appends `suffix_or_null` (e.g. `"myapp/2.1"`) to the `User-Agent`; NULL removes it.
#[no_mangle]
pub unsafe extern "C" fn ab_transport_config_set_user_agent_suffix(
    config: *const ab_transport_config,
    suffix_or_null: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let config = unsafe { handle(config, "config") }?;
        let suffix = unsafe { opt_string(suffix_or_null, "suffix_or_null") }?.map(str::to_string);
        config.inner.change(|c| c.user_agent_suffix = suffix);
        Ok(())
    })
}

/// Frees transport settings. `NULL` does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_transport_config_free(config: *mut ab_transport_config) {
    // SAFETY: created by `ab_transport_config_new`, freed once.
    unsafe { ab_transport_config::free(config) }
}
