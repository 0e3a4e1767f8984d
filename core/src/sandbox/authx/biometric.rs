//! ProcessBiometric in the stand-in: a real, streaming `multipart/form-data` parser (multer)
//! checks the two parts the seed defines and hashes the sample as it arrives, so an upload of
//! any size costs a few chunks of memory.
//!
//! Samples are compared by SHA-256: enrol stores the hash per user and `authentication_id`,
//! verify answers 1 (match) or 2 (FaceNotMatch), delete removes it. An empty sample is 5
//! (FaceNotFound); a user that does not exist 8 (UserNotExists); `application_parameters` that
//! name no configured application 7 (SettingsMissed); verifying or deleting what was never
//! enrolled `response_code` 0.

use std::sync::Arc;

use futures_util::StreamExt;
use http::{Method, StatusCode};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::token::authorize;
use super::upload_watch::{UploadStream, UploadWatch};
use super::wire::{integer, optional_string, required_object};
use super::{AuthxSim, AuthxUpload};
use crate::sandbox::sim::{expect_method, json_object, only_fields, string_field, SimBody, SimRequest, SimResponse};

/// The largest `processBiometrics` part accepted.
const MAX_JSON_PART: usize = 64 * 1024;

/// The two parts, as read from the wire.
struct Parts {
    json: Map<String, Value>,
    bytes: u64,
    sha256: [u8; 32],
    data_content_type: String,
}

/// The `processBiometrics` fields the stand-in acts on.
struct Process {
    authentication_id: u8,
    process_type: u8,
    user_name: String,
    correlation_id: Option<String>,
    application_key: String,
    secret_key: String,
    host_name: String,
}

pub(super) async fn process_biometric(sim: Arc<AuthxSim>, request: SimRequest, body: SimBody) -> SimResponse {
    let (watch, body) = UploadWatch::start(body, sim.upload_rate(), sim.aborted_uploads_counter());
    let answer = match answer(&sim, &request, body).await {
        Ok(answer) | Err(answer) => answer,
    };
    watch.answered();
    answer
}

async fn answer(sim: &AuthxSim, request: &SimRequest, body: UploadStream) -> Result<SimResponse, SimResponse> {
    expect_method(request, Method::POST)?;
    let authorized = authorize(&sim.state(), request);
    if let Err(denied) = authorized {
        // Read the upload before answering, so the client sees the 401 rather than a reset.
        let mut body = body;
        while let Some(Ok(_)) = body.next().await {}
        return Ok(denied);
    }
    let content_type = request.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("multipart/form-data") {
        return Err(SimResponse::strict(format!("Content-Type must be multipart/form-data, got {content_type:?}")));
    }
    let boundary = multer::parse_boundary(content_type)
        .map_err(|e| SimResponse::strict(format!("Content-Type has no usable boundary: {e}")))?;
    let content_length = request
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let parts = read_parts(body, &boundary).await?;
    let process = check_process(&parts.json)?;
    let mut state = sim.state();
    state.last_upload = Some(AuthxUpload {
        bytes: parts.bytes,
        sha256: parts.sha256,
        content_length,
        data_content_type: parts.data_content_type.clone(),
        process_biometrics: Value::Object(parts.json.clone()),
    });
    let correlation_id = process.correlation_id.clone();
    let reply = |code: i64, text: Option<&str>| {
        let body = json!({
            "correlation_id": correlation_id,
            "response_code": code,
            "response_subcode": 0,
            "response_text": text,
            "response_data": null,
        });
        SimResponse::json(StatusCode::OK, &body)
    };
    if let Some(code) = state.forced_outcomes.pop_front() {
        return Ok(reply(code, None));
    }
    let app_ok = state
        .biometric_apps
        .get(&process.application_key)
        .is_some_and(|(secret, host)| *secret == process.secret_key && host.eq_ignore_ascii_case(&process.host_name));
    if !app_ok {
        return Ok(reply(7, Some("Biometric settings are missing for this application")));
    }
    let guid = match state.users.get(&process.user_name) {
        Some(_) => process.user_name.clone(),
        None => match state.users.iter().find(|(_, u)| u.profile.user_name == process.user_name) {
            Some((guid, _)) => guid.clone(),
            None => return Ok(reply(8, None)),
        },
    };
    let Some(user) = state.users.get_mut(&guid) else {
        return Ok(reply(8, None));
    };
    let kind = process.authentication_id;
    let not_enrolled = "No biometric of this authentication_id is enrolled for the user";
    let code = match process.process_type {
        1 if parts.bytes == 0 => 5,
        1 => {
            user.biometrics.insert(kind, parts.sha256);
            1
        }
        2 if parts.bytes == 0 => 5,
        2 => match user.biometrics.get(&kind) {
            Some(enrolled) if *enrolled == parts.sha256 => 1,
            Some(_) => 2,
            None => return Ok(reply(0, Some(not_enrolled))),
        },
        _ => match user.biometrics.remove(&kind) {
            Some(_) => 1,
            None => return Ok(reply(0, Some(not_enrolled))),
        },
    };
    let mut enrolled: Vec<u8> = user.biometrics.keys().copied().collect();
    enrolled.sort_unstable();
    user.profile.enrolled = enrolled;
    Ok(reply(code, None))
}

