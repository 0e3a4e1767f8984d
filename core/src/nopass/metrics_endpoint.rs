//! The embedded receiver's opt-in metrics page ([`super::ReceiverOptions::metrics_path`]):
//! the process's [`crate::metrics`] as Prometheus text, to `GET` only.

use crate::metrics;
use crate::serve::{full, ResponseBody};

/// The answer to a request at the metrics path: the text to `GET`, 405 to any other method.
pub(super) fn answer(method: &http::Method) -> http::Response<ResponseBody> {
    let (status, content_type, body) = if method == http::Method::GET {
        (http::StatusCode::OK, metrics::PROMETHEUS_CONTENT_TYPE, metrics::prometheus_text())
    } else {
        (
            http::StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            "the metrics page accepts GET only\n".into(),
        )
    };
    let mut response = http::Response::new(full(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(content_type));
    if status == http::StatusCode::METHOD_NOT_ALLOWED {
        headers.insert(http::header::ALLOW, http::HeaderValue::from_static("GET"));
    }
    // Counts change with every call: no cache may keep an old page.
    headers.insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
    response
}
