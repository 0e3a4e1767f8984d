//! The native module of the `authbridge` Python package (`authbridge._native`).
//!
//! Conversion only (DESIGN "The surfaces"): every class here wraps a core type, every method
//! calls one core method. Blocking methods release the GIL while they wait ([`blocking`]);
//! the asyncio twins resolve on the running loop ([`aio`]); core errors become the exception
//! classes of `authbridge/_errors.py` ([`errors`]); core's traces go to the `authbridge`
//! logger ([`logging`]).

use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::prelude::*;

mod aio;
mod blocking;
mod closing;
mod enums;
mod errors;
mod json;
mod logging;
mod metrics;
mod totp;
mod transport;
mod twin;
mod wait;

#[cfg(feature = "authx")]
mod authx;
#[cfg(feature = "descope")]
mod descope;
#[cfg(feature = "otpone")]
mod otpone;
#[cfg(feature = "nopass")]
mod portal;
#[cfg(feature = "authx")]
mod upload;

#[cfg(feature = "nevis")]
mod nevis;
#[cfg(feature = "sandbox")]
mod sandbox;

/// Set by an `atexit` hook: from then on no runtime thread may take the GIL.
static SHUTTING_DOWN: AtomicBool = AtomicBool::new(false);

pub(crate) fn shutting_down() -> bool {
    SHUTTING_DOWN.load(Ordering::Relaxed)
}

#[pyfunction]
fn _at_exit() {
    SHUTTING_DOWN.store(true, Ordering::Relaxed);
    logging::disable();
}

/// Re-reads the level of the `authbridge` logger now (it is also re-read on every call).
#[pyfunction]
fn refresh_logging(py: Python<'_>) {
    logging::refresh(py);
}

/// The vendors compiled into this build.
fn vendors() -> Vec<&'static str> {
    let mut vendors = Vec::new();
    for (compiled, name) in [
        (cfg!(feature = "nevis"), "nevisidm"),
        (cfg!(feature = "authx"), "authx"),
        (cfg!(feature = "descope"), "descope"),
        (cfg!(feature = "otpone"), "otpone"),
        (cfg!(feature = "nopass"), "nopass"),
    ] {
        if compiled {
            vendors.push(name);
        }
    }
    vendors
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ERROR_CODES", authbridge::Error::CODES.to_vec())?;
    m.add("VENDORS", vendors())?;
    m.add("HAS_SANDBOX", cfg!(feature = "sandbox"))?;
    m.add_function(wrap_pyfunction!(_at_exit, m)?)?;
    m.add_function(wrap_pyfunction!(refresh_logging, m)?)?;
    m.add_function(wrap_pyfunction!(metrics::metrics, m)?)?;
    m.add_function(wrap_pyfunction!(metrics::metrics_prometheus, m)?)?;
    m.add_class::<transport::TransportOptions>()?;
    m.add_class::<aio::Call>()?;
    m.add_class::<wait::CancellationToken>()?;
    m.add_class::<totp::Totp>()?;
    #[cfg(feature = "nevis")]
    {
        m.add_class::<nevis::NevisClient>()?;
        m.add_class::<nevis::AsyncNevisClient>()?;
        m.add_class::<nevis::LoginStatus>()?;
    }
    #[cfg(feature = "authx")]
    {
        m.add_class::<authx::AuthxClient>()?;
        m.add_class::<authx::AsyncAuthxClient>()?;
        m.add_class::<authx::BiometricApp>()?;
        m.add_class::<authx::UserProfile>()?;
        m.add_class::<authx::DeviceData>()?;
        m.add_class::<authx::BiometricCall>()?;
        m.add_class::<authx::AccessToken>()?;
        m.add_class::<authx::PinVerification>()?;
        m.add_class::<authx::BiometricResult>()?;
        m.add_class::<authx::BiometricFrame>()?;
        m.add_class::<authx::FrameChunks>()?;
    }
    #[cfg(feature = "descope")]
    {
        m.add_class::<descope::DescopeClient>()?;
        m.add_class::<descope::AsyncDescopeClient>()?;
        m.add_class::<descope::LoginOptions>()?;
        m.add_class::<descope::UserDetails>()?;
        m.add_class::<descope::NotpStart>()?;
        m.add_class::<descope::DescopeUser>()?;
        m.add_class::<descope::Session>()?;
        m.add_class::<descope::TotpEnrollment>()?;
        m.add_class::<descope::SessionClaims>()?;
    }
    #[cfg(feature = "otpone")]
    {
        m.add_class::<otpone::OtpOneServer>()?;
        m.add_class::<otpone::AsyncOtpOneServer>()?;
        m.add_class::<otpone::OtpOneClient>()?;
        m.add_class::<otpone::AsyncOtpOneClient>()?;
        m.add_class::<otpone::Transaction>()?;
        m.add_class::<otpone::Validation>()?;
    }
    #[cfg(feature = "nopass")]
    {
        m.add_class::<portal::Portal>()?;
        m.add_class::<portal::AsyncPortal>()?;
        m.add_class::<portal::PortalResponse>()?;
        m.add_class::<portal::PortalStatus>()?;
        m.add_class::<portal::LoginSession>()?;
        m.add_class::<portal::RedeemedLogin>()?;
        m.add_class::<portal::PreRegisteredUser>()?;
        m.add_class::<portal::EmbeddedServer>()?;
    }
    #[cfg(feature = "sandbox")]
    m.add_class::<sandbox::Sandbox>()?;
    py.import("atexit")?.call_method1("register", (m.getattr("_at_exit")?,))?;
    logging::install(py)?;
    Ok(())
}
