//! Handles are `Box`es handed to C as opaque pointers; this frees one.

/// Drops the `Box<T>` behind a handle. `NULL` does nothing.
///
/// # Safety
/// `ptr` is NULL or came from `Box::into_raw` in this library and is freed only once.
pub(crate) unsafe fn free<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: per the contract above.
        drop(unsafe { Box::from_raw(ptr) });
    }
}
