//! OtpOne's parameters as ASP.NET binds them: from the query string, names in any case.

use std::collections::HashMap;

use super::routes::strict;
use crate::sandbox::sim::{SimRequest, SimResponse};

/// The query parameters of one request, names folded to lower case.
pub(super) struct Query(HashMap<String, String>);

impl Query {
    /// Parses the query string: every parameter in `expected` must be there exactly once, and
    /// nothing else may be.
    pub(super) fn parse(request: &SimRequest, expected: &[&str]) -> Result<Self, SimResponse> {
        let raw = request.query.as_deref().unwrap_or("");
        let mut params = HashMap::new();
        for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            if !expected.iter().any(|e| e.eq_ignore_ascii_case(&name)) {
                return Err(strict(format!(
                    "unexpected query parameter `{name}` (this operation takes {})",
                    expected.join(", ")
                )));
            }
            if params.insert(name.to_ascii_lowercase(), value.into_owned()).is_some() {
                return Err(strict(format!("query parameter `{name}` is given twice")));
            }
        }
        if let Some(missing) = expected.iter().find(|e| !params.contains_key(&e.to_ascii_lowercase())) {
            return Err(strict(format!("missing required query parameter `{missing}`")));
        }
        Ok(Query(params))
    }

    /// A parameter [`Query::parse`] made sure is present.
    pub(super) fn get(&self, name: &str) -> &str {
        self.0.get(&name.to_ascii_lowercase()).map_or("", String::as_str)
    }
}
