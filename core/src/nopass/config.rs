//! How a portal is set up: its administrator credentials, limits and timings, the response
//! mode, who may call it, and where the NoPass server is.

use std::net::IpAddr;
use std::time::Duration;

use url::Url;

use crate::transport::TransportConfig;
use crate::validate::required_max;
use crate::{Error, Result, Secret};

/// The shape of a successful answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ResponseMode {
    /// The vendor's envelope `{"errors":[],"result":…}` (the default).
    #[default]
    Envelope,
    /// What the public sample portal sends (docs/vendors/nopass.md, "Answer shape"): the
    /// result alone — the object, `true`/`false`, or an empty body where the vendor's result
    /// is a string. Errors keep the envelope in both modes.
    Bare,
}

/// A secret every callback must carry, added by the reverse proxy in front of the portal (the
/// vendor defines none, and the NoPass server sends none). Compared in constant time.
#[derive(Debug, Clone)]
pub enum SharedSecret {
    /// `Authorization: Bearer <secret>`.
    Bearer(Secret),
    /// Any header carrying exactly this value.
    Header {
        /// The header's name, matched without regard to case.
        name: String,
        /// The value the header must carry (at least 16 characters).
        value: Secret,
    },
}

/// An address or a CIDR range (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// 127.0.0.0/8.
    pub const LOOPBACK_V4: IpRange = IpRange { network: IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 0)), prefix: 8 };
    /// ::1.
    pub const LOOPBACK_V6: IpRange = IpRange { network: IpAddr::V6(std::net::Ipv6Addr::LOCALHOST), prefix: 128 };

    /// Reads an address or a CIDR range; an error names the field `ip_range`.
    pub fn parse(text: &str) -> Result<Self> {
        Self::parse_field("ip_range", text)
    }

    /// [`IpRange::parse`], naming `field` in the error (`allowed_sources`, `trusted_proxies`,
    /// or a binding's own spelling of them).
    pub fn parse_field(field: &str, text: &str) -> Result<Self> {
        let invalid = || Error::invalid(field, format!("{text:?} is not an IP address or CIDR range"));
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix.parse::<u8>().map_err(|_| invalid())?)),
            None => (text.trim(), None),
        };
        let network: IpAddr = addr.parse().map_err(|_| invalid())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(invalid());
        }
        Ok(Self { network: canonical(network), prefix })
    }

    /// Whether `addr` lies in the range (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, addr: IpAddr) -> bool {
        match (self.network, canonical(addr)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => masked(u32::from(net).into(), u32::from(ip).into(), self.prefix, 32),
            (IpAddr::V6(net), IpAddr::V6(ip)) => masked(u128::from(net), u128::from(ip), self.prefix, 128),
            _ => false,
        }
    }
}

fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

fn masked(net: u128, ip: u128, prefix: u8, bits: u32) -> bool {
    if prefix == 0 {
        return true;
    }
    let shift = bits - u32::from(prefix);
    (net >> shift) == (ip >> shift)
}

/// Who may call the portal. The NoPass protocol signs nothing (docs/vendors/nopass.md, "Access
/// policy"): without a check
/// here, anyone who reaches the URL can answer for a login whose `authId` they learn. A portal
/// is not built without one ([`PortalConfig::access`]); every check given must pass, and all
/// of them are made before the body is read.
///
/// - [`AccessPolicy::sources`]: only the NoPass server's addresses. Behind a reverse proxy,
///   add it with [`AccessPolicy::trusted_proxies`]: `X-Forwarded-For` is believed only when the
///   peer is one of those, and read from the right, skipping trusted proxies.
/// - [`AccessPolicy::shared_secret`]: a header the reverse proxy adds to what it forwards.
/// - [`AccessPolicy::client_certificate`]: the embedded receiver's TLS verified a client
///   certificate against its client CA.
/// - [`AccessPolicy::any_source`]: no check at all, for a network that already admits only
///   the NoPass server. Logged as a warning when the portal is built.
#[derive(Debug, Clone, Default)]
pub struct AccessPolicy {
    /// When not empty, only callers from these ranges are served (403 otherwise).
    pub allowed_sources: Vec<IpRange>,
    /// Peers whose `X-Forwarded-For` is believed (the reverse proxies in front of the portal).
    pub trusted_proxies: Vec<IpRange>,
    /// A secret every callback must carry; a missing or wrong one is answered 401.
    pub shared_secret: Option<SharedSecret>,
    /// Only callers whose TLS client certificate the embedded receiver verified (403
    /// otherwise; other servers never set [`super::RequestHead::client_certificate_verified`]).
    pub client_certificate: bool,
    /// No check: every caller is served. An explicit, logged opt-in.
    pub any_source: bool,
}

