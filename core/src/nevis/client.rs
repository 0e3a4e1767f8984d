//! The nevisIDM client: one method per login of docs/vendors/nevisidm.md, "Endpoints".

use base64::Engine;
use http::header::{ACCEPT, AUTHORIZATION};
use serde_json::json;
use url::Url;

use super::config::{NevisAuth, NevisConfig};
use super::types::{ErrorsDto, LoginStatus, LoginStatusCode, LoginStatusDto};
use crate::transport::{Replay, Request, Response, Transport};
use crate::validate::{no_control, required};
use crate::{Error, Result, Secret, Vendor, VendorDetail};

/// A nevisIDM Authentication API client. Cheap to share: clone the `Arc` it usually lives in,
/// or call it from many tasks at once (it is `Send + Sync` and pools connections).
#[derive(Debug)]
pub struct NevisClient {
    base_url: Url,
    auth: NevisAuth,
    transport: Transport,
}

/// Which login endpoint a call goes to, and how the vendor names its credential in messages.
#[derive(Clone, Copy)]
enum Login {
    RecoveryCode,
    Password,
    DevicePassword,
    ContextPassword,
}

impl Login {
    fn path(self) -> [&'static str; 2] {
        match self {
            Login::RecoveryCode => ["recovery-codes", "login"],
            Login::Password => ["password", "login"],
            Login::DevicePassword => ["device-password", "login"],
            Login::ContextPassword => ["context-password", "login"],
        }
    }

    fn operation(self) -> &'static str {
        match self {
            Login::RecoveryCode => "recovery_code_login",
            Login::Password => "password_login",
            Login::DevicePassword => "device_password_login",
            Login::ContextPassword => "context_password_login",
        }
    }
}

impl NevisClient {
    /// A client for `config`. Fails with a `config` error when the transport cannot be built (a
    /// client certificate that does not parse, for instance); nothing is sent yet.
    pub fn new(config: NevisConfig) -> Result<Self> {
        let mut transport_config = config.transport;
        if let NevisAuth::ClientCertificate(pem) = &config.auth {
            transport_config.client_identity_pem = Some(pem.clone());
        }
        Ok(Self {
            base_url: config.base_url,
            auth: config.auth,
            transport: Transport::new(Vendor::Nevis, transport_config)?,
        })
    }

    /// Recovery Code login: `POST /{clientExtId}/users/{userExtId}/recovery-codes/login/`.
    ///
    /// Succeeds with HTTP 204. Each code works once; a wrong or used code fails with
    /// `authentication_failed` (any 400/409/410, and any 4xx whose nevisIDM error code names
    /// the recovery code), keeping nevisIDM's status, code and message.
    pub async fn recovery_code_login(&self, client_ext_id: &str, user_ext_id: &str, code: &Secret) -> Result<()> {
        required("code", code.expose())?;
        let response =
            self.send(Login::RecoveryCode, client_ext_id, user_ext_id, json!({ "code": code.expose() })).await?;
        match response.status.as_u16() {
            204 | 200 => Ok(()),
            _ => Err(error_from(&response, Login::RecoveryCode)),
        }
    }

    /// Password login: `POST /{clientExtId}/users/{userExtId}/password/login/`.
    pub async fn password_login(
        &self,
        client_ext_id: &str,
        user_ext_id: &str,
        password: &Secret,
    ) -> Result<LoginStatus> {
        required("password", password.expose())?;
        let body = json!({ "password": password.expose() });
        self.login_status(Login::Password, client_ext_id, user_ext_id, body).await
    }

    /// Device Password login: `POST /{clientExtId}/users/{userExtId}/device-password/login/`,
    /// for the device password whose external id is `credential_ext_id`.
    pub async fn device_password_login(
        &self,
        client_ext_id: &str,
        user_ext_id: &str,
        credential_ext_id: &str,
        password: &Secret,
    ) -> Result<LoginStatus> {
        required("credentialExtId", credential_ext_id)?;
        required("password", password.expose())?;
        let body = json!({ "password": password.expose(), "credentialExtId": credential_ext_id });
        self.login_status(Login::DevicePassword, client_ext_id, user_ext_id, body).await
    }

    /// Context Password login: `POST /{clientExtId}/users/{userExtId}/context-password/login/`,
    /// for the context password of `context`.
    pub async fn context_password_login(
        &self,
        client_ext_id: &str,
        user_ext_id: &str,
        context: &str,
        password: &Secret,
    ) -> Result<LoginStatus> {
        required("context", context)?;
        required("password", password.expose())?;
        let body = json!({ "password": password.expose(), "context": context });
        self.login_status(Login::ContextPassword, client_ext_id, user_ext_id, body).await
    }

