//! The NoPass portal's hooks as C function pointers with a `void *user_data`.
//!
//! The core runs blocking hooks on tokio's blocking pool ([`BlockingHooks`]), so a slow C hook
//! never stalls the runtime, and calls them before a change is committed: a hook that fails
//! refuses the callback and nothing changes, and so does a hook that misses the portal's hook
//! timeout (the NoPass server gets a 503 and calls again).

#![cfg(feature = "nopass")]

use std::ffi::{c_char, c_void, CString};
use std::ptr;

use authbridge::nopass::{
    AuthorizationResult, BlockingPortalHooks, HookError, HookResult, PictureUpdate, PreRegistration, Registration,
    RegistrationOrigin, ServiceDisabling, SessionClosing, UserDeletion, UserRegistration, UserRegistrationCheck,
    UserUpdate, UsersAddition,
};
use serde::Serialize;

/// Which of the eleven callbacks (seed sections 1–11) an event is.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_portal_callback {
    ConfirmPreRegistration = 1,
    ConfirmRegistration = 2,
    UpdatePicture = 3,
    ValidateUserRegistration = 4,
    ConfirmUserRegistration = 5,
    AuthorizedUser = 6,
    UpdateUser = 7,
    DeleteUser = 8,
    AddUsers = 9,
    CloseSession = 10,
    DisableService = 11,
}

/// What a hook answers.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_hook_answer {
    /// Yes: accept the notification, or decide "yes" (ValidateUserRegistration, UpdateUser,
    /// DeleteUser, AddUsers).
    Accept = 0,
    /// Decide "no". For a notification, the same as `AB_HOOK_ANSWER_FAIL`.
    Refuse = 1,
    /// The hook failed: the callback is refused and nothing changes (the NoPass server may
    /// call again). Any other value means the same.
    Fail = 2,
}

/// Who started a user registration (ValidateUserRegistration, ConfirmUserRegistration).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ab_portal_registration_origin {
    /// Not a registration callback.
    None = 0,
    /// This portal, with `ab_portal_pre_register_user`: `user_id` is the portal's own.
    Portal = 1,
    /// The NoPass server (seed 4): every detail came from the caller and proves nothing. Such a
    /// registration never authorises a session; decide on the portal's own data only.
    NopassServer = 2,
}

/// One callback as a hook sees it. Every pointer is borrowed for the duration of the hook
/// call only (copy what you keep) and is NULL when the callback has no such field. None
/// carries a secret.
#[repr(C)]
pub struct ab_portal_event {
    pub callback: ab_portal_callback,
    /// The browser handle of the login or registration session (UpdatePicture, AuthorizedUser,
    /// CloseSession, and ConfirmUserRegistration of a registration the portal started). The
    /// NoPass server's `authId` is never shown.
    pub handle: *const c_char,
    /// The portal's user id the session or registration belongs to (for a registration the
    /// NoPass server started: the `login` the caller sent).
    pub user_id: *const c_char,
    /// ValidateUserRegistration, ConfirmUserRegistration: who started the registration;
    /// `AB_PORTAL_REGISTRATION_ORIGIN_NONE` for other callbacks.
    pub origin: ab_portal_registration_origin,
    /// `portalId` (ConfirmRegistration, DisableService).
    pub portal_id: *const c_char,
    /// AuthorizedUser: whether the person approved.
    pub authorized: bool,
    /// AuthorizedUser: why the login was denied.
    pub reason: *const c_char,
    /// UpdatePicture: the new picture, base64 PNG.
    pub image: *const c_char,
    /// UpdatePicture: how long the picture is valid, in milliseconds.
    pub next_change_ms: u64,
    /// The whole event as camelCase JSON (field changes of UpdateUser, users of AddUsers, the
    /// `userId` the NoPass server reported, …; `"origin": "portal"` for a registration the portal
    /// started).
    pub json: *const c_char,
}

