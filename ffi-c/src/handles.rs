//! The lifecycle every opaque handle shares, written once (the way rustls-ffi does it): each
//! exported `_new` and `_free` keeps its own signature, which cbindgen reads and documents, and
//! its body is one call to [`Handle`].
//!
//! A handle is a `Box` whose ownership is handed to C as a pointer, and taken back once by its
//! `_free`. Configuration handles keep their settings in [`Settings`].

use std::sync::{Mutex, PoisonError};

use crate::boundary::ffi_void;

/// A type C holds as an opaque pointer to a `Box` of it.
pub(crate) trait Handle: Sized {
    /// Boxes the value and hands its ownership to C.
    fn into_c(self) -> *mut Self {
        Box::into_raw(Box::new(self))
    }

    /// Takes back the ownership C had; `None` for NULL.
    ///
    /// # Safety
    /// `ptr` is NULL or came from [`Handle::into_c`] and is taken back only once.
    unsafe fn take(ptr: *mut Self) -> Option<Box<Self>> {
        // SAFETY: per the contract above.
        (!ptr.is_null()).then(|| unsafe { Box::from_raw(ptr) })
    }

    /// The body of a `_free` function: drops the handle; NULL does nothing; a panic while
    /// dropping stays on this side.
    ///
    /// # Safety
    /// As [`Handle::take`].
    unsafe fn free(ptr: *mut Self) {
        // SAFETY: forwarded contract.
        ffi_void(|| drop(unsafe { Self::take(ptr) }));
    }
}

/// The settings inside a configuration handle: changed by one setter at a time from any
/// thread, and copied whole into each client made from them.
pub(crate) struct Settings<T>(Mutex<T>);

impl<T> Settings<T> {
    pub(crate) fn new(value: T) -> Self {
        Settings(Mutex::new(value))
    }

    /// Runs `f` on the settings under the lock. A setter that panicked poisons the lock, but the
    /// settings are plain values the next setter overwrites, so the lock is taken as is.
    pub(crate) fn change<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// A copy of the settings as they are now.
    pub(crate) fn snapshot(&self) -> T
    where
        T: Clone,
    {
        self.change(|settings| settings.clone())
    }
}