    async fn login_status(
        &self,
        login: Login,
        client_ext_id: &str,
        user_ext_id: &str,
        body: serde_json::Value,
    ) -> Result<LoginStatus> {
        let response = self.send(login, client_ext_id, user_ext_id, body).await?;
        if response.status.as_u16() != 200 {
            return Err(error_from(&response, login));
        }
        let dto: LoginStatusDto = response.json()?;
        let status = LoginStatusCode::from_code(dto.status_code);
        let description = dto.description.unwrap_or_default();
        if !status.is_ok() {
            // HTTP 200 with any statusCode but 5 is a refused login, never a success.
            return Err(Error::AuthenticationFailed(Box::new(
                response.detail().code(dto.status_code.to_string()).message(description),
            )));
        }
        Ok(LoginStatus { status, description })
    }

    async fn send(
        &self,
        login: Login,
        client_ext_id: &str,
        user_ext_id: &str,
        body: serde_json::Value,
    ) -> Result<Response> {
        let url = self.login_url(login, client_ext_id, user_ext_id)?;
        // Every login submits a password or a single-use code: never replay it once sent.
        let request =
            Request::post(url, login.operation(), Replay::Never).header(ACCEPT, "application/json")?.json(&body)?;
        self.transport.send(self.authenticate(request)?).await
    }

    fn authenticate(&self, request: Request) -> Result<Request> {
        match &self.auth {
            NevisAuth::None | NevisAuth::ClientCertificate(_) => Ok(request),
            NevisAuth::Bearer(token) => request.bearer(token),
            NevisAuth::Basic { username, password } => {
                let pair = Secret::new(format!("{username}:{}", password.expose()));
                let encoded = base64::engine::general_purpose::STANDARD.encode(pair.expose());
                request.secret_header(AUTHORIZATION, &Secret::new(format!("Basic {encoded}")))
            }
            NevisAuth::Header { name, value } => request.secret_header(name.clone(), value),
        }
    }

    /// `<base>/{clientExtId}/users/{userExtId}/<login path>/`, each id one percent-encoded
    /// path segment, so `a/b?c#d` cannot reach another resource.
    fn login_url(&self, login: Login, client_ext_id: &str, user_ext_id: &str) -> Result<Url> {
        path_segment("clientExtId", client_ext_id)?;
        path_segment("userExtId", user_ext_id)?;
        let mut url = self.base_url.clone();
        {
            let mut segments =
                url.path_segments_mut().map_err(|()| Error::Config("nevisIDM base URL cannot take a path".into()))?;
            segments.pop_if_empty().push(client_ext_id).push("users").push(user_ext_id);
            segments.extend(login.path()).push("");
        }
        Ok(url)
    }
}

/// An id that must travel as exactly one path segment.
fn path_segment(field: &str, value: &str) -> Result<()> {
    required(field, value)?;
    no_control(field, value)?;
    // "." and ".." (even percent-encoded) are resolved away by URL parsers and proxies, so
    // they cannot be sent as a segment at all.
    if value == "." || value == ".." {
        return Err(Error::invalid(field, "must not be '.' or '..'"));
    }
    Ok(())
}

/// The typed error for a non-success answer, keeping the vendor's own code and message.
fn error_from(response: &Response, login: Login) -> Error {
    let mut detail: VendorDetail = response.detail();
    if let Ok(body) = response.json::<ErrorsDto>() {
        if let Some(first) = body.errors.into_iter().next() {
            detail.vendor_code = first.code;
            detail.vendor_message = first.message;
        }
    }
    match (login, response.status.as_u16()) {
        // A recovery code the server rejected (its exact status is not documented): the
        // person's credential failed, not the caller's access to nevisIDM. An error code
        // naming the recovery code says so at any 4xx status, 401/403 included, which would
        // otherwise read as the caller's credentials being refused.
        (Login::RecoveryCode, 400 | 409 | 410) => Error::AuthenticationFailed(Box::new(detail)),
        (Login::RecoveryCode, 400..=499) if detail.vendor_code.as_deref().is_some_and(names_recovery_code) => {
            Error::AuthenticationFailed(Box::new(detail))
        }
        _ => Error::from_status(detail),
    }
}

/// Whether a nevisIDM error code is about the recovery code itself (`errors.recoveryCodeUsed`,
/// `errors.invalidRecoveryCode`, …), in any case.
fn names_recovery_code(code: &str) -> bool {
    code.to_ascii_lowercase().contains("recoverycode")
}
