//! AuthX (seed `authx-api.txt`): access token, users, PINs and biometric uploads.
//!
//! The token is cached and renewed by core (one request however many calls wait); a wrong PIN
//! and a biometric mismatch are answers, not errors; `response_code` 0 rejects with code
//! `vendor`, `.vendorCode` AuthX's subcode and `.vendorMessage` its text.

use std::sync::Arc;
use std::time::Duration;

use authbridge::authx::{self, AuthxConfig, BiometricCall, PinVerification as CorePin, UserProfile};
use authbridge::Secret;
use napi::bindgen_prelude::{Either3, Object, PromiseRaw, Uint8Array};
use napi::Env;
use napi_derive::napi;

use crate::biometric::{BiometricAppOptions, BiometricFrame, BiometricRequest, Sample};
use crate::cancel::{signal_of, CallOptions};
use crate::error::check;
use crate::runtime::promise;
use crate::transport::{self, TransportOptions};

/// Where AuthX is and the application's credentials.
#[napi(object)]
pub struct AuthxOptions {
    /// The API's base URL; or give `tenantHost` for `https://api-<tenantHost>.authx.com`.
    pub base_url: Option<String>,
    pub tenant_host: Option<String>,
    /// The Manage API `ApplicationId`.
    pub application_id: String,
    /// The Manage API `ApplicationKey`.
    pub application_key: String,
    /// Needed for ProcessBiometric: the biometric application's key, secret and host.
    pub biometric_app: Option<BiometricAppOptions>,
    /// Renew the token this long (ms) before `expires_in` runs out (default 5 minutes).
    pub token_refresh_margin_ms: Option<u32>,
    /// Content type of the sample part (default `application/octet-stream`).
    pub biometric_content_type: Option<String>,
    /// Time allowed for one biometric upload, in ms (default 5 minutes).
    pub upload_timeout_ms: Option<u32>,
    pub transport: Option<TransportOptions>,
}

/// A user as AddUser and UpdateUser send it (seed field names in the comments).
#[napi(object)]
pub struct AuthxUserProfile {
    /// `user_name`: unique; UpdateUser cannot change it.
    pub user_name: String,
    pub email: String,
    /// `name.first_Name`.
    pub first_name: String,
    /// `name.last_Name`.
    pub last_name: String,
    /// `phone.mobile.number`: digits only.
    pub number: String,
    /// `phone.mobile.countryCode`, e.g. `+91` (default `+1`).
    pub country_code: Option<String>,
    /// `alias_name`, `alias_name1` … `alias_name4`; `null` leaves one out.
    pub aliases: Option<Vec<Option<String>>>,
}

fn profile(user: AuthxUserProfile) -> authbridge::Result<UserProfile> {
    let mut profile = UserProfile::new(&user.user_name, &user.email, &user.first_name, &user.last_name, &user.number);
    if let Some(code) = &user.country_code {
        profile = profile.country_code(code);
    }
    for (index, alias) in user.aliases.unwrap_or_default().into_iter().enumerate() {
        if let Some(alias) = alias {
            profile = profile.alias(index, &alias)?;
        }
    }
    Ok(profile)
}

/// An AuthX access token (`Debug`-safe in Rust; here it is the caller's to guard).
#[napi(object)]
pub struct AuthxAccessToken {
    pub access_token: String,
    pub token_type: String,
    /// `expires_in`, in seconds.
    pub expires_in: f64,
    /// `CompanyId`, as text.
    pub company_id: Option<String>,
    /// `.issued` as AuthX wrote it.
    pub issued: Option<String>,
    /// `.expires` as AuthX wrote it.
    pub expires: Option<String>,
}

/// VerifyPin's answer: a wrong PIN is `verified: false` with AuthX's subcode and text.
#[napi(object)]
pub struct PinVerification {
    pub verified: bool,
    pub subcode: Option<i64>,
    pub message: Option<String>,
}

/// ProcessBiometric's answer. `outcome` is `success`, `face_not_match`, `face_quality_poor`,
/// `too_many_face`, `face_not_found`, `face_out_bound`, `settings_missed`, `user_not_exists` or
/// `other`; `outcomeCode` is AuthX's `response_code`.
#[napi(object)]
pub struct BiometricResult {
    pub outcome: String,
    pub outcome_code: i64,
    pub subcode: i64,
    pub message: Option<String>,
    pub correlation_id: String,
}

fn ms(value: u32) -> Duration {
    Duration::from_millis(u64::from(value))
}

fn config(options: AuthxOptions) -> authbridge::Result<AuthxConfig> {
    let mut config = match (options.base_url, options.tenant_host) {
        (Some(url), None) => AuthxConfig::new(&url, options.application_id, options.application_key)?,
        (None, Some(host)) => AuthxConfig::for_tenant(&host, options.application_id, options.application_key)?,
        _ => return Err(authbridge::Error::invalid("baseUrl", "give exactly one of baseUrl and tenantHost")),
    };
    if let Some(app) = options.biometric_app {
        config = config.biometric_app(app.into());
    }
    if let Some(margin) = options.token_refresh_margin_ms {
        config = config.token_refresh_margin(ms(margin));
    }
    if let Some(content_type) = &options.biometric_content_type {
        config = config.biometric_content_type(content_type);
    }
    if let Some(timeout) = options.upload_timeout_ms {
        config = config.upload_timeout(ms(timeout));
    }
    Ok(config.transport(transport::config(options.transport)))
}

