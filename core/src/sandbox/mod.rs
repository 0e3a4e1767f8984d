//! A local stand-in for every vendor, for demos and tests (feature `sandbox`).
//!
//! [`Sandbox::start`] serves each vendor on its own free port on 127.0.0.1. Stand-ins are
//! stateful and strict: a request that deviates from the vendor's seed gets a 400 saying
//! why. Tests arm [`Fault`]s per route and read request counters; each vendor's control API
//! (add users, approve a pending login, …) is reached through the accessor of that vendor.
//!
//! Route names are `<vendor>.<operation>`, e.g. `nevisidm.password_login`; each stand-in's
//! module lists its own.

// Stand-ins return their strict 400 answers as `Err(SimResponse)` from small parsing helpers;
// the size of that error is irrelevant off the hot path of a test double.
#![allow(clippy::result_large_err)]

pub mod control;
mod faults;
mod options;
mod sim;

#[cfg(feature = "authx")]
mod authx;
#[cfg(feature = "descope")]
mod descope;
#[cfg(feature = "nevis")]
mod nevis;
#[cfg(feature = "nopass")]
mod nopass;
#[cfg(feature = "otpone")]
mod otpone;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};

pub use faults::Fault;
use faults::Faults;
pub use options::SandboxOptions;
use sim::{SimBody, SimRequest, SimResponse, Simulator};

#[cfg(feature = "authx")]
pub use authx::{AuthxSim, AuthxUpload, AuthxUser};
#[cfg(feature = "descope")]
pub use descope::DescopeSim;
#[cfg(feature = "nevis")]
pub use nevis::{CredentialRef, CredentialState, LockPolicy, NevisSim};
#[cfg(feature = "nopass")]
pub use nopass::{CallbackReply, NoPassSim, SimPortal, SimPreRegistration};
#[cfg(feature = "otpone")]
pub use otpone::{OtpOneSim, OtpOneStatus, OtpOneTransaction};

use crate::serve::{full, serve_with, ResponseBody, ServerHandle};
use crate::{Result, Vendor};
use control::ControlEndpoint;

/// Requests larger than this are refused with 413 unless a stand-in streams its body.
pub(crate) const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// The running stand-in for all vendors. Dropping it stops every server.
///
/// Besides the vendors' servers it serves its control API over HTTP (see [`control`]), on a
/// port of its own so no vendor route can shadow it, behind a bearer token.
pub struct Sandbox {
    inner: Arc<Inner>,
}

/// The sandbox's state, shared with the control endpoint's handler (which holds it weakly, so
/// dropping the [`Sandbox`] still stops everything).
pub(crate) struct Inner {
    faults: Arc<Faults>,
    servers: Mutex<Vec<(Vendor, ServerHandle)>>,
    urls: Vec<(Vendor, String)>,
    control: ControlEndpoint,
    #[cfg(feature = "nevis")]
    nevis: Arc<NevisSim>,
    #[cfg(feature = "authx")]
    authx: Arc<AuthxSim>,
    #[cfg(feature = "descope")]
    descope: Arc<DescopeSim>,
    #[cfg(feature = "otpone")]
    otpone: Arc<OtpOneSim>,
    #[cfg(feature = "nopass")]
    nopass: Arc<NoPassSim>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let urls: Vec<String> = self.inner.urls.iter().map(|(v, url)| format!("{v}={url}")).collect();
        f.debug_struct("Sandbox").field("urls", &urls).field("control", &self.inner.control.url()).finish()
    }
}

impl Sandbox {
    /// Starts every compiled-in vendor's stand-in on 127.0.0.1, each on a free port, and the
    /// control endpoint with a random token.
    pub async fn start() -> Result<Self> {
        Self::start_with_control_token(None).await
    }

    /// [`Sandbox::start`] with the control endpoint's bearer token chosen by the caller
    /// (at least 16 characters), for a sandbox other programs are told about in advance.
    pub async fn start_with_control_token(token: Option<String>) -> Result<Self> {
        Self::start_with(SandboxOptions { control_token: token, ..SandboxOptions::default() }).await
    }

