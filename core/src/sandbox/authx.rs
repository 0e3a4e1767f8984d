//! Placeholder: the AuthX stand-in (replaced by the full implementation).

use std::sync::Arc;

use futures_util::future::BoxFuture;

use super::sim::{SimBody, SimRequest, SimResponse, Simulator};
use crate::Vendor;

/// The AuthX stand-in's state and control API.
#[derive(Debug, Default)]
pub struct AuthxSim {}

impl Simulator for AuthxSim {
    fn vendor(&self) -> Vendor {
        Vendor::AuthX
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
