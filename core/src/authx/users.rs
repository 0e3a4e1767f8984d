//! Users and PINs: AddUser, UpdateUser, DeleteUser, GeneratePin, VerifyPin (docs/vendors/authx.md,
//! "Users and PINs"). All are `POST` with a JSON body and `Authorization: Bearer <token>`, and
//! answer the envelope of `envelope.rs`.

use serde_json::{json, Map, Value};

use super::client::{AuthxClient, Operation};
use super::envelope::{Envelope, ERROR, SUBCODE_EXCEPTION, SUCCESS};
use super::types::{PinVerification, UserGuid};
use crate::validate::{no_control, required};
use crate::{Error, Result, Secret, Vendor};

/// `countryCode` when none is given: the vendor's "default if not passed would be +1".
pub const DEFAULT_COUNTRY_CODE: &str = "+1";

/// What AddUser and UpdateUser send about a user. Field names follow the vendor; on the wire the
/// names are nested as in its sample:
/// `{"guid","user_name","email","name":{"first_Name","last_Name"},
///   "phone":{"mobile":{"countryCode","number"}},"alias_name".."alias_name4"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserProfile {
    /// `user_name`: unique; cannot be changed by UpdateUser.
    pub user_name: String,
    /// `email`: the user's mail address (checked to look like one).
    pub email: String,
    /// `name.first_Name`.
    pub first_name: String,
    /// `name.last_Name`.
    pub last_name: String,
    /// `phone.mobile.countryCode`, e.g. `+91`; [`DEFAULT_COUNTRY_CODE`] when `None`.
    pub country_code: Option<String>,
    /// `phone.mobile.number`: digits only.
    pub number: String,
    /// `alias_name`, `alias_name1` … `alias_name4`: additional user names, each left out of the
    /// request when `None`.
    pub aliases: [Option<String>; 5],
}

/// The wire names of [`UserProfile::aliases`], in order.
const ALIAS_FIELDS: [&str; 5] = ["alias_name", "alias_name1", "alias_name2", "alias_name3", "alias_name4"];

impl UserProfile {
    /// A profile with the five fields AuthX requires, the default country code and no aliases.
    /// Checked when it is sent.
    pub fn new(user_name: &str, email: &str, first_name: &str, last_name: &str, number: &str) -> Self {
        Self {
            user_name: user_name.into(),
            email: email.into(),
            first_name: first_name.into(),
            last_name: last_name.into(),
            number: number.into(),
            ..Self::default()
        }
    }

    /// Sets `phone.mobile.countryCode` (`+` and 1 to 4 digits) instead of [`DEFAULT_COUNTRY_CODE`].
    pub fn country_code(mut self, country_code: &str) -> Self {
        self.country_code = Some(country_code.into());
        self
    }

    /// Sets `alias_name` (index 0) … `alias_name4` (index 4).
    pub fn alias(mut self, index: usize, alias: &str) -> Result<Self> {
        let slot = self.aliases.get_mut(index).ok_or_else(|| Error::invalid("alias_name", "index must be 0..=4"))?;
        *slot = Some(alias.into());
        Ok(self)
    }

    fn validate(&self) -> Result<()> {
        for (field, value) in [
            ("user_name", &self.user_name),
            ("email", &self.email),
            ("first_Name", &self.first_name),
            ("last_Name", &self.last_name),
            ("number", &self.number),
        ] {
            required(field, value)?;
            no_control(field, value)?;
        }
        let email_ok = match self.email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty() && domain.contains('.') && !domain.contains('@') && !self.email.contains(' ')
            }
            None => false,
        };
        if !email_ok {
            return Err(Error::invalid("email", "must be an e-mail address (name@domain)"));
        }
        if let Some(code) = &self.country_code {
            let digits = code.strip_prefix('+').unwrap_or("");
            if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::invalid("countryCode", "must be '+' and 1 to 4 digits, e.g. +91"));
            }
        }
        if self.number.len() > 15 || !self.number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid("number", "must be at most 15 digits, without the country code"));
        }
        for (field, alias) in ALIAS_FIELDS.iter().zip(&self.aliases) {
            if let Some(alias) = alias {
                no_control(field, alias)?;
            }
        }
        Ok(())
    }

    /// The request body, with `guid` first as in the vendor's sample ("" for AddUser).
    fn wire(&self, guid: &str) -> Value {
        let mut body = Map::new();
        body.insert("guid".into(), json!(guid));
        body.insert("user_name".into(), json!(self.user_name));
        body.insert("email".into(), json!(self.email));
        body.insert("name".into(), json!({ "first_Name": self.first_name, "last_Name": self.last_name }));
        let country_code = self.country_code.as_deref().unwrap_or(DEFAULT_COUNTRY_CODE);
        body.insert("phone".into(), json!({ "mobile": { "countryCode": country_code, "number": self.number } }));
        for (field, alias) in ALIAS_FIELDS.iter().zip(&self.aliases) {
            if let Some(alias) = alias {
                body.insert((*field).into(), json!(alias));
            }
        }
        Value::Object(body)
    }
}