impl AccessPolicy {
    /// Only callers from these ranges (the NoPass server's addresses).
    pub fn sources(ranges: impl IntoIterator<Item = IpRange>) -> Self {
        Self { allowed_sources: ranges.into_iter().collect(), ..Self::default() }
    }

    /// Only callers on this machine (127.0.0.0/8 and ::1): the demo's and the sandbox's.
    pub fn loopback() -> Self {
        Self::sources([IpRange::LOOPBACK_V4, IpRange::LOOPBACK_V6])
    }

    /// Only callers carrying this secret header.
    pub fn shared_secret(secret: SharedSecret) -> Self {
        Self { shared_secret: Some(secret), ..Self::default() }
    }

    /// Only callers with a TLS client certificate the embedded receiver verified.
    pub fn client_certificate() -> Self {
        Self { client_certificate: true, ..Self::default() }
    }

    /// Every caller, unchecked. Only for a network where nothing but the NoPass server can
    /// reach the portal; the portal logs a warning when it is built.
    pub fn any_source() -> Self {
        Self { any_source: true, ..Self::default() }
    }

    /// Believe `X-Forwarded-For` from these peers (the reverse proxies in front of the portal).
    pub fn trusted_proxies(mut self, ranges: impl IntoIterator<Item = IpRange>) -> Self {
        self.trusted_proxies = ranges.into_iter().collect();
        self
    }

    /// Also require this secret header.
    pub fn with_shared_secret(mut self, secret: SharedSecret) -> Self {
        self.shared_secret = Some(secret);
        self
    }

    /// Also require callers from these ranges.
    pub fn with_sources(mut self, ranges: impl IntoIterator<Item = IpRange>) -> Self {
        self.allowed_sources = ranges.into_iter().collect();
        self
    }

    /// Also require a verified TLS client certificate.
    pub fn with_client_certificate(mut self) -> Self {
        self.client_certificate = true;
        self
    }

    /// Whether any check is made.
    fn checks_something(&self) -> bool {
        !self.allowed_sources.is_empty() || self.shared_secret.is_some() || self.client_certificate
    }

    fn validate(&self) -> Result<()> {
        match (self.any_source, self.checks_something()) {
            (true, true) => {
                return Err(Error::invalid("access", "any_source accepts every caller: give it no other check"));
            }
            (false, false) => {
                return Err(Error::invalid(
                    "access",
                    "must check something: allowed sources, a shared secret, a client certificate, or any_source",
                ));
            }
            _ => {}
        }
        if !self.trusted_proxies.is_empty() && self.allowed_sources.is_empty() {
            return Err(Error::invalid("trusted_proxies", "only matter with allowed sources to check"));
        }
        match &self.shared_secret {
            Some(SharedSecret::Header { name, value }) => {
                if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                    return Err(Error::invalid("shared_secret", "header name is not a valid HTTP header name"));
                }
                if value.char_len() < 16 {
                    return Err(Error::invalid("shared_secret", "must be at least 16 characters"));
                }
            }
            Some(SharedSecret::Bearer(value)) if value.char_len() < 16 => {
                return Err(Error::invalid("shared_secret", "must be at least 16 characters"));
            }
            _ => {}
        }
        Ok(())
    }
}

/// Where the NoPass server is, for the portal's own calls (docs/vendors/nopass.md, "Calls the
/// portal makes": e.g. `https://console.nopass.us`).
#[derive(Debug, Clone)]
pub struct NoPassServerConfig {
    /// The NoPass server's base URL; the call paths are appended to it.
    pub base_url: Url,
    /// Timeouts, limits, TLS and retries of the portal's calls.
    pub transport: TransportConfig,
}