    /// [`Sandbox::start`] as `options` say.
    pub async fn start_with(options: SandboxOptions) -> Result<Self> {
        let faults = Arc::new(Faults::default());
        #[cfg(feature = "nevis")]
        let nevis = Arc::new(NevisSim::default());
        #[cfg(feature = "authx")]
        let authx = Arc::new(AuthxSim::default());
        #[cfg(feature = "descope")]
        let descope = Arc::new(DescopeSim::default());
        #[cfg(feature = "otpone")]
        let otpone = Arc::new(OtpOneSim::default());
        #[cfg(feature = "nopass")]
        let nopass = Arc::new(NoPassSim::default());
        let sims: Vec<Arc<dyn Simulator>> = vec![
            #[cfg(feature = "nevis")]
            nevis.clone(),
            #[cfg(feature = "authx")]
            authx.clone(),
            #[cfg(feature = "descope")]
            descope.clone(),
            #[cfg(feature = "otpone")]
            otpone.clone(),
            #[cfg(feature = "nopass")]
            nopass.clone(),
        ];
        let (serve_options, origin) = options.serving();
        let mut servers = Vec::new();
        let mut urls = Vec::new();
        for sim in sims {
            let vendor = sim.vendor();
            let faults = faults.clone();
            let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
            let server = serve_with(addr, serve_options.clone(), move |request, _peer| {
                dispatch(sim.clone(), faults.clone(), request)
            })
            .await?;
            urls.push((vendor, format!("{origin}:{}", server.addr().port())));
            servers.push((vendor, server));
        }
        let control = ControlEndpoint::start(options.control_token).await?;
        let inner = Arc::new(Inner {
            faults,
            servers: Mutex::new(servers),
            urls,
            control,
            #[cfg(feature = "nevis")]
            nevis,
            #[cfg(feature = "authx")]
            authx,
            #[cfg(feature = "descope")]
            descope,
            #[cfg(feature = "otpone")]
            otpone,
            #[cfg(feature = "nopass")]
            nopass,
        });
        inner.control.attach(Arc::downgrade(&inner));
        let sandbox = Sandbox { inner };
        #[cfg(feature = "descope")]
        sandbox.inner.descope.set_base_url(sandbox.url(Vendor::Descope).unwrap_or_default());
        #[cfg(feature = "nopass")]
        sandbox.inner.nopass.set_base_url(sandbox.url(Vendor::NoPass).unwrap_or_default());
        Ok(sandbox)
    }

    /// The credentials the stand-ins accept from the start, by name
    /// (`authx.APPLICATION_ID`, `descope.PROJECT_ID`, …): what a program uses on a sandbox it
    /// has not configured itself.
    pub fn presets() -> BTreeMap<&'static str, &'static str> {
        #[allow(unused_mut)] // empty in a build without AuthX and Descope
        let mut presets = BTreeMap::new();
        #[cfg(feature = "authx")]
        presets.extend([
            ("authx.APPLICATION_ID", AuthxSim::APPLICATION_ID),
            ("authx.APPLICATION_KEY", AuthxSim::APPLICATION_KEY),
            ("authx.BIOMETRIC_APPLICATION_KEY", AuthxSim::BIOMETRIC_APPLICATION_KEY),
            ("authx.BIOMETRIC_SECRET_KEY", AuthxSim::BIOMETRIC_SECRET_KEY),
            ("authx.HOST_NAME", AuthxSim::HOST_NAME),
        ]);
        #[cfg(feature = "descope")]
        presets.extend([
            ("descope.PROJECT_ID", DescopeSim::PROJECT_ID),
            ("descope.DEFAULT_PHONE", DescopeSim::DEFAULT_PHONE),
        ]);
        presets
    }

    /// The base URL of a vendor's stand-in (`http://127.0.0.1:<port>`, or
    /// `https://localhost:<port>` with [`SandboxOptions::tls`]), if compiled in.
    pub fn url(&self, vendor: Vendor) -> Option<String> {
        self.inner.urls.iter().find(|(v, _)| *v == vendor).map(|(_, url)| url.clone())
    }

    /// Where the control API is served: `http://127.0.0.1:<port>/control`.
    pub fn control_url(&self) -> String {
        self.inner.control.url()
    }

    /// The bearer token the control endpoint requires (`Authorization: Bearer <token>`).
    pub fn control_token(&self) -> &str {
        self.inner.control.token()
    }

    /// Arms `fault` on `route` for every request until [`Sandbox::clear_faults`].
    pub fn arm(&self, route: &str, fault: Fault) {
        self.inner.faults.arm(route, fault, None);
    }

    /// Arms `fault` on `route` for the next `times` requests.
    pub fn arm_times(&self, route: &str, fault: Fault, times: u32) {
        self.inner.faults.arm(route, fault, Some(times.max(1)));
    }

