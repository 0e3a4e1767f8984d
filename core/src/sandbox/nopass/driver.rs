//! The stand-in calling a portal back, the way the NoPass server does (`docs/vendors/nopass.md`, the callbacks).
//!
//! Bodies are built here as raw JSON with the seed's spelling (`UserId` in UpdatePicture, as
//! the seed writes it) and sent as `application/json-patch+json`, the seed's content type.
//! Answers are read as raw JSON, in the envelope or in bare mode.

use serde_json::{json, Value};

use super::server::NEXT_CHANGE_MS;
use super::{guid, picture, token, NoPassSim, SimPortal};
use crate::{Error, Result, Vendor, VendorDetail};

/// A portal's answer to one callback.
#[derive(Debug, Clone, PartialEq)]
pub struct CallbackReply {
    /// The HTTP status.
    pub status: u16,
    /// The body as JSON; `Null` when empty, a JSON string when it is not JSON.
    pub body: Value,
}

impl CallbackReply {
    fn is_envelope(&self) -> bool {
        matches!(&self.body, Value::Object(o) if o.contains_key("errors"))
    }

    /// 200 with an empty `errors` list (or a bare answer).
    pub fn is_success(&self) -> bool {
        self.status == 200 && (!self.is_envelope() || self.body["errors"].as_array().is_some_and(Vec::is_empty))
    }

    /// The envelope's `result`, or the bare body.
    pub fn result(&self) -> &Value {
        if self.is_envelope() {
            &self.body["result"]
        } else {
            &self.body
        }
    }

    /// The first error's `code`.
    pub fn error_code(&self) -> Option<&str> {
        self.body.get("errors")?.get(0)?.get("code")?.as_str()
    }

    /// The first error's `message`.
    pub fn error_message(&self) -> Option<&str> {
        self.body.get("errors")?.get(0)?.get("message")?.as_str()
    }
}

/// The JSON form answers a control request with: the reply and what it means.
impl serde::Serialize for CallbackReply {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        json!({
            "status": self.status,
            "body": self.body,
            "success": self.is_success(),
            "result": self.result(),
            "error_code": self.error_code(),
            "error_message": self.error_message(),
        })
        .serialize(serializer)
    }
}

fn step_failed(step: &str, reply: &CallbackReply) -> Error {
    let mut detail = VendorDetail::new(Vendor::NoPass).status(reply.status).message(format!(
        "the portal refused {step}: {}",
        reply.error_message().unwrap_or(if reply.body.is_null() { "empty answer" } else { "no error message" })
    ));
    detail.vendor_code = reply.error_code().map(str::to_string);
    Error::HttpStatus(Box::new(detail))
}

fn unexpected(step: &str, what: &str) -> Error {
    Error::Decode { vendor: Vendor::NoPass, message: format!("the portal's answer to {step}: {what}") }
}

impl NoPassSim {
    fn portal_or_err(&self) -> Result<SimPortal> {
        self.registration()
            .ok_or_else(|| Error::Config("the NoPass stand-in has not registered a portal (register_portal)".into()))
    }

    /// POSTs `body` to the portal's `/api/PortalCommunication/<callback>` (on the next replica)
    /// and returns the answer, whatever its status; redelivers it as
    /// [`NoPassSim::set_redeliveries`] allows.
    pub async fn send(&self, callback: &str, body: &Value) -> Result<CallbackReply> {
        let mut left = self.state().redeliveries;
        loop {
            let delivered = self.deliver(callback, body).await;
            let pause = match &delivered {
                Err(_) => std::time::Duration::from_millis(100),
                Ok(reply) if reply.status == 503 => std::time::Duration::from_millis(200),
                Ok(_) => return delivered,
            };
            if left == 0 {
                return delivered;
            }
            left -= 1;
            tokio::time::sleep(pause).await;
        }
    }

