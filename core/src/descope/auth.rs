//! The headers every Descope call carries (docs/vendors/descope.md, "Where the API lives, and
//! how calls authenticate").
//!
//! `Authorization: Bearer <ProjectId>` identifies the project; calls made for a signed-in
//! user add the refresh JWT (`Bearer <ProjectId>:<RefreshJWT>`, the vendor's "Add / Update Key":
//! "The bearer token requires both the ProjectId and refresh JWT"), and a management key,
//! when configured, is one more `:`-separated part. The value is built and sent as a
//! [`Secret`], so no layer prints it.

use http::HeaderName;

use crate::transport::Request;
use crate::{Result, Secret};

/// Names this SDK to Descope, as the official SDKs do with `x-descope-sdk-name`.
pub(crate) const SDK_NAME: &str = "authbridge-rust";
pub(crate) const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

static SDK_NAME_HEADER: HeaderName = HeaderName::from_static("x-descope-sdk-name");
static SDK_VERSION_HEADER: HeaderName = HeaderName::from_static("x-descope-sdk-version");

/// The bearer token: `<ProjectId>[:<RefreshJWT>][:<ManagementKey>]`.
pub(crate) fn bearer(project_id: &str, refresh_jwt: Option<&Secret>, management_key: Option<&Secret>) -> Secret {
    let mut token = project_id.to_string();
    for part in [refresh_jwt, management_key].into_iter().flatten() {
        token.push(':');
        token.push_str(part.expose());
    }
    Secret::new(token)
}

/// Adds the bearer and the SDK headers to `request`.
pub(crate) fn authenticate(
    request: Request,
    project_id: &str,
    refresh_jwt: Option<&Secret>,
    management_key: Option<&Secret>,
) -> Result<Request> {
    request.header(SDK_NAME_HEADER.clone(), SDK_NAME)?.header(SDK_VERSION_HEADER.clone(), SDK_VERSION)?.bearer(&bearer(
        project_id,
        refresh_jwt,
        management_key,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_parts_in_order() {
        let refresh = Secret::new("r.jwt.x");
        let key = Secret::new("K2mgmt");
        assert_eq!(bearer("P1", None, None).expose(), "P1");
        assert_eq!(bearer("P1", Some(&refresh), None).expose(), "P1:r.jwt.x");
        assert_eq!(bearer("P1", None, Some(&key)).expose(), "P1:K2mgmt");
        assert_eq!(bearer("P1", Some(&refresh), Some(&key)).expose(), "P1:r.jwt.x:K2mgmt");
    }
}