/// Streams the body through multer: the JSON part is read (bounded), the sample only hashed.
async fn read_parts(body: UploadStream, boundary: &str) -> Result<Parts, SimResponse> {
    let bad = |e: multer::Error| SimResponse::strict(format!("body is not valid multipart/form-data: {e}"));
    let mut multipart = multer::Multipart::new(body, boundary);
    let mut json: Option<Map<String, Value>> = None;
    let mut data: Option<(u64, [u8; 32], String)> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        let content_type = field.content_type().map(|m| m.essence_str().to_ascii_lowercase());
        match name.as_str() {
            "processBiometrics" => {
                if json.is_some() {
                    return Err(SimResponse::strict("part `processBiometrics` appears twice"));
                }
                if field.file_name().is_some() {
                    return Err(SimResponse::strict("part `processBiometrics` must be a form field, not a file"));
                }
                if let Some(ct) = content_type.filter(|ct| ct != "text/plain" && ct != "application/json") {
                    return Err(SimResponse::strict(format!("part `processBiometrics` must be JSON text, got {ct}")));
                }
                let mut text = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    if text.len() + chunk.len() > MAX_JSON_PART {
                        return Err(SimResponse::strict("part `processBiometrics` is larger than 64 KiB"));
                    }
                    text.extend_from_slice(&chunk);
                }
                json = Some(json_object(&text).map_err(|e| prefix(e, "part `processBiometrics`: "))?);
            }
            "biometricdata" => {
                if data.is_some() {
                    return Err(SimResponse::strict("part `biometricdata` appears twice"));
                }
                if field.file_name() != Some("blob") {
                    return Err(SimResponse::strict(format!(
                        "part `biometricdata` must have filename=\"blob\", got {:?}",
                        field.file_name()
                    )));
                }
                let ct = content_type.unwrap_or_default();
                // The seed spells it `application/octect-stream`; both spellings are accepted.
                if ct != "application/octet-stream" && ct != "application/octect-stream" {
                    return Err(SimResponse::strict(format!(
                        "part `biometricdata` must be application/octet-stream, got {ct:?}"
                    )));
                }
                let (mut hasher, mut bytes) = (Sha256::new(), 0u64);
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    bytes += chunk.len() as u64;
                    hasher.update(&chunk);
                }
                data = Some((bytes, hasher.finalize().into(), ct));
            }
            other => {
                return Err(SimResponse::strict(format!(
                    "unexpected part {other:?} (the seed defines processBiometrics and biometricdata)"
                )))
            }
        }
    }
    let json = json.ok_or_else(|| SimResponse::strict("missing part `processBiometrics`"))?;
    let (bytes, sha256, data_content_type) = data.ok_or_else(|| SimResponse::strict("missing part `biometricdata`"))?;
    Ok(Parts { json, bytes, sha256, data_content_type })
}

/// Checks `processBiometrics` against the seed's sample.
fn check_process(json: &Map<String, Value>) -> Result<Process, SimResponse> {
    only_fields(
        json,
        &[
            "authentication_id",
            "process_type",
            "user_name",
            "correlation_id",
            "device_data",
            "application_parameters",
            "src_user_id",
        ],
    )?;
    let one_of = |field: &str, what: &str| -> Result<u8, SimResponse> {
        match integer(json, field)? {
            n @ 1..=3 => Ok(n as u8),
            n => Err(SimResponse::strict(format!("`{field}` must be {what}, got {n}"))),
        }
    };
    let authentication_id = one_of("authentication_id", "1 (finger), 2 (face) or 3 (palm)")?;
    let process_type = one_of("process_type", "1 (enrol), 2 (verify) or 3 (delete)")?;
    let user_name = string_field(json, "user_name")?.to_string();
    let correlation_id = match json.get("correlation_id") {
        Some(Value::Null) | None => None,
        _ => optional_string(json, "correlation_id")?.map(str::to_string),
    };
    integer(json, "src_user_id")?;
    let device = required_object(json, "device_data")?;
    let device_fields = ["browser_name", "os", "os_version", "browser_version", "device_name", "ip"];
    let mut allowed = device_fields.to_vec();
    allowed.push("src_user_id");
    only_fields(device, &allowed).map_err(|e| prefix(e, "device_data: "))?;
    for field in device_fields {
        string_field(device, field).map_err(|e| prefix(e, "device_data: "))?;
    }
    integer(device, "src_user_id").map_err(|e| prefix(e, "device_data: "))?;
    let app = required_object(json, "application_parameters")?;
    only_fields(app, &["application_key", "secret_key", "host_name"])
        .map_err(|e| prefix(e, "application_parameters: "))?;
    let text = |field: &str| string_field(app, field).map(str::to_string);
    Ok(Process {
        authentication_id,
        process_type,
        user_name,
        correlation_id,
        application_key: text("application_key").map_err(|e| prefix(e, "application_parameters: "))?,
        secret_key: text("secret_key").map_err(|e| prefix(e, "application_parameters: "))?,
        host_name: text("host_name").map_err(|e| prefix(e, "application_parameters: "))?,
    })
}

/// Puts `where_` in front of a strict answer's reason.
fn prefix(answer: SimResponse, where_: &str) -> SimResponse {
    match serde_json::from_slice::<Value>(&answer.body) {
        Ok(Value::Object(body)) => match body.get("error").and_then(Value::as_str) {
            Some(reason) => SimResponse::strict(format!("{where_}{reason}")),
            None => answer,
        },
        _ => answer,
    }
}
