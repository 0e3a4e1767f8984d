//! The embedded receiver's hardening options (core's `nopass::ReceiverOptions`): timeouts, the
//! connection cap, the stop grace, and TLS or mutual TLS. The portal's callbacks carry no
//! authentication, so a receiver reachable from a network serves HTTPS, and with a client CA
//! the NoPass server's certificate is what `ab_portal_config_require_client_certificate`
//! asks for. Every rule is core's; this file only converts.

#![cfg(all(feature = "nopass", feature = "server"))]

use std::ffi::c_char;
use std::time::Duration;

use authbridge::nopass::{ReceiverOptions, ServerTls};
use authbridge::Error;

use crate::args::{handle, opt_string, out, string};
use crate::boundary::ffi_status;
use crate::handles::{Handle, Settings};
use crate::nopass::{ab_portal, ab_portal_server};
use crate::runtime::block_on;
use crate::status::ab_status;

/// How the embedded receiver serves: timeouts, connection cap, stop grace, and TLS (plain HTTP
/// until `ab_receiver_options_set_tls`). Taken (copied) by
/// `ab_portal_server_start_with_options`, so one handle can start several servers and be freed
/// right after.
///
/// Thread-safe (setters lock the handle).
pub struct ab_receiver_options {
    inner: Settings<ReceiverSettings>,
}

impl Handle for ab_receiver_options {}

struct ReceiverSettings {
    options: ReceiverOptions,
    /// Kept so that a certificate set after the client CA keeps requiring client certificates.
    client_ca_pem: Option<Vec<u8>>,
}

/// Creates receiver options with core's defaults: 10 000 ms to send a request head (and, with
/// TLS, to finish the handshake), 20 000 ms to send a body, idle connections closed after
/// 5 000 ms, at most 512 connections at once, 10 000 ms for callbacks in flight to finish when
/// the server stops, and plain HTTP. Free with `ab_receiver_options_free`.
#[no_mangle]
pub unsafe extern "C" fn ab_receiver_options_new(out_options: *mut *mut ab_receiver_options) -> ab_status {
    ffi_status(|| {
        let out_options = out(out_options, "out_options")?;
        let settings = ReceiverSettings { options: ReceiverOptions::default(), client_ca_pem: None };
        out_options.write(ab_receiver_options { inner: Settings::new(settings) }.into_c());
        Ok(())
    })
}

/// Serves HTTPS with this certificate chain (PEM: the server's certificate first, then any
/// intermediates) and its private key (PEM: PKCS#8, PKCS#1 or SEC1). The strings are copied.
/// `AB_STATUS_CONFIG` if either is unusable or the key is not the certificate's; the last
/// error never quotes the key. Replaces an earlier certificate; a client CA set with
/// `ab_receiver_options_require_client_certificates` stays required.
#[no_mangle]
pub unsafe extern "C" fn ab_receiver_options_set_tls(
    options: *const ab_receiver_options,
    cert_chain_pem: *const c_char,
    key_pem: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; C strings or NULL.
        let options = unsafe { handle(options, "options") }?;
        let cert_chain_pem = unsafe { string(cert_chain_pem, "cert_chain_pem") }?;
        let key_pem = unsafe { string(key_pem, "key_pem") }?;
        let tls = ServerTls::from_pem(cert_chain_pem.as_bytes(), key_pem.as_bytes())?;
        options.inner.change(|s| {
            let tls = match &s.client_ca_pem {
                Some(ca) => tls.require_client_certificates(ca)?,
                None => tls,
            };
            s.options.tls = Some(tls);
            Ok(())
        })
    })
}

/// Mutual TLS: every caller must present a certificate issued by one of the CAs in
/// `client_ca_pem` (one or more PEM certificates); a caller without one, or with one from
/// another CA, fails the TLS handshake before any request is read. Requests of the callers
/// that pass are what `ab_portal_config_require_client_certificate` admits. Needs
/// `ab_receiver_options_set_tls` first (`AB_STATUS_CONFIG` otherwise, and for an unusable
/// bundle). Replaces an earlier client CA bundle.
#[no_mangle]
pub unsafe extern "C" fn ab_receiver_options_require_client_certificates(
    options: *const ab_receiver_options,
    client_ca_pem: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL; a C string or NULL.
        let options = unsafe { handle(options, "options") }?;
        let client_ca_pem = unsafe { string(client_ca_pem, "client_ca_pem") }?.as_bytes();
        options.inner.change(|s| {
            let tls = s.options.tls.clone().ok_or_else(|| {
                Error::Config(
                    "client certificates need TLS: call ab_receiver_options_set_tls before \
                     ab_receiver_options_require_client_certificates"
                        .into(),
                )
            })?;
            s.options.tls = Some(tls.require_client_certificates(client_ca_pem)?);
            s.client_ca_pem = Some(client_ca_pem.to_vec());
            Ok(())
        })
    })
}

