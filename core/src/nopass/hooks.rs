//! The host's say in each callback.
//!
//! [`PortalHooks`] has one method per callback, named as the callback, taking one owned event
//! and returning a boxed future, so Rust hosts write `async` code and bindings can call a
//! thread-safe JS function or an asyncio coroutine. Hosts whose callbacks block (C function
//! pointers, plain Python callables) implement [`BlockingPortalHooks`] instead and wrap it in
//! [`BlockingHooks`], which runs each call on tokio's blocking pool.
//!
//! Hooks run before the change is committed: a hook that fails (or panics) refuses the
//! callback and nothing changes; one that misses [`super::PortalConfig::hook_timeout`] gets
//! the NoPass server a 503 with `Retry-After`, and nothing changes either. A concurrent copy of
//! a callback never reaches the hook beside the first. If the commit fails after the hook
//! said yes, the NoPass server gets an error and may call again, so a hook can see the same
//! event twice. Decisions default to the safe answer: a hook that is not implemented refuses.

use std::sync::Arc;

use futures_util::future::{self, BoxFuture};
use tokio::sync::Semaphore;

use super::events::{
    AuthorizationResult, PictureUpdate, PreRegistration, Registration, ServiceDisabling, SessionClosing, UserDeletion,
    UserRegistration, UserRegistrationCheck, UserUpdate, UsersAddition,
};

/// A hook's failure. The message goes to the log, never to the NoPass server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookError {
    message: String,
}

impl HookError {
    /// A failure described by `message`, for the portal's log.
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }

    /// What went wrong, as the hook said it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for HookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "hook failed: {}", self.message)
    }
}

impl std::error::Error for HookError {}

impl From<crate::Error> for HookError {
    fn from(error: crate::Error) -> Self {
        HookError::new(error.to_string())
    }
}

/// What a blocking hook returns: its answer, or the error that refuses the callback.
pub type HookResult<T> = Result<T, HookError>;

/// What every hook returns.
pub type HookFuture<T> = BoxFuture<'static, HookResult<T>>;

fn ready<T: Send + 'static>(value: T) -> HookFuture<T> {
    Box::pin(future::ready(Ok(value)))
}

/// The host's hooks, one per callback. Every method has a default: notifications accept,
/// decisions refuse.
pub trait PortalHooks: Send + Sync + 'static {
    /// ConfirmPreRegistration passed the `adminId` check. An error refuses it.
    fn confirm_pre_registration(&self, _event: PreRegistration) -> HookFuture<()> {
        ready(())
    }

    /// ConfirmRegistration is binding the portal. An error refuses it.
    fn confirm_registration(&self, _event: Registration) -> HookFuture<()> {
        ready(())
    }

    /// A new picture/code for a pending login (also readable and awaitable by `authId`).
    fn update_picture(&self, _event: PictureUpdate) -> HookFuture<()> {
        ready(())
    }

    /// Decides whether the user may be registered (the answer is the callback's result).
    /// Default: no.
    fn validate_user_registration(&self, _event: UserRegistrationCheck) -> HookFuture<bool> {
        ready(false)
    }

    /// A user registration completed. An error refuses it and leaves the `otp` usable.
    fn confirm_user_registration(&self, _event: UserRegistration) -> HookFuture<()> {
        ready(())
    }

    /// A login was authorised or denied (also readable and awaitable by `authId`).
    fn authorized_user(&self, _event: AuthorizationResult) -> HookFuture<()> {
        ready(())
    }

    /// Decides whether the changes may be applied. Default: no.
    fn update_user(&self, _event: UserUpdate) -> HookFuture<bool> {
        ready(false)
    }

    /// Decides whether the portal acts on a deleted NoPass account. Default: no.
    fn delete_user(&self, _event: UserDeletion) -> HookFuture<bool> {
        ready(false)
    }

    /// Decides whether the users may be added (the answer is the callback's result).
    /// Default: no.
    fn add_users(&self, _event: UsersAddition) -> HookFuture<bool> {
        ready(false)
    }

    /// The user closed a session.
    fn close_session(&self, _event: SessionClosing) -> HookFuture<()> {
        ready(())
    }

    /// The portal is being disabled; after this every callback is refused.
    fn disable_service(&self, _event: ServiceDisabling) -> HookFuture<()> {
        ready(())
    }
}

/// Hooks that do nothing: every notification accepted, every decision refused.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHooks;

impl PortalHooks for NoHooks {}

