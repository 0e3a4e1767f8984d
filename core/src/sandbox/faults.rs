//! Faults a test arms on a sandbox route, and the per-route request counters.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// Something that goes wrong on purpose when a route is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Wait this long before answering (the request is then handled normally).
    Delay(Duration),
    /// Read the request, then close the connection without answering.
    Reset,
    /// Answer this status at once, without handling the request, with an optional
    /// `Retry-After` value (seconds or an HTTP date) and an empty JSON body.
    Status {
        /// The HTTP status answered.
        status: u16,
        /// The `Retry-After` value sent with it, if any.
        retry_after: Option<String>,
    },
    /// Handle the request, then send only half of the answer before closing the connection.
    TruncatedBody,
    /// Answer 200 with a JSON body of about this many bytes, without handling the request.
    LargeBody(usize),
}

#[derive(Debug)]
struct Armed {
    fault: Fault,
    /// How many more requests it applies to; `None` means until cleared.
    remaining: Option<u32>,
}

/// Armed faults and request counters, keyed by route name (`nevisidm.password_login`).
#[derive(Debug, Default)]
pub(crate) struct Faults {
    armed: Mutex<HashMap<String, Vec<Armed>>>,
    counts: Mutex<HashMap<String, u64>>,
}

impl Faults {
    pub(crate) fn arm(&self, route: &str, fault: Fault, times: Option<u32>) {
        let mut armed = self.armed.lock().unwrap_or_else(PoisonError::into_inner);
        armed.entry(route.to_string()).or_default().push(Armed { fault, remaining: times });
    }

    pub(crate) fn clear(&self) {
        self.armed.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// Counts a request on `route` and takes the fault that applies to it, if any.
    pub(crate) fn on_request(&self, route: &str) -> Option<Fault> {
        *self.counts.lock().unwrap_or_else(PoisonError::into_inner).entry(route.to_string()).or_default() += 1;
        let mut armed = self.armed.lock().unwrap_or_else(PoisonError::into_inner);
        let queue = armed.get_mut(route)?;
        let first = queue.first_mut()?;
        let fault = first.fault.clone();
        match &mut first.remaining {
            Some(1) => {
                queue.remove(0);
            }
            Some(n) => *n -= 1,
            None => {}
        }
        Some(fault)
    }

    pub(crate) fn count(&self, route: &str) -> u64 {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner).get(route).copied().unwrap_or(0)
    }

    pub(crate) fn reset_counts(&self) {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_apply_in_order_and_run_out() {
        let f = Faults::default();
        f.arm("r", Fault::Reset, Some(2));
        f.arm("r", Fault::TruncatedBody, Some(1));
        assert_eq!(f.on_request("r"), Some(Fault::Reset));
        assert_eq!(f.on_request("r"), Some(Fault::Reset));
        assert_eq!(f.on_request("r"), Some(Fault::TruncatedBody));
        assert_eq!(f.on_request("r"), None);
        assert_eq!(f.count("r"), 4);
        assert_eq!(f.count("other"), 0);
    }
}
