//! A callback request as any web framework can describe it, and the checks made before its
//! body is read: route (404), method (405), access (401/403), content type (415) and the
//! announced length (413).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use super::config::{AccessPolicy, PortalConfig, SharedSecret};
use super::machine;
use super::record::callback_answered;
use super::response::{PortalResponse, Refusal};
use super::routes::Callback;
use super::shared::Inner;

/// Method, path, headers and the caller's address: everything but the body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestHead {
    /// The HTTP method; only `POST` is served.
    pub method: String,
    /// The request path (a query string is ignored).
    pub path: String,
    /// Header names and values; names are matched without regard to case.
    pub headers: Vec<(String, String)>,
    /// The address of the connection's peer (for [`super::AccessPolicy`]'s source check; behind
    /// a trusted proxy the client's address is taken from `X-Forwarded-For`). A request
    /// without one fails a source check.
    pub peer: Option<IpAddr>,
    /// Set by the embedded receiver when the TLS connection presented a client certificate
    /// verified against its client CA; adapters of other servers leave it false.
    pub client_certificate_verified: bool,
}

impl RequestHead {
    /// A request with this method and path, no headers and no known peer.
    pub fn new(method: impl Into<String>, path: impl Into<String>) -> Self {
        Self { method: method.into(), path: path.into(), ..Self::default() }
    }

    /// Adds a header (repeat for several).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the connection's peer address, which a source check needs.
    pub fn peer(mut self, peer: IpAddr) -> Self {
        self.peer = Some(peer);
        self
    }

    /// From an `http` request head (header values that are not UTF-8 are dropped).
    pub fn from_parts(parts: &http::request::Parts, peer: Option<IpAddr>) -> Self {
        let headers = parts
            .headers
            .iter()
            .filter_map(|(name, value)| Some((name.as_str().to_string(), value.to_str().ok()?.to_string())))
            .collect();
        Self {
            method: parts.method.as_str().to_string(),
            path: parts.uri.path().to_string(),
            headers,
            peer,
            client_certificate_verified: false,
        }
    }

    /// The first value of a header.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.trim().eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Decides everything that can be decided before the body: which callback, and whether
    /// it may be served at all. Gives the callback and the caller's address (as far as it is
    /// known and believed).
    pub(crate) fn admit(&self, config: &PortalConfig) -> Result<(Callback, Option<IpAddr>), Refusal> {
        let callback = Callback::from_path(&config.mount_path, &self.path).ok_or_else(|| {
            Refusal::new(404, "not_found", "no NoPass callback is served at this path (see /api/PortalCommunication/…)")
        })?;
        if !self.method.eq_ignore_ascii_case("POST") {
            return Err(Refusal::new(405, "method_not_allowed", format!("{callback} accepts POST only"))
                .with_header("Allow", "POST"));
        }
        let access = config.access.as_ref().ok_or_else(|| {
            Refusal::new(503, "no_access_policy", "the portal has no access policy and serves no callback")
        })?;
        let client = self.client_address(access);
        check_access(self, access, client)?;
        check_content_type(self.header_value("content-type"))?;
        if let Some(length) = self.header_value("content-length") {
            let length: u64 = length
                .trim()
                .parse()
                .map_err(|_| Refusal::new(400, "invalid_request", "Content-Length is not a number"))?;
            if length > config.max_body_bytes as u64 {
                return Err(too_large(config.max_body_bytes));
            }
        }
        Ok((callback, client))
    }

    /// The caller's address: the peer, or — when the peer is a trusted proxy — the right-most
    /// `X-Forwarded-For` entry that is not a trusted proxy itself. Entries left of that were
    /// written by whoever sent the request and prove nothing. `None` when the peer is unknown
    /// or a trusted proxy's header is malformed.
    pub(crate) fn client_address(&self, access: &AccessPolicy) -> Option<IpAddr> {
        let trusted = |addr: IpAddr| access.trusted_proxies.iter().any(|range| range.contains(addr));
        let mut client = self.peer?;
        if !trusted(client) {
            return Some(client);
        }
        let forwarded = self.headers.iter().filter(|(name, _)| name.trim().eq_ignore_ascii_case("x-forwarded-for"));
        let hops: Vec<&str> = forwarded.flat_map(|(_, value)| value.split(',')).map(str::trim).collect();
        for hop in hops.into_iter().rev() {
            client = parse_hop(hop)?;
            if !trusted(client) {
                break;
            }
        }
        Some(client)
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`192.0.2.1:4711`,
/// `[2001:db8::1]:4711`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(addr) = hop.parse::<IpAddr>() {
        return Some(addr);
    }
    hop.parse::<std::net::SocketAddr>().ok().map(|socket| socket.ip())
}

