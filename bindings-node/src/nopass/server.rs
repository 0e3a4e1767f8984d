//! Core's embedded HTTP server for a portal, for hosts with no web stack (feature `server`),
//! with its receiver options (timeouts, connection cap, stop grace, TLS or mutual TLS, the
//! metrics page). Every check is core's: unusable PEM, limits that would refuse every callback
//! and a bad metrics path reject with code `config`, and the message never quotes the key.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use authbridge::nopass::{self, ReceiverOptions, ServerTls};
use napi::bindgen_prelude::{Buffer, Either, Object, PromiseRaw};
use napi::Env;
use napi_derive::napi;

use super::portal::Portal;
use crate::runtime::promise;

/// HTTPS for the embedded server. PEM may be a string or a `Buffer` (as `fs.readFileSync`
/// gives it).
#[napi(object)]
pub struct PortalServeTls {
    /// The certificate chain: the server's certificate first, then any intermediates.
    pub cert_pem: Either<String, Buffer>,
    /// The certificate's private key (PKCS#8, PKCS#1 or SEC1).
    pub key_pem: Either<String, Buffer>,
    /// Mutual TLS: one or more CA certificates. A caller without a certificate issued by one
    /// of them fails the TLS handshake, and the callers that pass are what
    /// `access.requireClientCertificate` admits.
    pub client_ca_pem: Option<Either<String, Buffer>>,
}

/// How `portal.serve()` listens. Limits left out keep core's defaults; a zero one is refused
/// (code `config`).
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct PortalServeOptions<'env> {
    /// An IP address (default `127.0.0.1`).
    pub host: Option<String>,
    /// Default 0: a free port.
    pub port: Option<u16>,
    /// Serve HTTPS (default: plain HTTP, for a receiver behind a TLS-terminating proxy).
    pub tls: Option<PortalServeTls>,
    /// How long a caller has to send a request head, and with TLS to finish the handshake, in
    /// ms (default 10 000). A connection that does not is closed without an answer.
    pub header_read_timeout_ms: Option<u32>,
    /// How long a caller has to send the body after the head, in ms (default 20 000).
    pub body_read_timeout_ms: Option<u32>,
    /// A connection with no request in progress is closed after this long, in ms (default
    /// 5 000).
    pub idle_timeout_ms: Option<u32>,
    /// At most this many connections are served at once (default 512); further ones wait.
    pub max_connections: Option<u32>,
    /// How long `stop()` lets callbacks in flight finish, in ms (default 10 000).
    pub shutdown_grace_ms: Option<u32>,
    /// Serve `metricsPrometheus()` to GET at this path, e.g. `'/metrics'` (default: no such
    /// page). It is served to whoever reaches the server, without the portal's access policy.
    pub metrics_path: Option<String>,
    /// Cancels the start: its Promise rejects with code `cancelled`, as every call's does.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Object<'env>>,
}

fn pem(value: Either<String, Buffer>) -> Vec<u8> {
    match value {
        Either::A(text) => text.into_bytes(),
        Either::B(buffer) => buffer.to_vec(),
    }
}

fn server_tls(tls: PortalServeTls) -> authbridge::Result<ServerTls> {
    let server = ServerTls::from_pem(&pem(tls.cert_pem), &pem(tls.key_pem))?;
    match tls.client_ca_pem {
        Some(ca) => server.require_client_certificates(&pem(ca)),
        None => Ok(server),
    }
}

/// Where to listen and core's `ReceiverOptions` for `options`.
fn listen(options: PortalServeOptions) -> authbridge::Result<(SocketAddr, ReceiverOptions)> {
    let host = options.host.as_deref().unwrap_or("127.0.0.1");
    let ip = host.parse::<IpAddr>().map_err(|_| authbridge::Error::invalid("host", "must be an IP address"))?;
    let ms = |value: u32| Duration::from_millis(u64::from(value));
    let mut receiver = ReceiverOptions::default();
    if let Some(value) = options.header_read_timeout_ms {
        receiver = receiver.header_read_timeout(ms(value));
    }
    if let Some(value) = options.body_read_timeout_ms {
        receiver = receiver.body_read_timeout(ms(value));
    }
    if let Some(value) = options.idle_timeout_ms {
        receiver = receiver.idle_timeout(ms(value));
    }
    if let Some(value) = options.max_connections {
        receiver = receiver.max_connections(value as usize);
    }
    if let Some(value) = options.shutdown_grace_ms {
        receiver = receiver.shutdown_grace(ms(value));
    }
    if let Some(tls) = options.tls {
        receiver = receiver.tls(server_tls(tls)?);
    }
    receiver = receiver.metrics_path(options.metrics_path);
    Ok((SocketAddr::new(ip, options.port.unwrap_or(0)), receiver))
}

/// Core's embedded HTTP server serving a portal.
#[napi]
pub struct PortalServer {
    url: String,
    inner: Arc<tokio::sync::Mutex<Option<nopass::EmbeddedServer>>>,
}

#[napi]
impl PortalServer {
    /// `http://host:port`, or `https://host:port` with TLS (the mount path is not included).
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Stops accepting, lets callbacks in flight finish within `shutdownGraceMs`, closes the
    /// rest and resolves once all connections are closed.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn stop<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        let inner = self.inner.clone();
        promise(
            env,
            None,
            async move {
                if let Some(server) = inner.lock().await.take() {
                    server.stop().await;
                }
                Ok(())
            },
            |_, ()| Ok(()),
        )
    }
}

#[napi]
impl Portal {
    /// Serves the portal with core's embedded HTTP server (for hosts with no web stack) on
    /// `options.host` (default 127.0.0.1) and `options.port` (default: a free one), over
    /// HTTPS with `options.tls`, and with mutual TLS when `tls.clientCaPem` is given. Rejects
    /// with code `config` for unusable PEM (the message never quotes the key) or a zero limit.
    #[napi(catch_unwind, ts_return_type = "Promise<PortalServer>")]
    pub fn serve<'env>(
        &self,
        env: &'env Env,
        options: Option<PortalServeOptions>,
    ) -> napi::Result<PromiseRaw<'env, PortalServer>> {
        let portal = self.inner.clone();
        // Read on the JavaScript thread; a refusal rejects the Promise like a failed start.
        let options = options.unwrap_or_default();
        let signal = options.signal;
        let listen = listen(options);
        promise(
            env,
            signal.as_ref(),
            async move {
                let (addr, options) = listen?;
                nopass::EmbeddedServer::start_with(portal, addr, options).await
            },
            |_, server| Ok(PortalServer { url: server.url(), inner: Arc::new(tokio::sync::Mutex::new(Some(server))) }),
        )
    }
}