/// An AuthX Public API client. Create it once and share it: it pools connections and caches
/// the access token.
#[napi]
pub struct AuthxClient {
    inner: Arc<authx::AuthxClient>,
}

#[napi]
impl AuthxClient {
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, options: AuthxOptions) -> napi::Result<Self> {
        let client = check(&env, config(options).and_then(authx::AuthxClient::new))?;
        Ok(Self { inner: Arc::new(client) })
    }

    /// AccessToken: the current token (cached; fetched or renewed when needed).
    #[napi(catch_unwind, ts_return_type = "Promise<AuthxAccessToken>")]
    pub fn access_token<'env>(
        &self,
        env: &'env Env,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, AuthxAccessToken>> {
        let client = self.inner.clone();
        promise(env, signal_of(&options), async move { client.access_token().await }, |_, token| {
            Ok(AuthxAccessToken {
                access_token: token.access_token.expose().to_string(),
                token_type: token.token_type,
                expires_in: token.expires_in.as_secs_f64(),
                company_id: token.company_id,
                issued: token.issued,
                expires: token.expires,
            })
        })
    }

    /// AddUser: creates a user and resolves with its `guid`.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn add_user<'env>(
        &self,
        env: &'env Env,
        user: AuthxUserProfile,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let client = self.inner.clone();
        promise(env, signal_of(&options), async move { client.add_user(&profile(user)?).await }, |_, guid| {
            Ok(guid.as_str().to_string())
        })
    }

    /// UpdateUser: changes the user `guid` (not its `user_name`) and resolves with its `guid`.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn update_user<'env>(
        &self,
        env: &'env Env,
        guid: String,
        user: AuthxUserProfile,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let client = self.inner.clone();
        promise(env, signal_of(&options), async move { client.update_user(&guid, &profile(user)?).await }, |_, guid| {
            Ok(guid.as_str().to_string())
        })
    }

    /// DeleteUser.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn delete_user<'env>(
        &self,
        env: &'env Env,
        guid: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, ()>> {
        let client = self.inner.clone();
        promise(env, signal_of(&options), async move { client.delete_user(&guid).await }, |_, ()| Ok(()))
    }

    /// GeneratePin: sets the user's PIN.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn generate_pin<'env>(
        &self,
        env: &'env Env,
        guid: String,
        pin: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, ()>> {
        let client = self.inner.clone();
        let pin = Secret::new(pin);
        promise(env, signal_of(&options), async move { client.generate_pin(&guid, &pin).await }, |_, ()| Ok(()))
    }

    /// VerifyPin: a wrong PIN resolves with `verified: false`.
    #[napi(catch_unwind, ts_return_type = "Promise<PinVerification>")]
    pub fn verify_pin<'env>(
        &self,
        env: &'env Env,
        guid: String,
        pin: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, PinVerification>> {
        let client = self.inner.clone();
        let pin = Secret::new(pin);
        promise(env, signal_of(&options), async move { client.verify_pin(&guid, &pin).await }, |_, verification| {
            Ok(match verification {
                CorePin::Verified => PinVerification { verified: true, subcode: None, message: None },
                CorePin::Rejected { subcode, message } => {
                    PinVerification { verified: false, subcode: Some(subcode), message }
                }
            })
        })
    }

    /// ProcessBiometric: uploads a sample (a `Buffer`, a file path, or a stream) to enrol,
    /// verify or delete. A mismatch or unusable sample is an `outcome`, not an error.
    #[napi(catch_unwind, ts_return_type = "Promise<BiometricResult>")]
    pub fn process_biometric<'env>(
        &self,
        env: &'env Env,
        request: BiometricRequest,
        #[napi(
            ts_arg_type = "Buffer | Uint8Array | string | AsyncIterable<Uint8Array> | { stream: AsyncIterable<Uint8Array>; length?: number }"
        )]
        data: Either3<Uint8Array, String, Object>,
    ) -> napi::Result<PromiseRaw<'env, BiometricResult>> {
        let sample = Sample::from_js(env, data)?;
        let call: BiometricCall = request.into();
        let client = self.inner.clone();
        promise(
            env,
            None,
            async move { client.process_biometric(&call, sample.into_data().await?).await },
            |_, result| {
                Ok(BiometricResult {
                    outcome: result.outcome.as_str().to_string(),
                    outcome_code: result.outcome.code(),
                    subcode: result.subcode,
                    message: result.message,
                    correlation_id: result.correlation_id,
                })
            },
        )
    }

    /// The framed ProcessBiometric body for this client's biometric application, for hosts
    /// that send it themselves.
    #[napi(catch_unwind, ts_return_type = "Promise<BiometricFrame>")]
    pub fn biometric_frame<'env>(
        &self,
        env: &'env Env,
        request: BiometricRequest,
        #[napi(
            ts_arg_type = "Buffer | Uint8Array | string | AsyncIterable<Uint8Array> | { stream: AsyncIterable<Uint8Array>; length?: number }"
        )]
        data: Either3<Uint8Array, String, Object>,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, BiometricFrame>> {
        let sample = Sample::from_js(env, data)?;
        let call: BiometricCall = request.into();
        let client = self.inner.clone();
        promise(
            env,
            signal_of(&options),
            async move { client.biometric_frame(&call, sample.into_data().await?) },
            |_, frame| Ok(BiometricFrame::new(frame)),
        )
    }
}