/// Every check of the access policy (docs/vendors/nopass.md, "Access policy"), before anything
/// is parsed.
fn check_access(head: &RequestHead, access: &AccessPolicy, client: Option<IpAddr>) -> Result<(), Refusal> {
    if !access.allowed_sources.is_empty() {
        let allowed = client.is_some_and(|addr| access.allowed_sources.iter().any(|range| range.contains(addr)));
        if !allowed {
            return Err(Refusal::new(403, "forbidden_source", "callbacks are not accepted from this address"));
        }
    }
    if access.client_certificate && !head.client_certificate_verified {
        return Err(Refusal::new(
            403,
            "client_certificate_required",
            "callbacks need a verified TLS client certificate",
        ));
    }
    let Some(secret) = &access.shared_secret else { return Ok(()) };
    let (header, expected, challenge) = match secret {
        SharedSecret::Bearer(token) => {
            ("authorization", crate::Secret::new(format!("Bearer {}", token.expose())), true)
        }
        SharedSecret::Header { name, value } => (name.as_str(), value.clone(), false),
    };
    let sent = head.header_value(header).unwrap_or_default();
    if !super::digest::same_secret(sent, expected.expose()) {
        let refusal = Refusal::new(401, "unauthorized", "the callback does not carry the portal's shared secret");
        return Err(if challenge { refusal.with_header("WWW-Authenticate", "Bearer") } else { refusal });
    }
    Ok(())
}

/// `application/json`, `application/json-patch+json` (the vendor's type) and `text/json`, with
/// or without a UTF-8 charset; anything else is 415.
fn check_content_type(value: Option<&str>) -> Result<(), Refusal> {
    let unsupported = || {
        Refusal::new(
            415,
            "unsupported_media_type",
            "Content-Type must be application/json, application/json-patch+json or text/json (UTF-8)",
        )
    };
    let value = value.ok_or_else(unsupported)?;
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    if !matches!(media.as_str(), "application/json" | "application/json-patch+json" | "text/json") {
        return Err(unsupported());
    }
    for parameter in parts {
        let (name, value) = parameter.split_once('=').unwrap_or((parameter, ""));
        if name.trim().eq_ignore_ascii_case("charset") {
            let charset = value.trim().trim_matches('"');
            if !charset.eq_ignore_ascii_case("utf-8") && !charset.eq_ignore_ascii_case("utf8") {
                return Err(unsupported());
            }
        }
    }
    Ok(())
}

fn too_large(limit: usize) -> Refusal {
    Refusal::new(413, "body_too_large", format!("the body is larger than this portal accepts ({limit} bytes)"))
        .with_header("Connection", "close")
}

/// A request admitted by [`Portal::begin`](super::Portal::begin), collecting its body chunk by
/// chunk: a body over the limit is refused as soon as it crosses it, never held whole.
pub struct Inbound {
    portal: Arc<Inner>,
    callback: Callback,
    client: Option<IpAddr>,
    body: Vec<u8>,
    limit: usize,
    /// When the request was admitted: the callback's record counts from here.
    started: Instant,
}

impl std::fmt::Debug for Inbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inbound").field("callback", &self.callback).field("received", &self.body.len()).finish()
    }
}

impl Inbound {
    pub(crate) fn new(portal: Arc<Inner>, callback: Callback, client: Option<IpAddr>, limit: usize) -> Self {
        Self { portal, callback, client, body: Vec::new(), limit, started: Instant::now() }
    }

    /// The callback the request was admitted for.
    pub fn callback(&self) -> Callback {
        self.callback
    }

    /// Adds the next piece of the body; `Err` is the 413 to send (stop reading then).
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), PortalResponse> {
        if self.body.len().saturating_add(chunk.len()) > self.limit {
            self.body = Vec::new();
            let refusal = too_large(self.limit);
            callback_answered(self.callback, self.started, refusal.status(), Some(refusal.code()));
            return Err(refusal.into_response());
        }
        self.body.extend_from_slice(chunk);
        Ok(())
    }

    /// Handles the callback with the body received.
    pub async fn finish(self) -> PortalResponse {
        machine::process(&self.portal, self.callback, self.client, &self.body, self.started).await
    }

    /// [`Inbound::finish`], blocking the calling thread on the shared runtime.
    pub fn finish_blocking(self) -> crate::Result<PortalResponse> {
        crate::runtime::block_on(self.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        for ok in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/json-patch+json",
            "text/json; charset=\"UTF-8\"",
            "text/json",
        ] {
            assert!(check_content_type(Some(ok)).is_ok(), "{ok}");
        }
        for bad in ["text/plain", "application/xml", "application/json; charset=latin1", ""] {
            assert_eq!(check_content_type(Some(bad)).unwrap_err().status(), 415, "{bad}");
        }
        assert_eq!(check_content_type(None).unwrap_err().status(), 415);
    }
}