/// A hook: called with the `user_data` given in `ab_portal_hooks` and the event; returns an
/// `ab_hook_answer` value. Called from library threads, possibly several at once: it must be
/// thread-safe. It may call non-blocking authbridge functions; blocking ones (network calls,
/// waits) fail there with `AB_STATUS_CONFIG`. A hook that takes longer than the hook timeout
/// (`ab_portal_config_set_hook_timeout`) decides nothing, but it is not interrupted: what it
/// uses must stay valid until it returns.
pub type ab_portal_hook_fn = Option<unsafe extern "C" fn(user_data: *mut c_void, event: *const ab_portal_event) -> u32>;

/// The host's hooks, copied by `ab_portal_new`. A NULL hook takes the safe default:
/// notifications are accepted, decisions are refused.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ab_portal_hooks {
    /// Passed back to every hook untouched; must stay valid while the portal lives.
    pub user_data: *mut c_void,
    pub confirm_pre_registration: ab_portal_hook_fn,
    pub confirm_registration: ab_portal_hook_fn,
    pub update_picture: ab_portal_hook_fn,
    pub validate_user_registration: ab_portal_hook_fn,
    pub confirm_user_registration: ab_portal_hook_fn,
    pub authorized_user: ab_portal_hook_fn,
    pub update_user: ab_portal_hook_fn,
    pub delete_user: ab_portal_hook_fn,
    pub add_users: ab_portal_hook_fn,
    pub close_session: ab_portal_hook_fn,
    pub disable_service: ab_portal_hook_fn,
}

/// The C hooks as the core's blocking hooks.
pub(crate) struct CHooks(pub(crate) ab_portal_hooks);

// SAFETY: the header documents that hooks and `user_data` must be usable from any thread.
unsafe impl Send for CHooks {}
// SAFETY: as above.
unsafe impl Sync for CHooks {}

/// The typed fields of an event, before they become C strings.
#[derive(Default)]
struct Fields<'a> {
    handle: Option<&'a str>,
    user_id: Option<&'a str>,
    origin: Option<RegistrationOrigin>,
    portal_id: Option<&'a str>,
    authorized: bool,
    reason: Option<&'a str>,
    image: Option<&'a str>,
    next_change_ms: u64,
}

fn c(text: Option<&str>) -> Option<CString> {
    text.map(|t| CString::new(t.replace('\0', " ")).unwrap_or_default())
}

fn ptr_of(text: &Option<CString>) -> *const c_char {
    text.as_ref().map_or(ptr::null(), |t| t.as_ptr())
}

impl CHooks {
    /// Calls `hook` with the event; `None` when the host gave no hook.
    fn call(
        &self,
        hook: ab_portal_hook_fn,
        callback: ab_portal_callback,
        event: &impl Serialize,
        fields: Fields<'_>,
    ) -> Option<u32> {
        let hook = hook?;
        let json = c(Some(&serde_json::to_string(event).unwrap_or_default()));
        let strings = [fields.handle, fields.user_id, fields.portal_id, fields.reason, fields.image].map(c);
        let event = ab_portal_event {
            callback,
            handle: ptr_of(&strings[0]),
            user_id: ptr_of(&strings[1]),
            origin: match fields.origin {
                None => ab_portal_registration_origin::None,
                Some(RegistrationOrigin::Portal) => ab_portal_registration_origin::Portal,
                Some(RegistrationOrigin::NoPassServer) => ab_portal_registration_origin::NopassServer,
            },
            portal_id: ptr_of(&strings[2]),
            authorized: fields.authorized,
            reason: ptr_of(&strings[3]),
            image: ptr_of(&strings[4]),
            next_change_ms: fields.next_change_ms,
            json: ptr_of(&json),
        };
        // SAFETY: a C function pointer the host registered with this signature; the event and
        // its strings live until it returns.
        Some(unsafe { hook(self.0.user_data, &event) })
    }

