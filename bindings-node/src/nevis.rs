//! nevisIDM (seed `nevisidm-auth-api.txt`): the four logins.
//!
//! A wrong password rejects with code `authentication_failed`, `.vendorCode` the seed's
//! `statusCode` and `.loginStatus` its name (`failed`, `failed_lock_warning`,
//! `failed_locked`, `failed_temporarily_locked`).

use std::sync::Arc;

use authbridge::nevis::{self, NevisConfig};
use authbridge::Secret;
use napi::bindgen_prelude::{Buffer, Either, PromiseRaw};
use napi::Env;
use napi_derive::napi;

use crate::cancel::{signal_of, CallOptions};
use crate::error::check;
use crate::runtime::promise;
use crate::transport::{self, TransportOptions};

/// How authbridge proves itself to nevisIDM (it depends on the deployment).
#[napi(discriminant = "type", discriminant_case = "camelCase")]
pub enum NevisAuth {
    /// No caller authentication.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer { token: String },
    /// `Authorization: Basic …`.
    Basic { username: String, password: String },
    /// Any header, e.g. a nevisAuth SecToken.
    Header { name: String, value: String },
    /// Mutual TLS with a PEM certificate and private key.
    ClientCertificate { pem: Either<String, Buffer> },
}

/// Where nevisIDM is and how to reach it.
#[napi(object)]
pub struct NevisOptions {
    /// `https://your-host` (the default API path is appended) or the full API base URL.
    pub base_url: String,
    pub auth: Option<NevisAuth>,
    pub transport: Option<TransportOptions>,
}

/// A successful login's Login Status DTO.
#[napi(object)]
pub struct LoginStatus {
    /// `ok` for a successful login.
    pub status: String,
    /// The seed's `statusCode` (5).
    pub status_code: i64,
    /// Human-readable login status information from nevisIDM.
    pub description: String,
}

impl From<nevis::LoginStatus> for LoginStatus {
    fn from(status: nevis::LoginStatus) -> Self {
        Self {
            status: status.status.as_str().to_string(),
            status_code: status.status.code(),
            description: status.description,
        }
    }
}

fn core_auth(env: &Env, auth: NevisAuth) -> napi::Result<nevis::NevisAuth> {
    Ok(match auth {
        NevisAuth::None => nevis::NevisAuth::None,
        NevisAuth::Bearer { token } => nevis::NevisAuth::Bearer(Secret::new(token)),
        NevisAuth::Basic { username, password } => {
            nevis::NevisAuth::Basic { username, password: Secret::new(password) }
        }
        NevisAuth::Header { name, value } => {
            let name = http_header_name(env, &name)?;
            nevis::NevisAuth::Header { name, value: Secret::new(value) }
        }
        NevisAuth::ClientCertificate { pem } => {
            nevis::NevisAuth::ClientCertificate(authbridge::SecretBytes::new(match pem {
                Either::A(text) => text.into_bytes(),
                Either::B(buffer) => buffer.to_vec(),
            }))
        }
    })
}

fn http_header_name(env: &Env, name: &str) -> napi::Result<http::HeaderName> {
    check(
        env,
        http::HeaderName::try_from(name)
            .map_err(|_| authbridge::Error::invalid("auth.name", "must be a valid HTTP header name")),
    )
}

/// A nevisIDM Authentication API client. One client pools its connections: create it once
/// and share it.
#[napi]
pub struct NevisClient {
    inner: Arc<nevis::NevisClient>,
}

#[napi]
impl NevisClient {
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, options: NevisOptions) -> napi::Result<Self> {
        let mut config =
            check(&env, NevisConfig::new(&options.base_url))?.transport(transport::config(options.transport));
        if let Some(auth) = options.auth {
            config = config.auth(core_auth(&env, auth)?);
        }
        let inner = check(&env, nevis::NevisClient::new(config))?;
        Ok(Self { inner: Arc::new(inner) })
    }

    /// Recovery Code login (`…/recovery-codes/login/`). Resolves when nevisIDM accepts the
    /// code (HTTP 204); each code works once.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn recovery_code_login<'env>(
        &self,
        env: &'env Env,
        client_ext_id: String,
        user_ext_id: String,
        code: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, ()>> {
        let client = self.inner.clone();
        let code = Secret::new(code);
        promise(
            env,
            signal_of(&options),
            async move { client.recovery_code_login(&client_ext_id, &user_ext_id, &code).await },
            |_, ()| Ok(()),
        )
    }

    /// Password login (`…/password/login/`).
    #[napi(catch_unwind, ts_return_type = "Promise<LoginStatus>")]
    pub fn password_login<'env>(
        &self,
        env: &'env Env,
        client_ext_id: String,
        user_ext_id: String,
        password: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, LoginStatus>> {
        let client = self.inner.clone();
        let password = Secret::new(password);
        promise(
            env,
            signal_of(&options),
            async move { client.password_login(&client_ext_id, &user_ext_id, &password).await },
            |_, s| Ok(s.into()),
        )
    }

    /// Device Password login (`…/device-password/login/`) for the credential `credentialExtId`.
    #[napi(catch_unwind, ts_return_type = "Promise<LoginStatus>")]
    pub fn device_password_login<'env>(
        &self,
        env: &'env Env,
        client_ext_id: String,
        user_ext_id: String,
        credential_ext_id: String,
        password: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, LoginStatus>> {
        let client = self.inner.clone();
        let password = Secret::new(password);
        promise(
            env,
            signal_of(&options),
            async move { client.device_password_login(&client_ext_id, &user_ext_id, &credential_ext_id, &password).await },
            |_, s| Ok(s.into()),
        )
    }

    /// Context Password login (`…/context-password/login/`) for the password of `context`.
    #[napi(catch_unwind, ts_return_type = "Promise<LoginStatus>")]
    pub fn context_password_login<'env>(
        &self,
        env: &'env Env,
        client_ext_id: String,
        user_ext_id: String,
        context: String,
        password: String,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, LoginStatus>> {
        let client = self.inner.clone();
        let password = Secret::new(password);
        promise(
            env,
            signal_of(&options),
            async move { client.context_password_login(&client_ext_id, &user_ext_id, &context, &password).await },
            |_, s| Ok(s.into()),
        )
    }
}
