//! Where OtpOne is, which paths and parameter names it uses, and how long calls may take.
//!
//! The guide documents operations and parameter names but no routes (docs/vendors/otpone.md,
//! "Endpoints"):
//! the default is `https://api.otpone.com`, each operation at `/api/{Operation}`, parameters in
//! the query string spelled as in the guide. Because that is a decision rather than a fact,
//! every path and every parameter name can be changed here.

use std::time::Duration;

use url::Url;

use crate::transport::TransportConfig;
use crate::{Error, Result};

/// The vendor's API host.
pub const DEFAULT_BASE_URL: &str = "https://api.otpone.com";

/// Default per-request limit of SendRequest. The guide (server-only flow) says the request "can
/// timeout if the customer doesn't respond fast enough (2 min)", so the call must be allowed
/// to outlast those two minutes by a margin, or we would give up before the vendor answers.
pub const DEFAULT_SEND_REQUEST_TIMEOUT: Duration = Duration::from_secs(150);

/// The path of each operation, appended to the base URL's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpOnePaths {
    /// getTransactionID, `/api/getTransactionID` by default.
    pub get_transaction_id: String,
    /// GetHTML, `/api/GetHTML` by default.
    pub get_html: String,
    /// VerifyToken, `/api/VerifyToken` by default.
    pub verify_token: String,
    /// IsFinish, `/api/IsFinish` by default.
    pub is_finish: String,
    /// GetResult, `/api/GetResult` by default.
    pub get_result: String,
    /// SendRequest, `/api/SendRequest` by default.
    pub send_request: String,
}

impl Default for OtpOnePaths {
    fn default() -> Self {
        Self {
            get_transaction_id: "/api/getTransactionID".into(),
            get_html: "/api/GetHTML".into(),
            verify_token: "/api/VerifyToken".into(),
            is_finish: "/api/IsFinish".into(),
            get_result: "/api/GetResult".into(),
            send_request: "/api/SendRequest".into(),
        }
    }
}

/// The query parameter names, spelled as in the guide by default (`requestype` included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpOneParams {
    /// The server key, `SrvAPIKey` by default.
    pub srv_api_key: String,
    /// The client key, `JsAPIKey` by default (a name the guide does not give).
    pub js_api_key: String,
    /// The user's mail address, `UserMail` by default.
    pub user_mail: String,
    /// The request type's number, `requestype` by default (the guide's spelling).
    pub request_type: String,
    /// The text shown to the person, `Message` by default.
    pub message: String,
    /// The distributed flow's private value, `privateToken` by default.
    pub private_token: String,
    /// The transaction id, `transactionid` by default.
    pub transaction_id: String,
    /// The page type's number, `pageType` by default.
    pub page_type: String,
    /// The page's form to submit after validation, `FormID` by default.
    pub form_id: String,
    /// The requester's address, `userIP` by default.
    pub user_ip: String,
    /// The requester's platform, `OSType` by default.
    pub os_type: String,
    /// The application name shown to the person, `NavigatorOrAPPName` by default.
    pub app_name: String,
    /// The token VerifyToken checks, `token` by default (a name the guide does not give).
    pub token: String,
}

impl Default for OtpOneParams {
    fn default() -> Self {
        Self {
            srv_api_key: "SrvAPIKey".into(),
            js_api_key: "JsAPIKey".into(),
            user_mail: "UserMail".into(),
            request_type: "requestype".into(),
            message: "Message".into(),
            private_token: "privateToken".into(),
            transaction_id: "transactionid".into(),
            page_type: "pageType".into(),
            form_id: "FormID".into(),
            user_ip: "userIP".into(),
            os_type: "OSType".into(),
            app_name: "NavigatorOrAPPName".into(),
            token: "token".into(),
        }
    }
}

impl OtpOneParams {
    /// The parameters of each operation, so that two of them cannot be renamed to the same
    /// name (ASP.NET matches names case-insensitively, so neither can differ only in case).
    fn per_operation(&self) -> [(&'static str, Vec<(&'static str, &str)>); 6] {
        let p = self;
        [
            (
                "getTransactionID",
                vec![
                    ("srv_api_key", &p.srv_api_key),
                    ("user_mail", &p.user_mail),
                    ("request_type", &p.request_type),
                    ("message", &p.message),
                    ("private_token", &p.private_token),
                ],
            ),
            (
                "GetHTML",
                vec![
                    ("srv_api_key", &p.srv_api_key),
                    ("transaction_id", &p.transaction_id),
                    ("page_type", &p.page_type),
                    ("form_id", &p.form_id),
                ],
            ),
            ("VerifyToken", vec![("srv_api_key", &p.srv_api_key), ("token", &p.token)]),
            ("IsFinish", vec![("js_api_key", &p.js_api_key), ("transaction_id", &p.transaction_id)]),
            ("GetResult", vec![("js_api_key", &p.js_api_key), ("transaction_id", &p.transaction_id)]),
            (
                "SendRequest",
                vec![
                    ("srv_api_key", &p.srv_api_key),
                    ("user_mail", &p.user_mail),
                    ("request_type", &p.request_type),
                    ("message", &p.message),
                    ("user_ip", &p.user_ip),
                    ("os_type", &p.os_type),
                    ("app_name", &p.app_name),
                ],
            ),
        ]
        .map(|(op, list)| (op, list.into_iter().map(|(field, name)| (field, name.as_str())).collect()))
    }
}

