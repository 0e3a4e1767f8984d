//! How a portal is set up from JavaScript: the options object and its conversion into core's
//! `PortalConfig` and `AccessPolicy`. Every check (lengths, ranges, what may be combined) is
//! core's; this file only moves values across.

use std::time::Duration;

use authbridge::nopass::{AccessPolicy, IpRange, NoPassServerConfig, PortalConfig, ResponseMode, SharedSecret};
use authbridge::Secret;
use napi::bindgen_prelude::{Object, Unknown};
use napi::Env;
use napi_derive::napi;

use crate::transport::{self, TransportOptions};

/// Where the NoPass server is, for the portal's own calls.
#[napi(object)]
pub struct NoPassServerOptions {
    /// e.g. `https://console.nopass.us`.
    pub base_url: String,
    pub transport: Option<TransportOptions>,
}

/// A secret every callback must carry (at least 16 characters, compared in constant time).
/// The NoPass server sends none: the reverse proxy in front of the portal adds it.
#[napi(discriminant = "type", discriminant_case = "camelCase")]
pub enum PortalSharedSecret {
    /// `Authorization: Bearer <secret>`.
    Bearer { secret: String },
    /// A header of this name carrying exactly this value.
    Header { name: String, value: String },
}

/// Who may call the portal. The NoPass protocol signs nothing, so whoever reaches the callback
/// URL could otherwise answer for a login: a portal is not made without at least one check.
/// Every check given must pass, and all are made before the body is read.
#[napi(object)]
pub struct PortalAccess {
    /// Addresses or CIDR ranges the NoPass server calls from (`203.0.113.7`, `10.0.0.0/8`);
    /// any other caller is answered 403 `forbidden_source`. The caller is the socket peer, or,
    /// when the peer is one of `trustedProxies`, the right-most `X-Forwarded-For` entry that
    /// is not a trusted proxy itself.
    pub allowed_sources: Option<Vec<String>>,
    /// The reverse proxies in front of the portal (addresses or CIDR ranges): only their
    /// `X-Forwarded-For` is believed. Needs `allowedSources`.
    pub trusted_proxies: Option<Vec<String>>,
    /// A secret header the reverse proxy adds to every callback it forwards; a missing or
    /// wrong one is answered 401 `unauthorized`.
    pub shared_secret: Option<PortalSharedSecret>,
    /// Only callers whose TLS client certificate core's embedded receiver verified (403
    /// `client_certificate_required` otherwise): serve with `portal.serve({ tls: { certPem,
    /// keyPem, clientCaPem } })`. `node:http`, Express, and `portal.serve()` without
    /// `clientCaPem`, do not verify client certificates, so behind them every callback is
    /// then refused.
    pub require_client_certificate: Option<bool>,
    /// Serves every caller unchecked: only for a network where nothing but the NoPass server
    /// can reach the portal. Logged as a warning; may not be combined with another check.
    pub accept_any_source: Option<bool>,
}

/// How the portal is set up.
#[napi(object)]
pub struct PortalOptions {
    /// The AdminId entered in the NoPass console (1–64 characters, case sensitive).
    pub admin_id: String,
    /// The sCode the portal answers with (1–64 characters).
    pub s_code: String,
    /// Who may call the portal: required (see `PortalAccess`).
    pub access: PortalAccess,
    /// Needed for `preRegisterUser` and `requestAuthorization`.
    pub server: Option<NoPassServerOptions>,
    /// A path prefix the callbacks are mounted under (`/nopass` serves
    /// `/nopass/api/PortalCommunication/…`).
    pub mount_path: Option<String>,
    /// `envelope` (the seed's `{"errors":[],"result":…}`, default) or `bare`.
    pub response_mode: Option<String>,
    /// Largest callback body accepted (default 1 MiB).
    pub max_body_bytes: Option<u32>,
    /// How long a user registration's `otp` stays valid, in ms (default 120 000).
    pub registration_ttl_ms: Option<u32>,
    /// How long a login may stay pending, in ms (default 360 000).
    pub login_ttl_ms: Option<u32>,
    /// How long an authorised login waits for `redeemLogin`, in ms (default 300 000); after
    /// that it reads as `expired`.
    pub redeem_ttl_ms: Option<u32>,
    /// How long a pre-registration (ConfirmPreRegistration) waits for ConfirmRegistration, in
    /// ms (default 600 000); after that the portal reads as unregistered again.
    pub pre_registration_ttl_ms: Option<u32>,
    /// How long a hook may take, in ms (default 10 000). One that takes longer gets the NoPass
    /// server a 503 with `Retry-After` and changes nothing.
    pub hook_timeout_ms: Option<u32>,
    /// How long a session is kept after its last change, in ms (default one day).
    pub session_retention_ms: Option<u32>,
    /// Where the state lives, as a URL: `memory:` (the default; gone when the process ends),
    /// `sqlite:PATH` or a bare path (a file written before each 200 goes out), or
    /// `redis://…` / `rediss://…` (`?portal=NAME`; shared by every replica of the portal, in
    /// any language). A Redis store connects when the portal is built.
    pub store: Option<String>,
}

