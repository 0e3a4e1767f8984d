//! AccessToken in the stand-in: issuing tokens and checking the bearer of every other call.

use std::time::{Duration, SystemTime};

use base64::Engine;
use http::StatusCode;
use rand::Rng;
use serde_json::json;
use tokio::time::Instant;

use super::State;
use crate::sandbox::sim::{SimRequest, SimResponse};

/// Answers AccessToken: the `ApplicationId`/`ApplicationKey` headers must name an application
/// added to the stand-in. The seed gives no method; GET and POST are both accepted.
pub(super) fn access_token(state: &mut State, request: &SimRequest) -> Result<SimResponse, SimResponse> {
    if request.method != http::Method::POST && request.method != http::Method::GET {
        return Err(SimResponse::strict(format!("AccessToken takes POST (or GET), got {}", request.method)));
    }
    let header = |name: &str| -> Result<String, SimResponse> {
        match request.headers.get(name).map(|v| v.to_str()) {
            Some(Ok(value)) if !value.is_empty() => Ok(value.to_string()),
            Some(_) => Err(SimResponse::strict(format!("header `{name}` must be a non-empty text value"))),
            None => Err(SimResponse::strict(format!("missing header `{name}` (seed: Request Headers)"))),
        }
    };
    let (id, key) = (header("ApplicationId")?, header("ApplicationKey")?);
    if state.applications.get(&id) != Some(&key) {
        return Ok(SimResponse::json(
            StatusCode::UNAUTHORIZED,
            &json!({ "error": "invalid_client", "error_description": "ApplicationId or ApplicationKey is not valid" }),
        ));
    }
    let token = random_token();
    let lifetime = state.token_lifetime;
    state.tokens.insert(token.clone(), Instant::now() + lifetime);
    state.issued.push(token.clone());
    let issued = SystemTime::now();
    Ok(SimResponse::json(
        StatusCode::OK,
        &json!({
            "access_token": token,
            "token_type": "bearer",
            "expires_in": lifetime.as_secs(),
            "CompanyId": state.company_id,
            ".issued": http_date(issued),
            ".expires": http_date(issued + lifetime),
        }),
    ))
}

/// Checks `Authorization: Bearer <token>`; a missing, unknown or expired token is the 401 that
/// ASP.NET's authorization filter answers, before the operation runs.
pub(super) fn authorize(state: &State, request: &SimRequest) -> Result<(), SimResponse> {
    let value = request.headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => "",
    };
    match state.tokens.get(token) {
        Some(expires) if Instant::now() < *expires => Ok(()),
        _ => {
            let body = json!({ "Message": "Authorization has been denied for this request." });
            Err(SimResponse::json(StatusCode::UNAUTHORIZED, &body)
                .with_header(http::header::WWW_AUTHENTICATE, "Bearer"))
        }
    }
}

/// A token in the seed's style: about 120 URL-safe base64 characters.
fn random_token() -> String {
    let bytes: [u8; 90] = std::array::from_fn(|_| rand::rng().random());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// An RFC 1123 date (`Mon, 22 Mar 2021 06:38:24 GMT`), as in `.issued` and `.expires`.
pub(super) fn http_date(when: SystemTime) -> String {
    let secs = when.duration_since(SystemTime::UNIX_EPOCH).unwrap_or(Duration::ZERO).as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    let name =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][(month - 1) as usize];
    format!("{weekday}, {day:02} {name} {year} {:02}:{:02}:{:02} GMT", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_seed_sample_date() {
        let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_616_395_104);
        assert_eq!(http_date(when), "Mon, 22 Mar 2021 06:38:24 GMT");
        assert_eq!(random_token().len(), 120);
    }
}
