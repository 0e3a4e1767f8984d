//! Control API of the nevisIDM stand-in: clients, users, credentials and lock policy.

use std::sync::Arc;
use std::time::Duration;

use authbridge::sandbox::{CredentialRef, CredentialState, LockPolicy};
use napi::Env;
use napi_derive::napi;

use super::{Sandbox, Shared};

/// Which of a user's credentials a control call means.
#[napi(discriminant = "type", discriminant_case = "camelCase")]
pub enum NevisCredential {
    Password,
    DevicePassword { credential_ext_id: String },
    ContextPassword { context: String },
}

impl From<NevisCredential> for CredentialRef {
    fn from(credential: NevisCredential) -> Self {
        match credential {
            NevisCredential::Password => CredentialRef::Password,
            NevisCredential::DevicePassword { credential_ext_id } => CredentialRef::DevicePassword(credential_ext_id),
            NevisCredential::ContextPassword { context } => CredentialRef::ContextPassword(context),
        }
    }
}

/// The state of a credential, as nevisIDM names it.
#[napi(string_enum = "lowercase")]
pub enum NevisCredentialState {
    Active,
    Disabled,
    Locked,
}

impl From<NevisCredentialState> for CredentialState {
    fn from(state: NevisCredentialState) -> Self {
        match state {
            NevisCredentialState::Active => CredentialState::Active,
            NevisCredentialState::Disabled => CredentialState::Disabled,
            NevisCredentialState::Locked => CredentialState::Locked,
        }
    }
}

impl From<CredentialState> for NevisCredentialState {
    fn from(state: CredentialState) -> Self {
        match state {
            CredentialState::Active => NevisCredentialState::Active,
            CredentialState::Disabled => NevisCredentialState::Disabled,
            CredentialState::Locked => NevisCredentialState::Locked,
        }
    }
}

/// How wrong passwords lock a credential.
#[napi(object)]
pub struct NevisLockPolicy {
    /// Failed logins in a row that lock the credential.
    pub max_failures: u32,
    /// Left out: the lock is permanent (statusCode 4). Set: the lock lifts after this many ms
    /// (statusCode 9).
    pub temporary_lock_ms: Option<u32>,
}

/// The nevisIDM stand-in's control API (`sandbox.nevis`).
#[napi]
pub struct NevisSandbox {
    shared: Arc<Shared>,
}

impl NevisSandbox {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

#[napi]
impl NevisSandbox {
    /// Adds a client. `name` is what 404 messages call it (`'Default'` in the seed).
    #[napi(catch_unwind)]
    pub fn add_client(&self, env: Env, client_ext_id: String, name: String) -> napi::Result<()> {
        self.shared.with(&env, |s| s.nevis().add_client(&client_ext_id, &name))
    }

    /// Adds a user with no credentials to an existing client.
    #[napi(catch_unwind)]
    pub fn add_user(&self, env: Env, client_ext_id: String, user_ext_id: String) -> napi::Result<()> {
        self.shared.with(&env, |s| s.nevis().add_user(&client_ext_id, &user_ext_id))
    }

    /// Sets the user's password credential.
    #[napi(catch_unwind)]
    pub fn set_password(
        &self,
        env: Env,
        client_ext_id: String,
        user_ext_id: String,
        password: String,
    ) -> napi::Result<()> {
        self.shared.with(&env, |s| s.nevis().set_password(&client_ext_id, &user_ext_id, &password))
    }

    /// Adds a device password with external id `credentialExtId`.
    #[napi(catch_unwind)]
    pub fn add_device_password(
        &self,
        env: Env,
        client_ext_id: String,
        user_ext_id: String,
        credential_ext_id: String,
        password: String,
    ) -> napi::Result<()> {
        self.shared
            .with(&env, |s| s.nevis().add_device_password(&client_ext_id, &user_ext_id, &credential_ext_id, &password))
    }

    /// Adds a context password for `context`.
    #[napi(catch_unwind)]
    pub fn add_context_password(
        &self,
        env: Env,
        client_ext_id: String,
        user_ext_id: String,
        context: String,
        password: String,
    ) -> napi::Result<()> {
        self.shared.with(&env, |s| s.nevis().add_context_password(&client_ext_id, &user_ext_id, &context, &password))
    }

    /// Issues single-use recovery codes.
    #[napi(catch_unwind)]
    pub fn add_recovery_codes(
        &self,
        env: Env,
        client_ext_id: String,
        user_ext_id: String,
        codes: Vec<String>,
    ) -> napi::Result<()> {
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        self.shared.with(&env, |s| s.nevis().add_recovery_codes(&client_ext_id, &user_ext_id, &codes))
    }

    /// Sets a credential's state (disable it, lock it, or make it active and reset failures).
    #[napi(catch_unwind)]
    pub fn set_state(
        &self,
        env: Env,
        client_ext_id: String,
        user_ext_id: String,
        credential: NevisCredential,
        state: NevisCredentialState,
    ) -> napi::Result<()> {
        let credential = credential.into();
        self.shared.with(&env, |s| s.nevis().set_state(&client_ext_id, &user_ext_id, &credential, state.into()))
    }

    /// The state of a credential, or `null` when it does not exist.
    #[napi(catch_unwind)]
    pub fn credential_state(
        &self,
        env: Env,
        client_ext_id: String,
        user_ext_id: String,
        credential: NevisCredential,
    ) -> napi::Result<Option<NevisCredentialState>> {
        let credential = credential.into();
        let state =
            self.shared.with(&env, |s| s.nevis().credential_state(&client_ext_id, &user_ext_id, &credential))?;
        Ok(state.map(Into::into))
    }

    /// Sets how wrong passwords lock a credential (default: 3 failures, permanent lock).
    #[napi(catch_unwind)]
    pub fn set_lock_policy(&self, env: Env, policy: NevisLockPolicy) -> napi::Result<()> {
        let policy = LockPolicy {
            max_failures: policy.max_failures,
            temporary_lock: policy.temporary_lock_ms.map(|ms| Duration::from_millis(u64::from(ms))),
        };
        self.shared.with(&env, |s| s.nevis().set_lock_policy(policy))
    }

    /// Requires every request to carry header `name` with exactly `value` (else 401).
    #[napi(catch_unwind)]
    pub fn require_header(&self, env: Env, name: String, value: String) -> napi::Result<()> {
        self.shared.with(&env, |s| s.nevis().require_header(&name, &value))
    }

    /// The raw (still percent-encoded) path of the last request, for encoding checks.
    #[napi(catch_unwind)]
    pub fn last_raw_path(&self, env: Env) -> napi::Result<Option<String>> {
        self.shared.with(&env, |s| s.nevis().last_raw_path())
    }
}

// One `impl` block per vendor, so that each vendor's accessor exists only when its feature
// (and module) is compiled in.
#[napi]
impl Sandbox {
    /// The nevisIDM stand-in's control API.
    #[napi(getter, catch_unwind)]
    pub fn nevis(&self) -> NevisSandbox {
        NevisSandbox::new(self.shared.clone())
    }
}