/// Configuration shared by [`super::OtpOneServer`] and [`super::OtpOneClient`].
#[derive(Debug, Clone)]
pub struct OtpOneConfig {
    /// The API's base URL; each operation's path is appended to its path.
    pub base_url: Url,
    /// Where each operation lives under the base URL.
    pub paths: OtpOnePaths,
    /// How each query parameter is spelled.
    pub params: OtpOneParams,
    /// Timeouts, limits, TLS and retries of the HTTP layer.
    pub transport: TransportConfig,
    /// Time allowed for one SendRequest, which lasts while the person answers.
    pub send_request_timeout: Duration,
}

impl Default for OtpOneConfig {
    fn default() -> Self {
        Self {
            base_url: Url::parse(DEFAULT_BASE_URL).expect("the default base URL parses"),
            paths: OtpOnePaths::default(),
            params: OtpOneParams::default(),
            transport: TransportConfig::default(),
            send_request_timeout: DEFAULT_SEND_REQUEST_TIMEOUT,
        }
    }
}

impl OtpOneConfig {
    /// The defaults with another base URL (a gateway, the sandbox).
    pub fn new(base_url: &str) -> Result<Self> {
        let url =
            Url::parse(base_url).map_err(|e| Error::invalid("base_url", format!("must be an absolute URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::invalid("base_url", "must be an http or https URL"));
        }
        if url.cannot_be_a_base() || url.query().is_some() || url.fragment().is_some() {
            return Err(Error::invalid("base_url", "must be a base URL without query or fragment"));
        }
        Ok(Self { base_url: url, ..Self::default() })
    }

    /// Sets the HTTP layer's timeouts, limits, TLS and retries.
    pub fn transport(mut self, transport: TransportConfig) -> Self {
        self.transport = transport;
        self
    }

    /// Sets the time allowed for one SendRequest; keep it above the two minutes OtpOne may
    /// wait for the person.
    pub fn send_request_timeout(mut self, timeout: Duration) -> Self {
        self.send_request_timeout = timeout;
        self
    }

    /// Checks what the public fields may have been set to; run when a client is built.
    pub(crate) fn validate(&self) -> Result<()> {
        let paths = &self.paths;
        for (field, path) in [
            ("paths.get_transaction_id", &paths.get_transaction_id),
            ("paths.get_html", &paths.get_html),
            ("paths.verify_token", &paths.verify_token),
            ("paths.is_finish", &paths.is_finish),
            ("paths.get_result", &paths.get_result),
            ("paths.send_request", &paths.send_request),
        ] {
            if !path.starts_with('/') || path.contains(['?', '#']) || path.chars().any(char::is_control) {
                return Err(Error::invalid(field, "must be a path starting with '/' without query or fragment"));
            }
        }
        for (operation, names) in self.params.per_operation() {
            for (i, (field, name)) in names.iter().enumerate() {
                if name.trim().is_empty() || name.chars().any(|c| c.is_control() || c.is_whitespace()) {
                    return Err(Error::invalid(
                        format!("params.{field}"),
                        "must be a non-empty name without white space",
                    ));
                }
                if names[..i].iter().any(|(_, other)| other.eq_ignore_ascii_case(name)) {
                    return Err(Error::invalid(
                        format!("params.{field}"),
                        format!("must differ from the other parameters of {operation} (ignoring case)"),
                    ));
                }
            }
        }
        if self.send_request_timeout.is_zero() {
            return Err(Error::invalid("send_request_timeout", "must be more than zero"));
        }
        Ok(())
    }

    /// `base_url` with `path` appended to its path.
    pub(crate) fn url(&self, path: &str) -> Url {
        let mut url = self.base_url.clone();
        let joined = format!("{}{path}", url.path().trim_end_matches('/'));
        url.set_path(&joined);
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_vendor_notes() {
        let config = OtpOneConfig::default();
        assert_eq!(
            config.url(&config.paths.get_transaction_id).as_str(),
            "https://api.otpone.com/api/getTransactionID"
        );
        assert!(config.send_request_timeout > Duration::from_secs(120));
        config.validate().unwrap();
        let gateway = OtpOneConfig::new("https://gw.example/otpone/").unwrap();
        assert_eq!(gateway.url("/api/IsFinish").as_str(), "https://gw.example/otpone/api/IsFinish");
        assert_eq!(OtpOneConfig::new("ftp://x").unwrap_err().code(), "invalid_input");
        assert_eq!(OtpOneConfig::new("https://x/?a=b").unwrap_err().code(), "invalid_input");
    }

    #[test]
    fn overrides_are_checked() {
        let mut config = OtpOneConfig::default();
        config.paths.verify_token = "api/VerifyToken".into();
        assert!(config.validate().unwrap_err().to_string().contains("paths.verify_token"));
        let mut config = OtpOneConfig::default();
        config.params.token = "SRVAPIKEY".into();
        let e = config.validate().unwrap_err();
        assert!(e.to_string().contains("params.token") && e.to_string().contains("VerifyToken"), "{e}");
        let mut config = OtpOneConfig::default();
        config.params.user_mail = "User Mail".into();
        assert_eq!(config.validate().unwrap_err().code(), "invalid_input");
    }
}
