//! core enums ↔ the Python `enum.Enum` classes of `authbridge/_enums.py`.
//!
//! Each Python enum's values are core's stable snake_case names, so a conversion is a lookup
//! in the enum's value map (cached per class) rather than a call into `Enum.__call__`.

use authbridge::Vendor;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

/// The `_value2member_map_` of one enum class in `authbridge._enums`.
struct EnumClass {
    name: &'static str,
    members: PyOnceLock<Py<PyDict>>,
}

impl EnumClass {
    const fn new(name: &'static str) -> Self {
        Self { name, members: PyOnceLock::new() }
    }

    fn member<'py>(&self, py: Python<'py>, value: &str) -> PyResult<Bound<'py, PyAny>> {
        let members = self.members.get_or_try_init(py, || -> PyResult<Py<PyDict>> {
            let class = py.import("authbridge._enums")?.getattr(self.name)?;
            Ok(class.getattr("_value2member_map_")?.cast_into::<PyDict>()?.unbind())
        })?;
        members
            .bind(py)
            .get_item(value)?
            .ok_or_else(|| PyValueError::new_err(format!("{} has no member {value:?}", self.name)))
    }
}

static VENDOR: EnumClass = EnumClass::new("Vendor");

pub fn vendor(py: Python<'_>, vendor: Vendor) -> PyResult<Bound<'_, PyAny>> {
    VENDOR.member(py, vendor.as_str())
}

/// A vendor named by `authbridge.Vendor` or its string value.
pub fn vendor_from(value: &str) -> PyResult<Vendor> {
    Vendor::ALL
        .into_iter()
        .find(|v| v.as_str() == value)
        .ok_or_else(|| PyValueError::new_err(format!("unknown vendor {value:?}")))
}

#[cfg(feature = "nevis")]
static LOGIN_STATUS_CODE: EnumClass = EnumClass::new("LoginStatusCode");

#[cfg(feature = "nevis")]
pub fn login_status_code(py: Python<'_>, code: authbridge::nevis::LoginStatusCode) -> PyResult<Bound<'_, PyAny>> {
    LOGIN_STATUS_CODE.member(py, code.as_str())
}

/// A Python enum member (or its string value) → the core enum with that `as_str()` name.
fn parse<T: Copy>(what: &str, value: &str, all: &[T], name: fn(T) -> &'static str) -> PyResult<T> {
    all.iter()
        .copied()
        .find(|v| name(*v) == value)
        .ok_or_else(|| PyValueError::new_err(format!("unknown {what} {value:?}")))
}

#[cfg(feature = "authx")]
mod authx {
    use authbridge::authx::{BiometricKind, BiometricOutcome, BiometricProcess};

    use super::*;

    static KIND: EnumClass = EnumClass::new("BiometricKind");
    static PROCESS: EnumClass = EnumClass::new("BiometricProcess");
    static OUTCOME: EnumClass = EnumClass::new("BiometricOutcome");

    pub fn biometric_kind(py: Python<'_>, kind: BiometricKind) -> PyResult<Bound<'_, PyAny>> {
        KIND.member(py, kind.as_str())
    }

    pub fn biometric_kind_from(value: &str) -> PyResult<BiometricKind> {
        parse(
            "biometric kind",
            value,
            &[BiometricKind::Finger, BiometricKind::Face, BiometricKind::Palm],
            BiometricKind::as_str,
        )
    }

    pub fn biometric_process(py: Python<'_>, process: BiometricProcess) -> PyResult<Bound<'_, PyAny>> {
        PROCESS.member(py, process.as_str())
    }

    pub fn biometric_process_from(value: &str) -> PyResult<BiometricProcess> {
        parse(
            "biometric process",
            value,
            &[BiometricProcess::Enrol, BiometricProcess::Verify, BiometricProcess::Delete],
            BiometricProcess::as_str,
        )
    }

    pub fn biometric_outcome(py: Python<'_>, outcome: BiometricOutcome) -> PyResult<Bound<'_, PyAny>> {
        OUTCOME.member(py, outcome.as_str())
    }
}

#[cfg(feature = "authx")]
pub use authx::*;

#[cfg(feature = "descope")]
static SESSION_REJECTION: EnumClass = EnumClass::new("SessionRejection");

#[cfg(feature = "descope")]
pub fn session_rejection(
    py: Python<'_>,
    rejection: authbridge::descope::SessionRejection,
) -> PyResult<Bound<'_, PyAny>> {
    SESSION_REJECTION.member(py, rejection.as_str())
}

#[cfg(feature = "otpone")]
static REQUEST_TYPE: EnumClass = EnumClass::new("RequestType");

#[cfg(feature = "otpone")]
pub fn request_type(py: Python<'_>, value: authbridge::otpone::RequestType) -> PyResult<Bound<'_, PyAny>> {
    REQUEST_TYPE.member(py, value.name())
}

#[cfg(feature = "nopass")]
mod nopass {
    use authbridge::nopass::{PortalPhase, SessionOrigin, SessionState};

    use super::*;

    static PHASE: EnumClass = EnumClass::new("PortalPhase");
    static ORIGIN: EnumClass = EnumClass::new("SessionOrigin");
    static STATE: EnumClass = EnumClass::new("SessionState");

    pub fn portal_phase(py: Python<'_>, phase: PortalPhase) -> PyResult<Bound<'_, PyAny>> {
        PHASE.member(py, phase.as_str())
    }

    pub fn session_origin(py: Python<'_>, origin: SessionOrigin) -> PyResult<Bound<'_, PyAny>> {
        ORIGIN.member(py, origin.as_str())
    }

    pub fn session_state(py: Python<'_>, state: SessionState) -> PyResult<Bound<'_, PyAny>> {
        STATE.member(py, state.as_str())
    }
}

#[cfg(feature = "nopass")]
pub use nopass::*;
