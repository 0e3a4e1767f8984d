//! Core's embedded HTTP server for a portal, for hosts with no web stack (feature `server`).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use authbridge::nopass;
use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;

use super::portal::Portal;
use crate::error::check;
use crate::runtime::promise;

/// Core's embedded HTTP server serving a portal.
#[napi]
pub struct PortalServer {
    url: String,
    inner: Arc<tokio::sync::Mutex<Option<nopass::EmbeddedServer>>>,
}

#[napi]
impl PortalServer {
    /// `http://host:port` (the mount path is not included).
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Stops the server and resolves once it has stopped.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn stop<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        let inner = self.inner.clone();
        promise(
            env,
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
    /// `host` (default 127.0.0.1) and `port` (default: a free one).
    #[napi(catch_unwind, ts_return_type = "Promise<PortalServer>")]
    pub fn serve<'env>(
        &self,
        env: &'env Env,
        host: Option<String>,
        port: Option<u16>,
    ) -> napi::Result<PromiseRaw<'env, PortalServer>> {
        let host = host.unwrap_or_else(|| "127.0.0.1".into());
        let Ok(ip) = host.parse::<IpAddr>() else {
            return check(env, Err(authbridge::Error::invalid("host", "must be an IP address")));
        };
        let portal = self.inner.clone();
        promise(
            env,
            async move { nopass::EmbeddedServer::start(portal, SocketAddr::new(ip, port.unwrap_or(0))).await },
            |_, server| Ok(PortalServer { url: server.url(), inner: Arc::new(tokio::sync::Mutex::new(Some(server))) }),
        )
    }
}
