//! The OtpOne routes: strict parameter checks, the seed's answers, and SendRequest's wait.

use std::sync::Arc;
use std::time::Instant;

use futures_util::future::BoxFuture;
use http::{Method, StatusCode};
use rand::Rng;
use serde_json::{json, Value};

use super::query::Query;
use super::{OtpOneSim, OtpOneStatus, OtpOneTransaction, State, Txn};
use crate::sandbox::sim::{SimBody, SimRequest, SimResponse, Simulator, JSON_BODY_LIMIT};
use crate::Vendor;

/// `(path in lower case, route name)`.
const ROUTES: [(&str, &str); 6] = [
    ("/api/gettransactionid", "otpone.getTransactionID"),
    ("/api/gethtml", "otpone.GetHTML"),
    ("/api/verifytoken", "otpone.VerifyToken"),
    ("/api/isfinish", "otpone.IsFinish"),
    ("/api/getresult", "otpone.GetResult"),
    ("/api/sendrequest", "otpone.SendRequest"),
];

/// The seed's RequestTypes names, by value.
const REQUEST_TYPES: [&str; 7] = [
    "RequestWebSession",
    "RequestComputerSession",
    "RequestFileScanImage",
    "RequestFileScanDocument",
    "RequestWorkFlowValidation",
    "RequestApplicaitonAccess",
    "RequestSignDocument",
];

/// The seed's PageType names, by value.
const PAGE_TYPES: [&str; 4] = ["RTRPhoneValidation", "SecurityKeyValidation", "SecurityKeyRegistration", "Certificate"];

impl OtpOneSim {
    fn answer(&self, route: &'static str, request: &SimRequest, body: &[u8]) -> Result<Reply, SimResponse> {
        if request.method != Method::GET && request.method != Method::POST {
            return Err(strict(format!("method must be GET or POST, got {}", request.method)));
        }
        if !body.is_empty() {
            return Err(strict("the parameters travel in the query string; the body must be empty"));
        }
        let mut state = self.state();
        state.last_query = request.query.clone();
        match route {
            "otpone.getTransactionID" => {
                let q = Query::parse(request, &["SrvAPIKey", "UserMail", "requestype", "Message", "privateToken"])?;
                let pair = server_pair(&state, &q, "getTransactionID")?;
                let (user, request_type, message) = request_fields(&q)?;
                let id = open(&mut state, pair, user, request_type, message, q.get("privateToken"), None);
                drop(state);
                self.changed.notify_waiters();
                Ok(Reply::Now(SimResponse::json(StatusCode::OK, &Value::String(id))))
            }
            "otpone.GetHTML" => {
                let q = Query::parse(request, &["SrvAPIKey", "transactionid", "pageType", "FormID"])?;
                let pair = server_pair(&state, &q, "GetHTML")?;
                let page_type = enum_value(&q, "pageType", &PAGE_TYPES)?;
                let form_id = non_empty(&q, "FormID")?;
                let id = q.get("transactionid");
                let as_text = state.html_as_text;
                match state.txn(id) {
                    Some(txn) if txn.pair == pair && !txn.view.server_only => {}
                    _ => return Ok(Reply::Now(message(StatusCode::NOT_FOUND, "Unknown transaction"))),
                }
                let html = page_html(id, page_type, form_id);
                Ok(Reply::Now(if as_text {
                    let mut answer = SimResponse::text(StatusCode::OK, &html);
                    answer
                        .headers
                        .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/html; charset=utf-8"));
                    answer
                } else {
                    SimResponse::json(StatusCode::OK, &Value::String(html))
                }))
            }
            "otpone.VerifyToken" => {
                let q = Query::parse(request, &["SrvAPIKey", "token"])?;
                let pair = server_pair(&state, &q, "VerifyToken")?;
                let invalid = || Reply::Now(not_valid("The token is not valid or was already used"));
                // Single use: a token is spent by the first VerifyToken that names it.
                let Some(id) = state.tokens.remove(q.get("token")) else { return Ok(invalid()) };
                match state.txn(&id) {
                    Some(txn) if txn.pair == pair => Ok(Reply::Now(result_of(txn))),
                    _ => Ok(invalid()),
                }
            }
            "otpone.IsFinish" | "otpone.GetResult" => {
                let q = Query::parse(request, &["JsAPIKey", "transactionid"])?;
                let pair = client_pair(&state, &q)?;
                let txn = match state.txn(q.get("transactionid")) {
                    Some(txn) if txn.pair == pair => txn,
                    _ => return Ok(Reply::Now(message(StatusCode::NOT_FOUND, "Unknown transaction"))),
                };
                Ok(Reply::Now(if route == "otpone.IsFinish" {
                    SimResponse::json(StatusCode::OK, &Value::Bool(txn.view.status != OtpOneStatus::Pending))
                } else {
                    result_of(txn)
                }))
            }
            _ => {
                let q = Query::parse(
                    request,
                    &["SrvAPIKey", "UserMail", "requestype", "Message", "userIP", "OSType", "NavigatorOrAPPName"],
                )?;
                let pair = server_pair(&state, &q, "SendRequest")?;
                let (user, request_type, message) = request_fields(&q)?;
                let requester = (
                    non_empty(&q, "userIP")?.to_string(),
                    non_empty(&q, "OSType")?.to_string(),
                    non_empty(&q, "NavigatorOrAPPName")?.to_string(),
                );
                let id = open(&mut state, pair, user, request_type, message, "", Some(requester));
                let until = tokio::time::Instant::now() + state.server_only_timeout;
                drop(state);
                self.changed.notify_waiters();
                Ok(Reply::Wait { id, until })
            }
        }
    }

