//! The call half of a ProcessBiometric upload: who and what the sample is for, and the device
//! it was captured on, written as the `processBiometrics` JSON part that [`BiometricFrame`]
//! frames beside the sample.
//!
//! [`BiometricFrame`]: super::BiometricFrame

use serde_json::json;
use zeroize::Zeroizing;

use super::config::BiometricApp;
use super::types::{BiometricKind, BiometricProcess};
use crate::validate::{no_control, required};
use crate::{Error, Result};

/// `device_data` of the `processBiometrics` part: the device the sample was captured on. The
/// vendor's samples fill every field; the defaults describe the calling program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceData {
    /// `browser_name`: the browser or program the sample was captured with.
    pub browser_name: String,
    /// `os`: the device's operating system.
    pub os: String,
    /// `os_version`: its version, `Unknown` when not known.
    pub os_version: String,
    /// `browser_version`: the version of the browser or program.
    pub browser_version: String,
    /// `device_name`: the device's name, `Unknown` when not known.
    pub device_name: String,
    /// The IP address of the person's device, when known.
    pub ip: String,
    /// `device_data.src_user_id`: the caller's own id of the person, `0` when it has none.
    pub src_user_id: i64,
}

impl Default for DeviceData {
    fn default() -> Self {
        Self {
            browser_name: "authbridge".into(),
            os: std::env::consts::OS.into(),
            os_version: "Unknown".into(),
            browser_version: env!("CARGO_PKG_VERSION").into(),
            device_name: "Unknown".into(),
            ip: String::new(),
            src_user_id: 0,
        }
    }
}

/// One ProcessBiometric call: the fields of the `processBiometrics` part that are not the
/// application's ([`BiometricApp`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BiometricCall {
    /// `user_name`: the vendor's samples put the user's `guid` here ("UniqueId of the user").
    pub user: String,
    /// `authentication_id`.
    pub kind: BiometricKind,
    /// `process_type`.
    pub process: BiometricProcess,
    /// `correlation_id`; a random UUID when `None`.
    pub correlation_id: Option<String>,
    /// `device_data`: the device the sample was captured on.
    pub device_data: DeviceData,
    /// `src_user_id`.
    pub src_user_id: i64,
}

impl BiometricCall {
    /// A call for the user whose AuthX `guid` is `user_guid`, with a random correlation id and
    /// this program as the device.
    pub fn new(user_guid: &str, kind: BiometricKind, process: BiometricProcess) -> Self {
        Self {
            user: user_guid.into(),
            kind,
            process,
            correlation_id: None,
            device_data: DeviceData::default(),
            src_user_id: 0,
        }
    }

    /// Sets `correlation_id`, to find the call again in AuthX's records.
    pub fn correlation_id(mut self, id: &str) -> Self {
        self.correlation_id = Some(id.into());
        self
    }

    /// Describes the device the sample was captured on, instead of this program.
    pub fn device_data(mut self, device: DeviceData) -> Self {
        self.device_data = device;
        self
    }

    /// Checks the fields the caller set; whether a sample is needed is the framing's check.
    pub(super) fn validate(&self) -> Result<()> {
        required("user_name", &self.user)?;
        no_control("user_name", &self.user)?;
        if let Some(id) = &self.correlation_id {
            required("correlation_id", id)?;
            no_control("correlation_id", id)?;
        }
        let d = &self.device_data;
        for (field, value) in [
            ("device_data.browser_name", &d.browser_name),
            ("device_data.os", &d.os),
            ("device_data.os_version", &d.os_version),
            ("device_data.browser_version", &d.browser_version),
            ("device_data.device_name", &d.device_name),
            ("device_data.ip", &d.ip),
        ] {
            no_control(field, value)?;
        }
        if !d.ip.is_empty() && d.ip.parse::<std::net::IpAddr>().is_err() {
            return Err(Error::invalid("device_data.ip", "must be an IPv4 or IPv6 address"));
        }
        Ok(())
    }

    /// The `processBiometrics` JSON. It holds `secret_key`, so it is zeroised when dropped.
    pub(super) fn json_part(&self, app: &BiometricApp, correlation_id: &str) -> Zeroizing<Vec<u8>> {
        let d = &self.device_data;
        let part = json!({
            "authentication_id": self.kind.id(),
            "process_type": self.process.id(),
            "user_name": self.user,
            "correlation_id": correlation_id,
            "device_data": {
                "browser_name": d.browser_name,
                "os": d.os,
                "os_version": d.os_version,
                "browser_version": d.browser_version,
                "device_name": d.device_name,
                "ip": d.ip,
                "src_user_id": d.src_user_id,
            },
            "application_parameters": {
                "application_key": app.application_key.expose(),
                "secret_key": app.secret_key.expose(),
                "host_name": app.host_name,
            },
            "src_user_id": self.src_user_id,
        });
        Zeroizing::new(part.to_string().into_bytes())
    }
}