impl PortalOptions {
    /// Reads the constructor's options object. `access` is looked for first, so that a portal
    /// without one fails with a `config` error that says what to add, rather than with napi's
    /// "Missing field" (plain JavaScript callers get no compile-time check).
    pub(crate) fn from_js(env: &Env, options: Object) -> napi::Result<Self> {
        if options.get::<Option<Unknown>>("access")?.flatten().is_none() {
            let missing = "the portal needs `access`: the NoPass server's `allowedSources` (with `trustedProxies` \
                           behind a reverse proxy), a `sharedSecret` header the reverse proxy adds, \
                           `requireClientCertificate`, or an explicit `acceptAnySource: true`";
            return crate::error::check(env, Err(authbridge::Error::Config(missing.into())));
        }
        // napi converts a property, not a bare object: hold it in one to read it as options.
        let mut holder = Object::new(env)?;
        holder.set("options", options)?;
        holder.get::<PortalOptions>("options")?.ok_or_else(|| napi::Error::from_reason("options are missing"))
    }
}

/// One of `PortalConfig`'s duration setters.
type SetDuration = fn(PortalConfig, Duration) -> PortalConfig;

fn ms(value: u32) -> Duration {
    Duration::from_millis(u64::from(value))
}

fn ranges(field: &str, texts: Option<&Vec<String>>) -> authbridge::Result<Vec<IpRange>> {
    texts.into_iter().flatten().map(|text| IpRange::parse_field(field, text)).collect()
}

fn access_policy(access: &PortalAccess) -> authbridge::Result<AccessPolicy> {
    Ok(AccessPolicy {
        allowed_sources: ranges("access.allowedSources", access.allowed_sources.as_ref())?,
        trusted_proxies: ranges("access.trustedProxies", access.trusted_proxies.as_ref())?,
        shared_secret: access.shared_secret.as_ref().map(|secret| match secret {
            PortalSharedSecret::Bearer { secret } => SharedSecret::Bearer(Secret::new(secret.as_str())),
            PortalSharedSecret::Header { name, value } => {
                SharedSecret::Header { name: name.clone(), value: Secret::new(value.as_str()) }
            }
        }),
        client_certificate: access.require_client_certificate.unwrap_or(false),
        any_source: access.accept_any_source.unwrap_or(false),
    })
}

/// Core's configuration for `options` (the store is set up by the constructor).
pub(crate) fn portal_config(options: PortalOptions) -> authbridge::Result<PortalConfig> {
    let mut config = PortalConfig::new(options.admin_id.as_str(), options.s_code.as_str())?;
    config = config.access(access_policy(&options.access)?);
    if let Some(server) = options.server {
        let transport = transport::config(server.transport);
        config = config.server(NoPassServerConfig::new(&server.base_url)?.transport(transport));
    }
    if let Some(mount) = &options.mount_path {
        config = config.mount_path(mount.clone());
    }
    match options.response_mode.as_deref() {
        None | Some("envelope") => {}
        Some("bare") => config = config.response_mode(ResponseMode::Bare),
        Some(_) => return Err(authbridge::Error::invalid("responseMode", "must be 'envelope' or 'bare'")),
    }
    if let Some(limit) = options.max_body_bytes {
        config = config.max_body_bytes(limit as usize);
    }
    let durations: [(Option<u32>, SetDuration); 6] = [
        (options.registration_ttl_ms, PortalConfig::registration_ttl),
        (options.login_ttl_ms, PortalConfig::login_ttl),
        (options.redeem_ttl_ms, PortalConfig::redeem_ttl),
        (options.pre_registration_ttl_ms, PortalConfig::pre_registration_ttl),
        (options.hook_timeout_ms, PortalConfig::hook_timeout),
        (options.session_retention_ms, PortalConfig::session_retention),
    ];
    for (value, set) in durations {
        if let Some(value) = value {
            config = set(config, ms(value));
        }
    }
    config.validate()?;
    Ok(config)
}
