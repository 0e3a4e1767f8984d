//! Conversions of C arguments, done before a body does any work so that a NULL or a
//! non-UTF-8 string is refused with its own status and nothing has happened.

use std::ffi::{c_char, CStr, CString};
use std::ptr::NonNull;

use crate::boundary::{Failure, FfiResult};

/// A borrowed, NUL-terminated UTF-8 string argument that must not be NULL.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives the call.
pub(crate) unsafe fn string<'a>(ptr: *const c_char, name: &'static str) -> FfiResult<&'a str> {
    if ptr.is_null() {
        return Err(Failure::Null(name));
    }
    // SAFETY: non-NULL and NUL-terminated per the function's contract.
    let c = unsafe { CStr::from_ptr(ptr) };
    c.to_str().map_err(|_| Failure::Utf8(name))
}

/// A string argument where NULL means "not given".
///
/// # Safety
/// As [`string`].
pub(crate) unsafe fn opt_string<'a>(ptr: *const c_char, name: &'static str) -> FfiResult<Option<&'a str>> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { string(ptr, name) }.map(Some)
}

/// A handle argument that must not be NULL.
///
/// # Safety
/// `ptr` is NULL or a live handle of type `T` created by this library.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T, name: &'static str) -> FfiResult<&'a T> {
    // SAFETY: a non-NULL handle is a live `Box<T>` per the contract.
    unsafe { ptr.as_ref() }.ok_or(Failure::Null(name))
}

/// A byte buffer argument: NULL is allowed only with length 0.
///
/// # Safety
/// `ptr` is NULL or points to `len` readable bytes that outlive the call.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize, name: &'static str) -> FfiResult<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Failure::Null(name));
    }
    // SAFETY: non-NULL, `len` bytes per the contract.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// An array of `len` string arguments: the array may be NULL only when `len` is 0, and no
/// element may be NULL.
///
/// # Safety
/// `ptr` is NULL or points to `len` string pointers, each as for [`string`].
pub(crate) unsafe fn strings<'a>(ptr: *const *const c_char, len: usize, name: &'static str) -> FfiResult<Vec<&'a str>> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if ptr.is_null() {
        return Err(Failure::Null(name));
    }
    // SAFETY: `len` pointers per the contract.
    let items = unsafe { std::slice::from_raw_parts(ptr, len) };
    // SAFETY: each element as for `string`.
    items.iter().map(|item| unsafe { string(*item, name) }).collect()
}

/// An out-parameter that must not be NULL. It is written with [`Out::write`], only once the
/// call has succeeded.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    pub(crate) fn write(self, value: T) {
        // SAFETY: the pointer is non-NULL and points to writable memory for a `T` per the
        // function's contract; `write` does not read or drop the old (possibly uninitialised)
        // value.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// Checks an out-parameter for NULL.
pub(crate) fn out<T>(ptr: *mut T, name: &'static str) -> FfiResult<Out<T>> {
    NonNull::new(ptr).map(Out).ok_or(Failure::Null(name))
}

/// An out-parameter where NULL means "the caller does not want this value".
pub(crate) fn opt_out<T>(ptr: *mut T) -> Option<Out<T>> {
    NonNull::new(ptr).map(Out)
}

/// A string result prepared for C before anything is written, so a failure to convert it
/// (an interior NUL) cannot leave some out-parameters written and others not.
pub(crate) struct OwnedString(CString);

impl OwnedString {
    pub(crate) fn new(text: &str, what: &'static str) -> FfiResult<Self> {
        CString::new(text).map(OwnedString).map_err(|_| Failure::Nul(what))
    }

    /// Hands ownership to C; freed with `ab_string_free`.
    pub(crate) fn into_raw(self) -> *mut c_char {
        self.0.into_raw()
    }
}

/// A handle argument where NULL means "none" (a wait with no cancellation handle).
///
/// # Safety
/// `ptr` is NULL or a live handle of type `T` created by this library.
pub(crate) unsafe fn opt_handle<'a, T>(ptr: *const T) -> Option<&'a T> {
    // SAFETY: a non-NULL handle is a live `Box<T>` per the contract.
    unsafe { ptr.as_ref() }
}