    async fn deliver(&self, callback: &str, body: &Value) -> Result<CallbackReply> {
        let base = self
            .next_portal_url()
            .ok_or_else(|| Error::Config("the NoPass stand-in has no portal URL (set_portal_url)".into()))?;
        let url = format!("{base}/api/PortalCommunication/{callback}");
        let response = self
            .http
            .post(&url)
            .header(http::header::CONTENT_TYPE, "application/json-patch+json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| Error::Transport { vendor: Vendor::NoPass, message: e.without_url().to_string() })?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Error::Transport { vendor: Vendor::NoPass, message: e.without_url().to_string() })?;
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Ok(CallbackReply { status, body })
    }

    async fn expect_success(&self, step: &str, body: &Value) -> Result<CallbackReply> {
        let reply = self.send(step, body).await?;
        if !reply.is_success() {
            return Err(step_failed(step, &reply));
        }
        Ok(reply)
    }

    /// Registers the portal as the NoPass console does: ConfirmPreRegistration with a random
    /// challenge `r` (checking `r + 1` and the `adminId` echo), then ConfirmRegistration with
    /// a new `portalId` and `authToken` (checking the same `sCode` comes back).
    pub async fn register_portal(&self, admin_id: &str) -> Result<SimPortal> {
        let r: u64 = rand::random_range(0..=99_999_999);
        let reply = self.expect_success("ConfirmPreRegistration", &json!({ "adminId": admin_id, "r": r })).await?;
        let result = reply.result();
        if result.get("r").and_then(Value::as_u64) != Some(r + 1) {
            return Err(unexpected("ConfirmPreRegistration", "`r` is not the challenge plus one"));
        }
        if result.get("adminId").and_then(Value::as_str) != Some(admin_id) {
            return Err(unexpected("ConfirmPreRegistration", "`adminId` is not the one sent"));
        }
        let s_code = result
            .get("sCode")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty() && s.chars().count() <= 64)
            .ok_or_else(|| unexpected("ConfirmPreRegistration", "`sCode` is missing or longer than 64"))?
            .to_string();
        let portal = SimPortal { portal_id: token(16).to_lowercase(), auth_token: token(64), s_code };
        let body = json!({
            "settings": "{\"loginTimeout\":360,\"pictureInterval\":30}",
            "portalId": portal.portal_id,
            "authToken": portal.auth_token,
        });
        let reply = self.expect_success("ConfirmRegistration", &body).await?;
        if reply.result().get("sCode").and_then(Value::as_str) != Some(portal.s_code.as_str()) {
            return Err(unexpected("ConfirmRegistration", "`sCode` differs from the pre-registration's"));
        }
        self.state().portal = Some(portal.clone());
        Ok(portal)
    }

    /// Completes the registration `user_id` started with PreRegisterUser, as the NoPass app
    /// does once the person has scanned the link: ValidateUserRegistration with the `otp`
    /// (which must answer `true`), then ConfirmUserRegistration with that `otp` and a new
    /// session. Returns the session's `authId`; the user can then log in.
    pub async fn complete_user_registration(&self, user_id: &str) -> Result<String> {
        let portal = self.portal_or_err()?;
        let pre = self
            .pre_registration(user_id)
            .ok_or_else(|| Error::Config(format!("the NoPass stand-in received no PreRegisterUser for {user_id:?}")))?;
        let validate = json!({
            "otp": pre.otp,
            "givenName": pre.given_name,
            "surName": pre.sur_name,
            "phoneNumber": pre.phone_number,
            "email": pre.email,
            "login": user_id,
            "profileImageUrl": null,
        });
        let reply = self.expect_success("ValidateUserRegistration", &validate).await?;
        if reply.result() != &Value::Bool(true) {
            return Err(step_failed("ValidateUserRegistration (answered false)", &reply));
        }
        let auth_id = guid();
        let confirm = json!({
            "otp": pre.otp,
            "portalId": portal.portal_id,
            "session": { "authId": auth_id, "login": user_id },
        });
        self.expect_success("ConfirmUserRegistration", &confirm).await?;
        let mut state = self.state();
        state.pre_registrations.remove(user_id);
        state.users.insert(user_id.to_string());
        Ok(auth_id)
    }