impl NoPassServerConfig {
    /// The NoPass server at `base_url` (an absolute http or https URL without query or fragment).
    pub fn new(base_url: &str) -> Result<Self> {
        let url =
            Url::parse(base_url).map_err(|e| Error::invalid("base_url", format!("must be an absolute URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::invalid("base_url", "must be an http or https URL"));
        }
        if url.cannot_be_a_base() || url.query().is_some() || url.fragment().is_some() {
            return Err(Error::invalid("base_url", "must be a base URL without query or fragment"));
        }
        Ok(Self { base_url: url, transport: TransportConfig::default() })
    }

    /// Sets the timeouts, limits, TLS and retries of the portal's calls.
    pub fn transport(mut self, transport: TransportConfig) -> Self {
        self.transport = transport;
        self
    }
}

/// Configuration of a [`super::Portal`].
#[derive(Debug, Clone)]
pub struct PortalConfig {
    /// The AdminId set when the portal was entered in the NoPass console (callback 1 in
    /// docs/vendors/nopass.md: case sensitive, at most 64 characters). Compared in constant
    /// time.
    pub admin_id: Secret,
    /// The sCode the portal answers in pre-registration and registration (callbacks 1 and 2 in
    /// docs/vendors/nopass.md: at most 64 characters).
    pub s_code: Secret,
    /// A path prefix the callbacks are mounted under (`/nopass` serves
    /// `/nopass/api/PortalCommunication/…`). Empty by default.
    pub mount_path: String,
    /// What a successful answer looks like: the vendor's envelope (default) or the bare result.
    pub response_mode: ResponseMode,
    /// Largest request body accepted. The default (1 MiB) holds an UpdatePicture with a base64
    /// PNG many times larger than the NoPass pictures; a larger body is refused with 413
    /// before it is read whole.
    pub max_body_bytes: usize,
    /// How long the `otp` of a user registration stays valid (sample: 120 s).
    pub registration_ttl: Duration,
    /// How long a login started with RequestAuthorization may stay pending (sample: 360 s).
    pub login_ttl: Duration,
    /// How long an authorised login waits to be redeemed ([`super::Portal::redeem_login`])
    /// before it expires.
    pub redeem_ttl: Duration,
    /// How long a pre-registration (ConfirmPreRegistration) waits for ConfirmRegistration
    /// before the portal reads as unregistered again.
    pub pre_registration_ttl: Duration,
    /// How long a host hook may take. One that takes longer gets the NoPass server a 503 with
    /// `Retry-After` (it calls again) and changes nothing.
    pub hook_timeout: Duration,
    /// How long a session is kept after its last change, for the host to read; older ones
    /// are purged.
    pub session_retention: Duration,
    /// Who may call the portal. Required: [`super::PortalBuilder::build`] refuses a portal
    /// without one.
    pub access: Option<AccessPolicy>,
    /// The NoPass server, needed for [`super::Portal::pre_register_user`] and
    /// [`super::Portal::request_authorization`].
    pub server: Option<NoPassServerConfig>,
}

impl PortalConfig {
    /// The default of [`PortalConfig::max_body_bytes`]: 1 MiB.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

    /// A portal with the given administrator id and sCode (each 1–64 characters).
    pub fn new(admin_id: impl Into<Secret>, s_code: impl Into<Secret>) -> Result<Self> {
        let config = Self {
            admin_id: admin_id.into(),
            s_code: s_code.into(),
            mount_path: String::new(),
            response_mode: ResponseMode::Envelope,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
            registration_ttl: Duration::from_secs(120),
            login_ttl: Duration::from_secs(360),
            redeem_ttl: Duration::from_secs(300),
            pre_registration_ttl: Duration::from_secs(600),
            hook_timeout: Duration::from_secs(10),
            session_retention: Duration::from_secs(24 * 3600),
            access: None,
            server: None,
        };
        config.validate()?;
        Ok(config)
    }

    /// Sets the NoPass server the portal calls (needed to start registrations and logins).
    pub fn server(mut self, server: NoPassServerConfig) -> Self {
        self.server = Some(server);
        self
    }

    /// Sets the answer shape ([`ResponseMode`]).
    pub fn response_mode(mut self, mode: ResponseMode) -> Self {
        self.response_mode = mode;
        self
    }

    /// Sets the path prefix the callbacks are mounted under.
    pub fn mount_path(mut self, path: impl Into<String>) -> Self {
        self.mount_path = path.into();
        self
    }

    /// Sets the largest body accepted.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Sets how long a user registration's `otp` stays valid (default 120 s).
    pub fn registration_ttl(mut self, ttl: Duration) -> Self {
        self.registration_ttl = ttl;
        self
    }

    /// Sets how long a login may stay pending (default 360 s).
    pub fn login_ttl(mut self, ttl: Duration) -> Self {
        self.login_ttl = ttl;
        self
    }

    /// Sets how long a session is kept after its last change (default 24 h).
    pub fn session_retention(mut self, retention: Duration) -> Self {
        self.session_retention = retention;
        self
    }

    /// Sets who may call the portal: without this no portal is built.
    pub fn access(mut self, access: AccessPolicy) -> Self {
        self.access = Some(access);
        self
    }

    /// Sets how long an authorised login waits to be redeemed (default 300 s).
    pub fn redeem_ttl(mut self, ttl: Duration) -> Self {
        self.redeem_ttl = ttl;
        self
    }

    /// Sets how long a pre-registration waits for ConfirmRegistration (default 600 s).
    pub fn pre_registration_ttl(mut self, ttl: Duration) -> Self {
        self.pre_registration_ttl = ttl;
        self
    }

    /// Sets how long a hook may take (default 10 s).
    pub fn hook_timeout(mut self, timeout: Duration) -> Self {
        self.hook_timeout = timeout;
        self
    }

    /// Checks what the vendor and the portal need before any callback is served.
    pub fn validate(&self) -> Result<()> {
        required_max("adminId", self.admin_id.expose(), 64)?;
        required_max("sCode", self.s_code.expose(), 64)?;
        if self.max_body_bytes < 1024 {
            return Err(Error::invalid("max_body_bytes", "must be at least 1024"));
        }
        let mount = self.mount_path.trim_end_matches('/');
        if !mount.is_empty() && !mount.starts_with('/') {
            return Err(Error::invalid("mount_path", "must start with '/'"));
        }
        if let Some(access) = &self.access {
            access.validate()?;
        }
        for (what, ttl) in [
            ("registration_ttl", self.registration_ttl),
            ("login_ttl", self.login_ttl),
            ("redeem_ttl", self.redeem_ttl),
            ("pre_registration_ttl", self.pre_registration_ttl),
            ("hook_timeout", self.hook_timeout),
        ] {
            if ttl.is_zero() {
                return Err(Error::invalid(what, "must be longer than zero"));
            }
        }
        Ok(())
    }

    /// The access policy, which serving needs: there is no default (docs/vendors/nopass.md,
    /// "Access policy").
    pub(crate) fn required_access(&self) -> Result<&AccessPolicy> {
        self.access.as_ref().ok_or_else(|| {
            Error::Config(
                "the portal needs an access policy (PortalConfig::access): the NoPass server's source ranges, \
                 a shared-secret header set by the reverse proxy, TLS client certificates, or an explicit \
                 AccessPolicy::any_source()"
                    .into(),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_match_addresses() {
        let net = IpRange::parse("10.1.0.0/16").unwrap();
        assert!(net.contains("10.1.200.3".parse().unwrap()));
        assert!(!net.contains("10.2.0.1".parse().unwrap()));
        assert!(net.contains("::ffff:10.1.0.9".parse().unwrap()));
        let one = IpRange::parse("2001:db8::1").unwrap();
        assert!(one.contains("2001:db8::1".parse().unwrap()));
        assert!(!one.contains("2001:db8::2".parse().unwrap()));
        assert!(IpRange::parse("0.0.0.0/0").unwrap().contains("192.0.2.1".parse().unwrap()));
        assert!(IpRange::parse("10.0.0.0/33").is_err());
        assert!(IpRange::parse("host").is_err());
    }

    #[test]
    fn config_checks_the_seed_limits() {
        assert!(PortalConfig::new("JimTheAdmin", "nDhTZvX82Et").is_ok());
        let e = PortalConfig::new("x".repeat(65), "s").unwrap_err();
        assert!(e.to_string().contains("adminId"), "{e}");
        assert!(PortalConfig::new("a", "").is_err());
        let config = PortalConfig::new("a", "b").unwrap();
        assert!(!format!("{config:?}").contains("\"a\""));
    }
}
