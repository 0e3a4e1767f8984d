//! Control API of the AuthX stand-in: applications, tokens, users and biometric uploads.

use std::sync::Arc;
use std::time::Duration;

use authbridge::sandbox::AuthxSim;
use napi::Env;
use napi_derive::napi;

use super::{Sandbox, Shared};

/// A user as the stand-in holds it.
#[napi(object)]
pub struct AuthxSandboxUser {
    pub guid: String,
    pub user_name: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub country_code: String,
    pub number: String,
    /// `alias_name` … `alias_name4` (`null` for none).
    pub aliases: Vec<Option<String>>,
    pub has_pin: bool,
    /// The `authentication_id`s with an enrolled sample (1 finger, 2 face, 3 palm).
    pub enrolled: Vec<u32>,
}

/// What the stand-in saw of the last accepted ProcessBiometric upload.
#[napi(object)]
pub struct AuthxSandboxUpload {
    /// Size of the `biometricdata` part.
    pub bytes: f64,
    /// SHA-256 of the `biometricdata` part, in hex.
    pub sha256: String,
    /// The request's `Content-Length` (`null` for a chunked upload).
    pub content_length: Option<f64>,
    pub data_content_type: String,
    /// The `processBiometrics` part.
    pub process_biometrics: serde_json::Value,
}

/// The AuthX stand-in's control API (`sandbox.authx`).
#[napi]
pub struct AuthxSandbox {
    shared: Arc<Shared>,
}

impl AuthxSandbox {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

/// The stand-in's user type is not exported by core, so the conversion is spelled once here.
macro_rules! sandbox_user {
    ($user:expr) => {{
        let user = $user;
        AuthxSandboxUser {
            guid: user.guid,
            user_name: user.user_name,
            email: user.email,
            first_name: user.first_name,
            last_name: user.last_name,
            country_code: user.country_code,
            number: user.number,
            aliases: user.aliases.to_vec(),
            has_pin: user.has_pin,
            enrolled: user.enrolled.into_iter().map(u32::from).collect(),
        }
    }};
}

#[napi]
impl AuthxSandbox {
    /// The Manage API `ApplicationId` the stand-in accepts from the start.
    #[napi(getter)]
    pub fn application_id(&self) -> &'static str {
        AuthxSim::APPLICATION_ID
    }

    /// Its `ApplicationKey`.
    #[napi(getter)]
    pub fn application_key(&self) -> &'static str {
        AuthxSim::APPLICATION_KEY
    }

    /// The biometric application the stand-in accepts from the start, ready for
    /// `AuthxOptions.biometricApp`.
    #[napi(getter)]
    pub fn biometric_app(&self) -> crate::biometric::BiometricAppOptions {
        crate::biometric::BiometricAppOptions {
            application_key: AuthxSim::BIOMETRIC_APPLICATION_KEY.into(),
            secret_key: AuthxSim::BIOMETRIC_SECRET_KEY.into(),
            host_name: AuthxSim::HOST_NAME.into(),
        }
    }

    /// Accepts another Manage API application.
    #[napi(catch_unwind)]
    pub fn add_application(&self, env: Env, application_id: String, application_key: String) -> napi::Result<()> {
        self.shared.with(&env, |s| s.authx().add_application(&application_id, &application_key))
    }

    /// Accepts another biometric application.
    #[napi(catch_unwind)]
    pub fn add_biometric_app(
        &self,
        env: Env,
        application_key: String,
        secret_key: String,
        host_name: String,
    ) -> napi::Result<()> {
        self.shared.with(&env, |s| s.authx().add_biometric_app(&application_key, &secret_key, &host_name))
    }

    /// The lifetime (`expires_in`, in ms) of tokens issued from now on.
    #[napi(catch_unwind)]
    pub fn set_token_lifetime(&self, env: Env, lifetime_ms: u32) -> napi::Result<()> {
        self.shared.with(&env, |s| s.authx().set_token_lifetime(Duration::from_millis(u64::from(lifetime_ms))))
    }

    /// Ends every token issued so far: calls carrying one get 401 from now on.
    #[napi(catch_unwind)]
    pub fn expire_tokens(&self, env: Env) -> napi::Result<()> {
        self.shared.with(&env, |s| s.authx().expire_tokens())
    }

    /// Every access token issued, oldest first.
    #[napi(catch_unwind)]
    pub fn issued_tokens(&self, env: Env) -> napi::Result<Vec<String>> {
        self.shared.with(&env, |s| s.authx().issued_tokens())
    }

    /// The user with this `guid`, or `null`.
    #[napi(catch_unwind)]
    pub fn user(&self, env: Env, guid: String) -> napi::Result<Option<AuthxSandboxUser>> {
        Ok(self.shared.with(&env, |s| s.authx().user(&guid))?.map(|u| sandbox_user!(u)))
    }

    /// The user with this `user_name`, or `null`.
    #[napi(catch_unwind)]
    pub fn user_named(&self, env: Env, user_name: String) -> napi::Result<Option<AuthxSandboxUser>> {
        Ok(self.shared.with(&env, |s| s.authx().user_named(&user_name))?.map(|u| sandbox_user!(u)))
    }

    #[napi(catch_unwind)]
    pub fn user_count(&self, env: Env) -> napi::Result<u32> {
        self.shared.with(&env, |s| u32::try_from(s.authx().user_count()).unwrap_or(u32::MAX))
    }

    /// The next ProcessBiometric answers `responseCode` instead of comparing samples (to
    /// produce `face_quality_poor`, `too_many_face`, …). Queued codes are used in order.
    #[napi(catch_unwind)]
    pub fn queue_biometric_outcome(&self, env: Env, response_code: i64) -> napi::Result<()> {
        self.shared.with(&env, |s| s.authx().queue_biometric_outcome(response_code))
    }

    /// The JSON body of the last request on a JSON route (`authx.AddUser`, …), as received.
    #[napi(catch_unwind)]
    pub fn last_request(&self, env: Env, route: String) -> napi::Result<Option<serde_json::Value>> {
        self.shared.with(&env, |s| s.authx().last_request(&route))
    }

    /// What the last accepted ProcessBiometric upload carried, or `null`.
    #[napi(catch_unwind)]
    pub fn last_upload(&self, env: Env) -> napi::Result<Option<AuthxSandboxUpload>> {
        let upload = self.shared.with(&env, |s| s.authx().last_upload())?;
        Ok(upload.map(|upload| AuthxSandboxUpload {
            bytes: upload.bytes as f64,
            sha256: upload.sha256.iter().map(|b| format!("{b:02x}")).collect(),
            content_length: upload.content_length.map(|len| len as f64),
            data_content_type: upload.data_content_type,
            process_biometrics: upload.process_biometrics,
        }))
    }
}

// One `impl` block per vendor, so that each vendor's accessor exists only when its feature
// (and module) is compiled in.
#[napi]
impl Sandbox {
    /// The AuthX stand-in's control API.
    #[napi(getter, catch_unwind)]
    pub fn authx(&self) -> AuthxSandbox {
        AuthxSandbox::new(self.shared.clone())
    }
}