    /// A registration the NoPass server starts itself (the user is not known to the portal,
    /// seed 4): ValidateUserRegistration with a new `otp`, then, if the portal said `true`,
    /// ConfirmUserRegistration. Returns the session's `authId`.
    pub async fn register_user_from_server(&self, login: &str, email: Option<&str>) -> Result<String> {
        let portal = self.portal_or_err()?;
        let otp = token(32);
        let validate = json!({
            "otp": otp, "givenName": null, "surName": null, "phoneNumber": null,
            "email": email, "login": login, "profileImageUrl": null,
        });
        let reply = self.expect_success("ValidateUserRegistration", &validate).await?;
        if reply.result() != &Value::Bool(true) {
            return Err(step_failed("ValidateUserRegistration (answered false)", &reply));
        }
        let auth_id = guid();
        let confirm =
            json!({ "otp": otp, "portalId": portal.portal_id, "session": { "authId": auth_id, "login": login } });
        self.expect_success("ConfirmUserRegistration", &confirm).await?;
        self.state().users.insert(login.to_string());
        Ok(auth_id)
    }

    /// UpdatePicture with a fresh picture for the login `auth_id`.
    pub async fn update_picture(&self, auth_id: &str) -> Result<CallbackReply> {
        let user = self.login_user(auth_id);
        let body = json!({
            "authId": auth_id,
            "image": picture::base64_png(),
            "nextChange": NEXT_CHANGE_MS,
            "UserId": user,
        });
        self.send("UpdatePicture", &body).await
    }

    /// AuthorizedUser: the person approved (`true`) or denied the login.
    pub async fn authorize(&self, auth_id: &str, authorized: bool, reason: Option<&str>) -> Result<CallbackReply> {
        let body = json!({ "authId": auth_id, "isAuthorized": authorized, "reason": reason });
        self.send("AuthorizedUser", &body).await
    }

    /// A whole login after RequestAuthorization: `pictures` UpdatePictures, then the decision.
    /// Fails at the first step the portal refuses.
    pub async fn drive_login(&self, auth_id: &str, pictures: u32, authorized: bool) -> Result<()> {
        for _ in 0..pictures {
            let reply = self.update_picture(auth_id).await?;
            if !reply.is_success() {
                return Err(step_failed("UpdatePicture", &reply));
            }
        }
        let reason = (!authorized).then_some("The user denied the authentication on the NoPass app");
        let reply = self.authorize(auth_id, authorized, reason).await?;
        if !reply.is_success() {
            return Err(step_failed("AuthorizedUser", &reply));
        }
        Ok(())
    }

    /// CloseSession for `auth_id` (with the user's id when it fits the seed's 36 characters).
    pub async fn close_session(&self, auth_id: &str) -> Result<CallbackReply> {
        let portal = self.portal_or_err()?;
        let user = self.login_user(auth_id).filter(|u| u.chars().count() <= 36).unwrap_or_default();
        let body = json!({ "userId": user, "portalId": portal.portal_id, "authId": auth_id });
        self.send("CloseSession", &body).await
    }

    /// UpdateUser with `updates` as the seed shapes it
    /// (`{"givenName":{"newValue":…,"forbiddenStore":…},…}`).
    pub async fn update_user(&self, user_id: &str, updates: Value) -> Result<CallbackReply> {
        let portal = self.portal_or_err()?;
        let body = json!({ "userId": user_id, "portalId": portal.portal_id, "updates": updates });
        self.send("UpdateUser", &body).await
    }

    /// DeleteUser: the user's NoPass account is gone.
    pub async fn delete_user(&self, user_id: &str) -> Result<CallbackReply> {
        let portal = self.portal_or_err()?;
        let reply = self.send("DeleteUser", &json!({ "userId": user_id, "portalId": portal.portal_id })).await?;
        self.state().users.remove(user_id);
        Ok(reply)
    }

    /// AddUsers with `users` (a JSON array of `{givenName, surName, phoneNumber, email, login,
    /// isUseEmailAsLogin}`).
    pub async fn add_users(&self, users: Value) -> Result<CallbackReply> {
        let portal = self.portal_or_err()?;
        self.send("AddUsers", &json!({ "users": users, "portalId": portal.portal_id })).await
    }

    /// DisableService: the portal was deleted in the NoPass console.
    pub async fn disable_service(&self) -> Result<CallbackReply> {
        let portal = self.portal_or_err()?;
        self.send("DisableService", &json!({ "portalId": portal.portal_id })).await
    }
}
