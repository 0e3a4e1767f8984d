//! Failures a test can force (feature `test-hooks`): a panic inside the library must come back
//! as `AB_STATUS_PANIC`, not abort the host. Without the feature, nothing here is exported and
//! [`maybe_panic`] does nothing.

#[cfg(feature = "test-hooks")]
mod armed {
    use std::cell::Cell;

    use crate::boundary::ffi_void;

    thread_local! {
        static PANIC_NEXT: Cell<bool> = const { Cell::new(false) };
    }

    pub(crate) fn maybe_panic() {
        if PANIC_NEXT.with(|armed| armed.replace(false)) {
            panic!("forced by ab_test_panic_next_call");
        }
    }

    /// Test builds only: makes the next fallible authbridge call on this thread panic inside
    /// the library, so a test can check that it returns `AB_STATUS_PANIC` and writes nothing.
    #[no_mangle]
    pub extern "C" fn ab_test_panic_next_call() {
        ffi_void(|| PANIC_NEXT.with(|armed| armed.set(true)));
    }
}

#[cfg(feature = "test-hooks")]
pub(crate) use armed::maybe_panic;

#[cfg(not(feature = "test-hooks"))]
pub(crate) fn maybe_panic() {}
