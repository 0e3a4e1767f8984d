//! The portal's API for threads that block (C, synchronous Python).

use super::portal::Portal;
use super::request::RequestHead;
use super::response::PortalResponse;
use super::server_calls::{PreRegisteredUser, UserPreRegistration};
use super::state::{LoginSession, PortalRecord, RedeemedLogin};
use crate::wait::WaitOptions;
use crate::Result;

/// The [`Portal`] API for threads that block: each call runs on the shared runtime. Calling
/// it from inside an async runtime fails with a `config` error instead of deadlocking.
#[derive(Debug, Clone, Copy)]
pub struct BlockingPortal<'a> {
    portal: &'a Portal,
}

impl Portal {
    /// The same API for threads that block (C, synchronous Python).
    pub fn blocking(&self) -> BlockingPortal<'_> {
        BlockingPortal { portal: self }
    }
}

impl BlockingPortal<'_> {
    /// [`Portal::handle`], blocking the calling thread.
    pub fn handle<H, K, V>(&self, method: &str, path: &str, headers: H, body: &[u8]) -> Result<PortalResponse>
    where
        H: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        crate::runtime::block_on(self.portal.handle(method, path, headers, body))
    }

    /// [`Portal::handle_request`], blocking the calling thread.
    pub fn handle_request(&self, head: RequestHead, body: &[u8]) -> Result<PortalResponse> {
        crate::runtime::block_on(self.portal.handle_request(head, body))
    }

    /// [`Portal::status`], blocking the calling thread.
    pub fn status(&self) -> Result<PortalRecord> {
        crate::runtime::block_on(self.portal.status())?
    }

    /// [`Portal::session`], blocking the calling thread.
    pub fn session(&self, handle: &str) -> Result<Option<LoginSession>> {
        crate::runtime::block_on(self.portal.session(handle))?
    }

    /// [`Portal::wait_session`], blocking the calling thread for up to `options.timeout`.
    pub fn wait_session(&self, handle: &str, seen_version: u64, options: &WaitOptions) -> Result<LoginSession> {
        crate::runtime::block_on(self.portal.wait_session(handle, seen_version, options))?
    }

    /// [`Portal::redeem_login`], blocking the calling thread.
    pub fn redeem_login(&self, handle: &str) -> Result<RedeemedLogin> {
        crate::runtime::block_on(self.portal.redeem_login(handle))?
    }

    /// [`Portal::pre_register_user`], blocking the calling thread.
    pub fn pre_register_user(&self, user: UserPreRegistration) -> Result<PreRegisteredUser> {
        crate::runtime::block_on(self.portal.pre_register_user(user))?
    }

    /// [`Portal::request_authorization`], blocking the calling thread.
    pub fn request_authorization(&self, user_id: &str) -> Result<LoginSession> {
        crate::runtime::block_on(self.portal.request_authorization(user_id))?
    }

    /// [`Portal::reset`], blocking the calling thread.
    pub fn reset(&self) -> Result<()> {
        crate::runtime::block_on(self.portal.reset())?
    }
}
