//! `ab_shutdown`: stops the library's shared runtime, for hosts that must not keep library
//! threads between calls (a PAM module returning to `sshd` or `login`).

use crate::boundary::ffi_status;
use crate::status::ab_status;

/// Stops the runtime that blocking calls share and returns once all its threads have ended;
/// the next blocking call starts a new one. Everything running on it ends too: sandboxes and
/// embedded portal servers stop, and clients lose their pooled connections (free them first).
/// A call still blocked in another thread keeps the runtime until it returns. Safe in a
/// forked child (the parent's runtime is left alone). Calling it from a hook fails with
/// `AB_STATUS_CONFIG`.
#[no_mangle]
pub extern "C" fn ab_shutdown() -> ab_status {
    ffi_status(|| Ok(authbridge::runtime::shutdown()?))
}