/// A `guid` argument: AuthX calls it AlphaNumeric; authbridge checks only that it is there and
/// cannot break the request.
fn check_guid(guid: &str) -> Result<()> {
    required("guid", guid)?;
    no_control("guid", guid)
}

/// A PIN argument: the vendor allows "any random pin given by user".
fn check_pin(pin: &Secret) -> Result<()> {
    required("pin", pin.expose())?;
    no_control("pin", pin.expose())
}

impl AuthxClient {
    /// AddUser: creates a user and returns its `guid`. A user name that exists, or any other
    /// refusal, is an `Error::Vendor` with AuthX's subcode and text.
    pub async fn add_user(&self, user: &UserProfile) -> Result<UserGuid> {
        user.validate()?;
        let envelope = self.json_call(Operation::AddUser, &user.wire("")).await?;
        envelope.guid()
    }

    /// UpdateUser: changes the user `guid` (its `user_name` cannot change) and returns the guid
    /// AuthX answers with.
    pub async fn update_user(&self, guid: &str, user: &UserProfile) -> Result<UserGuid> {
        check_guid(guid)?;
        user.validate()?;
        let envelope = self.json_call(Operation::UpdateUser, &user.wire(guid)).await?;
        envelope.guid()
    }

    /// DeleteUser.
    pub async fn delete_user(&self, guid: &str) -> Result<()> {
        check_guid(guid)?;
        self.json_call(Operation::DeleteUser, &json!({ "guid": guid })).await.map(drop)
    }

    /// GeneratePin: sets the user's PIN to `pin`.
    pub async fn generate_pin(&self, guid: &str, pin: &Secret) -> Result<()> {
        check_guid(guid)?;
        check_pin(pin)?;
        self.json_call(Operation::GeneratePin, &json!({ "guid": guid, "pin": pin.expose() })).await.map(drop)
    }

    /// VerifyPin: whether `pin` is the user's. A wrong PIN is [`PinVerification::Rejected`];
    /// errors are failures to check at all (unknown user: `response_subcode` 100, HTTP errors).
    pub async fn verify_pin(&self, guid: &str, pin: &Secret) -> Result<PinVerification> {
        check_guid(guid)?;
        check_pin(pin)?;
        let body = json!({ "guid": guid, "pin": pin.expose() });
        let response = self.authorized(Operation::VerifyPin, |request| request.json(&body).map(Some)).await?;
        let envelope = Envelope::read(&response)?;
        let subcode = envelope.response_subcode.unwrap_or(0);
        match envelope.response_code {
            SUCCESS => Ok(PinVerification::Verified),
            ERROR if subcode != SUBCODE_EXCEPTION => {
                Ok(PinVerification::Rejected { subcode, message: envelope.response_text })
            }
            ERROR => Err(envelope.into_vendor_error(&response)),
            other => Err(Error::Decode {
                vendor: Vendor::AuthX,
                message: format!("unexpected VerifyPin response_code {other} (1 or 0 expected)"),
            }),
        }
    }

    async fn json_call(&self, operation: Operation, body: &Value) -> Result<Envelope> {
        let response = self.authorized(operation, |request| request.json(body).map(Some)).await?;
        Envelope::expect_success(&response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_shape_nests_and_omits_unset_aliases() {
        let user = UserProfile::new("Richard001", "Richardmiller@gmail.com", "Richard", "miller", "9876813805")
            .alias(2, "rm")
            .unwrap();
        assert_eq!(
            user.wire(""),
            json!({
                "guid": "",
                "user_name": "Richard001",
                "email": "Richardmiller@gmail.com",
                "name": { "first_Name": "Richard", "last_Name": "miller" },
                "phone": { "mobile": { "countryCode": "+1", "number": "9876813805" } },
                "alias_name2": "rm"
            })
        );
        let with_code = user.country_code("+91").wire("g");
        assert_eq!(with_code["phone"]["mobile"]["countryCode"], "+91");
        assert_eq!(with_code["guid"], "g");
        assert!(with_code.get("alias_name").is_none());
    }

    #[test]
    fn refuses_bad_fields_naming_them() {
        let good = UserProfile::new("u", "a@b.c", "F", "L", "98765");
        assert!(good.validate().is_ok());
        let e = UserProfile { email: "nope".into(), ..good.clone() }.validate().unwrap_err();
        assert_eq!(e.to_string(), "invalid input: `email` must be an e-mail address (name@domain)");
        let e = good.clone().country_code("91").validate().unwrap_err();
        assert!(e.to_string().contains("`countryCode`"));
        let e = UserProfile { number: "+1 555".into(), ..good.clone() }.validate().unwrap_err();
        assert!(e.to_string().contains("`number`"));
        let e = UserProfile { first_name: " ".into(), ..good.clone() }.validate().unwrap_err();
        assert!(e.to_string().contains("`first_Name`"));
        assert_eq!(good.alias(5, "x").unwrap_err().code(), "invalid_input");
    }
}