/// [`PortalHooks`] for hosts whose code blocks. Same defaults.
pub trait BlockingPortalHooks: Send + Sync + 'static {
    /// [`PortalHooks::confirm_pre_registration`], on a thread that may block.
    fn confirm_pre_registration(&self, _event: PreRegistration) -> HookResult<()> {
        Ok(())
    }

    /// [`PortalHooks::confirm_registration`], on a thread that may block.
    fn confirm_registration(&self, _event: Registration) -> HookResult<()> {
        Ok(())
    }

    /// [`PortalHooks::update_picture`], on a thread that may block.
    fn update_picture(&self, _event: PictureUpdate) -> HookResult<()> {
        Ok(())
    }

    /// [`PortalHooks::validate_user_registration`], on a thread that may block. Default: no.
    fn validate_user_registration(&self, _event: UserRegistrationCheck) -> HookResult<bool> {
        Ok(false)
    }

    /// [`PortalHooks::confirm_user_registration`], on a thread that may block.
    fn confirm_user_registration(&self, _event: UserRegistration) -> HookResult<()> {
        Ok(())
    }

    /// [`PortalHooks::authorized_user`], on a thread that may block.
    fn authorized_user(&self, _event: AuthorizationResult) -> HookResult<()> {
        Ok(())
    }

    /// [`PortalHooks::update_user`], on a thread that may block. Default: no.
    fn update_user(&self, _event: UserUpdate) -> HookResult<bool> {
        Ok(false)
    }

    /// [`PortalHooks::delete_user`], on a thread that may block. Default: no.
    fn delete_user(&self, _event: UserDeletion) -> HookResult<bool> {
        Ok(false)
    }

    /// [`PortalHooks::add_users`], on a thread that may block. Default: no.
    fn add_users(&self, _event: UsersAddition) -> HookResult<bool> {
        Ok(false)
    }

    /// [`PortalHooks::close_session`], on a thread that may block.
    fn close_session(&self, _event: SessionClosing) -> HookResult<()> {
        Ok(())
    }

    /// [`PortalHooks::disable_service`], on a thread that may block.
    fn disable_service(&self, _event: ServiceDisabling) -> HookResult<()> {
        Ok(())
    }
}

/// Runs [`BlockingPortalHooks`] on tokio's blocking pool, so a slow host callback never
/// stalls the runtime's workers.
///
/// At most [`BlockingHooks::MAX_RUNNING`] hooks run at once. A hook that never returns keeps
/// its thread past the portal's deadline; the cap keeps such hooks from taking the whole
/// blocking pool, which the SQLite store needs for every read and commit.
pub struct BlockingHooks<H> {
    hooks: Arc<H>,
    running: Arc<Semaphore>,
}

impl<H: BlockingPortalHooks> BlockingHooks<H> {
    /// Hooks that may run at once; further ones wait (within the hook deadline).
    pub const MAX_RUNNING: usize = 64;

    /// Runs `hooks`, at most [`BlockingHooks::MAX_RUNNING`] at once.
    pub fn new(hooks: H) -> Self {
        Self::from_arc(Arc::new(hooks))
    }

    /// Runs hooks the host shares with other code.
    pub fn from_arc(hooks: Arc<H>) -> Self {
        Self { hooks, running: Arc::new(Semaphore::new(Self::MAX_RUNNING)) }
    }

    fn run<T, F>(&self, call: F) -> HookFuture<T>
    where
        T: Send + 'static,
        F: FnOnce(&H) -> HookResult<T> + Send + 'static,
    {
        let hooks = self.hooks.clone();
        let running = self.running.clone();
        Box::pin(async move {
            let permit = running.acquire_owned().await.map_err(|_| HookError::new("the hooks were shut down"))?;
            let call = move || {
                // Held until the host's code returns, however long after the deadline.
                let _permit = permit;
                call(&hooks)
            };
            match tokio::task::spawn_blocking(call).await {
                Ok(result) => result,
                Err(join) if join.is_panic() => Err(HookError::new("the hook panicked")),
                Err(_) => Err(HookError::new("the hook was cancelled")),
            }
        })
    }
}

impl<H: BlockingPortalHooks> PortalHooks for BlockingHooks<H> {
    fn confirm_pre_registration(&self, event: PreRegistration) -> HookFuture<()> {
        self.run(move |h| h.confirm_pre_registration(event))
    }
    fn confirm_registration(&self, event: Registration) -> HookFuture<()> {
        self.run(move |h| h.confirm_registration(event))
    }
    fn update_picture(&self, event: PictureUpdate) -> HookFuture<()> {
        self.run(move |h| h.update_picture(event))
    }
    fn validate_user_registration(&self, event: UserRegistrationCheck) -> HookFuture<bool> {
        self.run(move |h| h.validate_user_registration(event))
    }
    fn confirm_user_registration(&self, event: UserRegistration) -> HookFuture<()> {
        self.run(move |h| h.confirm_user_registration(event))
    }
    fn authorized_user(&self, event: AuthorizationResult) -> HookFuture<()> {
        self.run(move |h| h.authorized_user(event))
    }
    fn update_user(&self, event: UserUpdate) -> HookFuture<bool> {
        self.run(move |h| h.update_user(event))
    }
    fn delete_user(&self, event: UserDeletion) -> HookFuture<bool> {
        self.run(move |h| h.delete_user(event))
    }
    fn add_users(&self, event: UsersAddition) -> HookFuture<bool> {
        self.run(move |h| h.add_users(event))
    }
    fn close_session(&self, event: SessionClosing) -> HookFuture<()> {
        self.run(move |h| h.close_session(event))
    }
    fn disable_service(&self, event: ServiceDisabling) -> HookFuture<()> {
        self.run(move |h| h.disable_service(event))
    }
}