    /// Disarms every fault.
    pub fn clear_faults(&self) {
        self.inner.faults.clear();
    }

    /// How many requests reached `route` (faulted ones included).
    pub fn request_count(&self, route: &str) -> u64 {
        self.inner.faults.count(route)
    }

    /// Sets every route's request counter back to zero.
    pub fn reset_counts(&self) {
        self.inner.faults.reset_counts();
    }

    /// The nevisIDM stand-in's control API.
    #[cfg(feature = "nevis")]
    pub fn nevis(&self) -> &NevisSim {
        &self.inner.nevis
    }

    /// The AuthX stand-in's control API.
    #[cfg(feature = "authx")]
    pub fn authx(&self) -> &AuthxSim {
        &self.inner.authx
    }

    /// The Descope stand-in's control API.
    #[cfg(feature = "descope")]
    pub fn descope(&self) -> &DescopeSim {
        &self.inner.descope
    }

    /// The OtpOne stand-in's control API.
    #[cfg(feature = "otpone")]
    pub fn otpone(&self) -> &OtpOneSim {
        &self.inner.otpone
    }

    /// The NoPass server stand-in's control API.
    #[cfg(feature = "nopass")]
    pub fn nopass(&self) -> &NoPassSim {
        &self.inner.nopass
    }

    /// Stops every server, the control endpoint last, and waits until they have stopped.
    pub async fn stop(self) {
        let servers = std::mem::take(&mut *self.inner.servers.lock().unwrap_or_else(PoisonError::into_inner));
        for (_, server) in servers {
            server.stop().await;
        }
        self.inner.control.stop().await;
    }
}

async fn dispatch(
    sim: Arc<dyn Simulator>,
    faults: Arc<Faults>,
    request: http::Request<Incoming>,
) -> std::io::Result<http::Response<ResponseBody>> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_string();
    let Some(route) = sim.route(&path) else {
        let mut answer = SimResponse::strict(format!("{} has no route at {path}", sim.vendor()));
        answer.status = http::StatusCode::NOT_FOUND;
        return Ok(into_http(answer));
    };
    let request =
        SimRequest { method: parts.method, path, query: parts.uri.query().map(str::to_string), headers: parts.headers };
    let body = SimBody::new(body);
    match faults.on_request(route) {
        None => Ok(into_http(sim.handle(route, request, body).await)),
        Some(Fault::Delay(pause)) => {
            tokio::time::sleep(pause).await;
            Ok(into_http(sim.handle(route, request, body).await))
        }
        Some(Fault::Reset) => {
            let _ = body.bytes(MAX_REQUEST_BYTES).await;
            Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "sandbox fault: reset"))
        }
        Some(Fault::Status { status, retry_after }) => {
            let _ = body.bytes(MAX_REQUEST_BYTES).await;
            let status = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::SERVICE_UNAVAILABLE);
            let mut answer = SimResponse::json(status, &serde_json::json!({}));
            if let Some(after) = retry_after {
                answer = answer.with_header(http::header::RETRY_AFTER, &after);
            }
            Ok(into_http(answer))
        }
        Some(Fault::LargeBody(size)) => {
            let _ = body.bytes(MAX_REQUEST_BYTES).await;
            let padding = "x".repeat(size);
            Ok(into_http(SimResponse::json(http::StatusCode::OK, &serde_json::json!({ "padding": padding }))))
        }
        Some(Fault::TruncatedBody) => {
            let answer = sim.handle(route, request, body).await;
            Ok(truncated(answer))
        }
    }
}

fn into_http(answer: SimResponse) -> http::Response<ResponseBody> {
    let mut response = http::Response::new(full(answer.body));
    *response.status_mut() = answer.status;
    *response.headers_mut() = answer.headers;
    response
}

/// Announces the whole length, sends half, then fails the body so the connection is cut.
fn truncated(answer: SimResponse) -> http::Response<ResponseBody> {
    let full_len = answer.body.len().max(2);
    let half = answer.body.slice(..answer.body.len() / 2);
    let frames: Vec<std::io::Result<Frame<Bytes>>> = vec![
        Ok(Frame::data(half)),
        Err(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "sandbox fault: truncated body")),
    ];
    let body = StreamBody::new(futures_util::stream::iter(frames)).boxed();
    let mut response = http::Response::new(body);
    *response.status_mut() = answer.status;
    *response.headers_mut() = answer.headers;
    response.headers_mut().insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(full_len));
    response
}