    fn notify(
        &self,
        hook: ab_portal_hook_fn,
        cb: ab_portal_callback,
        event: &impl Serialize,
        f: Fields<'_>,
    ) -> HookResult<()> {
        match self.call(hook, cb, event, f) {
            None | Some(0) => Ok(()),
            Some(_) => Err(HookError::new("the C hook refused the callback")),
        }
    }

    fn decide(
        &self,
        hook: ab_portal_hook_fn,
        cb: ab_portal_callback,
        event: &impl Serialize,
        f: Fields<'_>,
    ) -> HookResult<bool> {
        match self.call(hook, cb, event, f) {
            None | Some(1) => Ok(false),
            Some(0) => Ok(true),
            Some(_) => Err(HookError::new("the C hook failed")),
        }
    }
}

impl BlockingPortalHooks for CHooks {
    fn confirm_pre_registration(&self, event: PreRegistration) -> HookResult<()> {
        let hook = self.0.confirm_pre_registration;
        self.notify(hook, ab_portal_callback::ConfirmPreRegistration, &event, Fields::default())
    }

    fn confirm_registration(&self, event: Registration) -> HookResult<()> {
        let fields = Fields { portal_id: Some(&event.portal_id), ..Fields::default() };
        self.notify(self.0.confirm_registration, ab_portal_callback::ConfirmRegistration, &event, fields)
    }

    fn update_picture(&self, event: PictureUpdate) -> HookResult<()> {
        let fields = Fields {
            handle: Some(&event.handle),
            user_id: Some(&event.user_id),
            image: Some(&event.image),
            next_change_ms: event.next_change_ms,
            ..Fields::default()
        };
        self.notify(self.0.update_picture, ab_portal_callback::UpdatePicture, &event, fields)
    }

    fn validate_user_registration(&self, event: UserRegistrationCheck) -> HookResult<bool> {
        let fields = Fields { user_id: event.user_id.as_deref(), origin: Some(event.origin), ..Fields::default() };
        self.decide(self.0.validate_user_registration, ab_portal_callback::ValidateUserRegistration, &event, fields)
    }

    fn confirm_user_registration(&self, event: UserRegistration) -> HookResult<()> {
        let fields = Fields {
            handle: event.handle.as_deref(),
            user_id: event.user_id.as_deref(),
            origin: Some(event.origin),
            ..Fields::default()
        };
        self.notify(self.0.confirm_user_registration, ab_portal_callback::ConfirmUserRegistration, &event, fields)
    }

    fn authorized_user(&self, event: AuthorizationResult) -> HookResult<()> {
        let fields = Fields {
            handle: Some(&event.handle),
            user_id: Some(&event.user_id),
            authorized: event.authorized,
            reason: event.reason.as_deref(),
            ..Fields::default()
        };
        self.notify(self.0.authorized_user, ab_portal_callback::AuthorizedUser, &event, fields)
    }

    fn update_user(&self, event: UserUpdate) -> HookResult<bool> {
        let fields = Fields { user_id: Some(&event.user_id), ..Fields::default() };
        self.decide(self.0.update_user, ab_portal_callback::UpdateUser, &event, fields)
    }

    fn delete_user(&self, event: UserDeletion) -> HookResult<bool> {
        let fields = Fields { user_id: Some(&event.user_id), ..Fields::default() };
        self.decide(self.0.delete_user, ab_portal_callback::DeleteUser, &event, fields)
    }

    fn add_users(&self, event: UsersAddition) -> HookResult<bool> {
        self.decide(self.0.add_users, ab_portal_callback::AddUsers, &event, Fields::default())
    }

    fn close_session(&self, event: SessionClosing) -> HookResult<()> {
        let fields = Fields { handle: Some(&event.handle), user_id: Some(&event.user_id), ..Fields::default() };
        self.notify(self.0.close_session, ab_portal_callback::CloseSession, &event, fields)
    }

    fn disable_service(&self, event: ServiceDisabling) -> HookResult<()> {
        let fields = Fields { portal_id: Some(&event.portal_id), ..Fields::default() };
        self.notify(self.0.disable_service, ab_portal_callback::DisableService, &event, fields)
    }
}
