//! Strings the library hands to C, and their one free function.

use std::ffi::{c_char, CString};

use zeroize::Zeroize;

use crate::boundary::ffi_void;

/// Frees a string returned through a `char **` out-parameter of any authbridge function.
/// Its bytes are wiped first, since such strings may be tokens or codes. `NULL` does nothing.
/// Free each string exactly once, and never free a string from `ab_error_*` or
/// `ab_status_name` (those belong to the library).
#[no_mangle]
pub unsafe extern "C" fn ab_string_free(string: *mut c_char) {
    ffi_void(|| {
        if string.is_null() {
            return;
        }
        // SAFETY: a non-NULL argument was returned by `CString::into_raw` in this library.
        let owned = unsafe { CString::from_raw(string) };
        let mut bytes = owned.into_bytes_with_nul();
        bytes.zeroize();
    });
}

/// Frees the strings of a result struct the caller owns and sets each field to NULL, so that
/// a second free does nothing: the body of every `ab_*_free` of a struct with string fields.
///
/// # Safety
/// Each non-NULL field must have come from this library (`OwnedString::into_raw`).
pub(crate) unsafe fn free_fields<const N: usize>(fields: [&mut *mut c_char; N]) {
    for field in fields {
        // SAFETY: the caller's promise, for this field.
        unsafe { ab_string_free(*field) };
        *field = std::ptr::null_mut();
    }
}