    /// SendRequest's answer: once the transaction is no longer pending, or "timed out" at
    /// `until`.
    async fn server_only(&self, id: String, until: tokio::time::Instant) -> SimResponse {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut state = self.state();
                match state.txn(&id) {
                    Some(txn) if txn.view.status != OtpOneStatus::Pending => return result_of(txn),
                    Some(_) => {}
                    None => return message(StatusCode::NOT_FOUND, "Unknown transaction"),
                }
            }
            if tokio::time::timeout_at(until, notified).await.is_err() {
                self.expire(&id);
                let mut state = self.state();
                return match state.txn(&id) {
                    Some(txn) => result_of(txn),
                    None => message(StatusCode::NOT_FOUND, "Unknown transaction"),
                };
            }
        }
    }
}

/// What a handler does next.
enum Reply {
    Now(SimResponse),
    /// SendRequest: hold the answer until the transaction ends or `until`.
    Wait {
        id: String,
        until: tokio::time::Instant,
    },
}

impl Simulator for OtpOneSim {
    fn vendor(&self) -> Vendor {
        Vendor::OtpOne
    }

    fn route(&self, path: &str) -> Option<&'static str> {
        let lower = path.to_ascii_lowercase();
        let path = lower.strip_suffix('/').unwrap_or(&lower);
        ROUTES.iter().find(|(p, _)| *p == path).map(|(_, route)| *route)
    }

    fn handle(
        self: Arc<Self>,
        route: &'static str,
        request: SimRequest,
        body: SimBody,
    ) -> BoxFuture<'static, SimResponse> {
        Box::pin(async move {
            let body = match body.bytes(JSON_BODY_LIMIT).await {
                Ok(body) => body,
                Err(answer) => return answer,
            };
            match self.answer(route, &request, &body) {
                Ok(Reply::Now(answer)) | Err(answer) => answer,
                Ok(Reply::Wait { id, until }) => self.server_only(id, until).await,
            }
        })
    }
}

/// A present parameter that must also not be empty.
fn non_empty<'a>(q: &'a Query, name: &str) -> Result<&'a str, SimResponse> {
    let value = q.get(name);
    if value.trim().is_empty() {
        return Err(strict(format!("query parameter `{name}` must not be empty")));
    }
    Ok(value)
}

/// An enum parameter given as its number or its seed name (ASP.NET binds both).
fn enum_value(q: &Query, name: &str, names: &[&str]) -> Result<u8, SimResponse> {
    let value = q.get(name).trim();
    let by_number = value.parse::<usize>().ok().filter(|n| *n < names.len());
    let by_name = || names.iter().position(|n| n.eq_ignore_ascii_case(value));
    by_number.or_else(by_name).and_then(|n| u8::try_from(n).ok()).ok_or_else(|| {
        strict(format!("query parameter `{name}` must be 0 to {} or one of {}", names.len() - 1, names.join(", ")))
    })
}

/// `UserMail`, `requestype` and `Message`, shared by getTransactionID and SendRequest.
fn request_fields(q: &Query) -> Result<(&str, u8, &str), SimResponse> {
    let user = non_empty(q, "UserMail")?;
    if !user.contains('@') {
        return Err(strict("query parameter `UserMail` must be a mail address"));
    }
    let request_type = enum_value(q, "requestype", &REQUEST_TYPES)?;
    let message = non_empty(q, "Message")?;
    Ok((user, request_type, message))
}

