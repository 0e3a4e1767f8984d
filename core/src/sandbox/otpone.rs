//! Placeholder: the OtpOne stand-in (replaced by the full implementation).

use std::sync::Arc;

use futures_util::future::BoxFuture;

use super::sim::{SimBody, SimRequest, SimResponse, Simulator};
use crate::Vendor;

/// The OtpOne stand-in's state and control API.
#[derive(Debug, Default)]
pub struct OtpOneSim {}

impl Simulator for OtpOneSim {
    fn vendor(&self) -> Vendor {
        Vendor::OtpOne
    }

    fn route(&self, _path: &str) -> Option<&'static str> {
        None
    }

    fn handle(
        self: Arc<Self>,
        _route: &'static str,
        _request: SimRequest,
        _body: SimBody,
    ) -> BoxFuture<'static, SimResponse> {
        Box::pin(async { SimResponse::empty(http::StatusCode::NOT_FOUND) })
    }
}