/// How long a caller has to send a whole request head, in milliseconds, counted from the moment
/// the connection is ready for a request (accepted, or done with its previous answer); with TLS
/// the handshake gets this long as well. On expiry the connection is closed without an answer.
/// Zero is refused by `ab_portal_server_start_with_options` (`AB_STATUS_CONFIG`).
#[no_mangle]
pub unsafe extern "C" fn ab_receiver_options_set_header_read_timeout(
    options: *const ab_receiver_options,
    timeout_ms: u64,
) -> ab_status {
    // SAFETY: forwarded contract: a live handle or NULL.
    unsafe { set(options, |o| o.header_read_timeout = Duration::from_millis(timeout_ms)) }
}

/// How long a caller has to send a whole request body, in milliseconds, counted from the end of
/// its head; on expiry the connection is closed without an answer. Zero is refused when the
/// server starts.
#[no_mangle]
pub unsafe extern "C" fn ab_receiver_options_set_body_read_timeout(
    options: *const ab_receiver_options,
    timeout_ms: u64,
) -> ab_status {
    // SAFETY: forwarded contract: a live handle or NULL.
    unsafe { set(options, |o| o.body_read_timeout = Duration::from_millis(timeout_ms)) }
}

/// A connection with no request in progress on which nothing has moved for this many
/// milliseconds is closed (a kept-alive connection between callbacks, or one opened and never
/// used). Zero is refused when the server starts.
#[no_mangle]
pub unsafe extern "C" fn ab_receiver_options_set_idle_timeout(
    options: *const ab_receiver_options,
    timeout_ms: u64,
) -> ab_status {
    // SAFETY: forwarded contract: a live handle or NULL.
    unsafe { set(options, |o| o.idle_timeout = Duration::from_millis(timeout_ms)) }
}

/// At most this many connections are served at once; further ones wait in the listen backlog
/// until one ends. Keep it below the process's open-file limit. Zero is refused when the server
/// starts.
#[no_mangle]
pub unsafe extern "C" fn ab_receiver_options_set_max_connections(
    options: *const ab_receiver_options,
    max_connections: usize,
) -> ab_status {
    // SAFETY: forwarded contract: a live handle or NULL.
    unsafe { set(options, |o| o.max_connections = max_connections) }
}

/// How long `ab_portal_server_free` lets callbacks in flight finish (their hooks run and their
/// changes are committed) before it closes their connections, in milliseconds.
#[no_mangle]
pub unsafe extern "C" fn ab_receiver_options_set_shutdown_grace(
    options: *const ab_receiver_options,
    grace_ms: u64,
) -> ab_status {
    // SAFETY: forwarded contract: a live handle or NULL.
    unsafe { set(options, |o| o.shutdown_grace = Duration::from_millis(grace_ms)) }
}

/// Serves the process's metrics (`ab_metrics_prometheus`) to GET at this exact path, e.g.
/// `"/metrics"`; `NULL` turns the page off again (the default: the path is answered as any
/// unknown path). The page holds counts only, but is served to whoever reaches the server,
/// without the portal's access policy. A path that is not absolute, or is a callback's path,
/// is refused when the server starts.
#[no_mangle]
pub unsafe extern "C" fn ab_receiver_options_set_metrics_path(
    options: *const ab_receiver_options,
    path_or_null: *const c_char,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL, and a string or NULL, per the caller.
        let (options, path) = unsafe { (handle(options, "options")?, opt_string(path_or_null, "path_or_null")?) };
        options.inner.change(|s| {
            s.options.metrics_path = path.map(str::to_string);
            Ok(())
        })
    })
}

/// The body of the plain setters.
///
/// # Safety
/// `options` is NULL or a live handle.
unsafe fn set(options: *const ab_receiver_options, f: impl FnOnce(&mut ReceiverOptions)) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL, per the caller.
        let options = unsafe { handle(options, "options") }?;
        options.inner.change(|s| {
            f(&mut s.options);
            Ok(())
        })
    })
}

/// Frees receiver options. `NULL` does nothing.
#[no_mangle]
pub unsafe extern "C" fn ab_receiver_options_free(options: *mut ab_receiver_options) {
    // SAFETY: created by `ab_receiver_options_new`, freed once.
    unsafe { ab_receiver_options::free(options) }
}

/// `ab_portal_server_start` with `options` (copied): timeouts, connection cap, stop grace and
/// TLS. With TLS the server's URL is `https://…`; give the NoPass server the name the
/// certificate is for. `AB_STATUS_CONFIG` for options that would refuse every callback (a
/// zero timeout or cap). Stop and free it with `ab_portal_server_free`.
#[no_mangle]
pub unsafe extern "C" fn ab_portal_server_start_with_options(
    portal: *const ab_portal,
    listen_addr: *const c_char,
    options: *const ab_receiver_options,
    out_server: *mut *mut ab_portal_server,
) -> ab_status {
    ffi_status(|| {
        // SAFETY: live handles or NULL; a C string or NULL.
        let portal = unsafe { handle(portal, "portal") }?;
        let addr = unsafe { string(listen_addr, "listen_addr") }?;
        let options = unsafe { handle(options, "options") }?;
        let out_server = out(out_server, "out_server")?;
        let addr = crate::nopass::parse_listen_addr(addr)?;
        let inner = block_on(authbridge::nopass::EmbeddedServer::start_with(
            portal.inner.clone(),
            addr,
            options.inner.change(|s| s.options.clone()),
        ))??;
        out_server.write(ab_portal_server { inner }.into_c());
        Ok(())
    })
}