/// The key pair whose server key is `SrvAPIKey`; a client key there is refused with 403.
fn server_pair(state: &State, q: &Query, operation: &str) -> Result<usize, SimResponse> {
    let key = q.get("SrvAPIKey");
    if key.starts_with("JS-") {
        return Err(message(
            StatusCode::FORBIDDEN,
            &format!("SrvAPIKey must be a server key (SRV-…): a client key cannot call {operation}"),
        ));
    }
    state.pairs.iter().position(|p| p.server == key).ok_or_else(|| message(StatusCode::UNAUTHORIZED, "Invalid API key"))
}

/// The key pair whose client key is `JsAPIKey`; a server key there is refused with 403.
fn client_pair(state: &State, q: &Query) -> Result<usize, SimResponse> {
    let key = q.get("JsAPIKey");
    if key.starts_with("SRV-") {
        return Err(message(
            StatusCode::FORBIDDEN,
            "JsAPIKey must be a client key (JS-…): the server key must never be used on the client side",
        ));
    }
    state.pairs.iter().position(|p| p.client == key).ok_or_else(|| message(StatusCode::UNAUTHORIZED, "Invalid API key"))
}

fn open(
    state: &mut State,
    pair: usize,
    user: &str,
    request_type: u8,
    text: &str,
    private_token: &str,
    requester: Option<(String, String, String)>,
) -> String {
    let id = format!("{}-{}-{}-{}-{}", random_hex(8), random_hex(4), random_hex(4), random_hex(4), random_hex(12));
    state.seq += 1;
    let view = OtpOneTransaction {
        id: id.clone(),
        user_mail: user.into(),
        request_type,
        message: text.into(),
        status: OtpOneStatus::Pending,
        server_only: requester.is_some(),
        has_private_token: !private_token.is_empty(),
        requester,
    };
    let txn = Txn {
        pair,
        seq: state.seq,
        created: Instant::now(),
        view,
        private_token: private_token.into(),
        reported_user: None,
    };
    state.txns.insert(id.clone(), txn);
    id
}

/// The result VerifyToken, GetResult and SendRequest give for a transaction.
fn result_of(txn: &Txn) -> SimResponse {
    let view = &txn.view;
    match view.status {
        OtpOneStatus::Approved => {
            let user = txn.reported_user.as_deref().unwrap_or(&view.user_mail);
            let mut answer = json!({
                "Message": "",
                "UserValided": user,
                "privateToken": txn.private_token,
                "isValid": true,
            });
            answer["TransactionID"] = Value::String(view.id.clone());
            answer["RequestType"] = Value::from(view.request_type);
            SimResponse::json(StatusCode::OK, &answer)
        }
        OtpOneStatus::Pending => not_valid("The request is not finished yet"),
        OtpOneStatus::Denied => not_valid("The user denied the request"),
        OtpOneStatus::Expired => not_valid("The user did not answer in time"),
    }
}

/// A result that is not valid: no user, and never the private token.
fn not_valid(text: &str) -> SimResponse {
    SimResponse::json(
        StatusCode::OK,
        &json!({ "Message": text, "UserValided": null, "privateToken": null, "isValid": false }),
    )
}

/// The fragment GetHTML gives: a container and the script that starts the validation.
fn page_html(transaction_id: &str, page_type: u8, form_id: &str) -> String {
    let (id, form) = (escape(transaction_id), escape(form_id));
    let page = PAGE_TYPES[usize::from(page_type)];
    format!(
        "<div id=\"otpone\" data-transaction=\"{id}\" data-page-type=\"{page_type}\" data-form=\"{form}\"></div>\n\
         <script>/* OtpOne sandbox: {page} */ window.otpone = {{ transactionId: \"{id}\", pageType: {page_type}, formId: \"{form}\" }};</script>"
    )
}

fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".into(),
            '<' => "&lt;".into(),
            '>' => "&gt;".into(),
            '"' => "&quot;".into(),
            '\'' => "&#39;".into(),
            c => c.to_string(),
        })
        .collect()
}

pub(super) fn random_hex(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len).map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0')).collect()
}

/// ASP.NET's error shape, `{"Message": …}`.
fn message(status: StatusCode, text: &str) -> SimResponse {
    SimResponse::json(status, &json!({ "Message": text }))
}

/// A strict 400 in ASP.NET's error shape, marked as the sandbox's.
pub(super) fn strict(reason: impl Into<String>) -> SimResponse {
    SimResponse::json(StatusCode::BAD_REQUEST, &json!({ "Message": reason.into(), "sandbox": "strict" }))
}
