//! What the AuthX integration tests share: a sandbox and a client configured for it.

#![allow(dead_code)]

use std::time::Duration;

use authbridge::authx::{AuthxClient, AuthxConfig, BiometricApp, UserProfile};
use authbridge::sandbox::{AuthxSim, Sandbox};
use authbridge::transport::{RetryPolicy, TransportConfig};
use authbridge::Vendor;

/// A configuration for the sandbox's AuthX with its built-in applications, fast retries.
pub fn config(sandbox: &Sandbox) -> AuthxConfig {
    let url = sandbox.url(Vendor::AuthX).expect("authx compiled in");
    let transport = TransportConfig {
        retry: RetryPolicy {
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            ..RetryPolicy::default()
        },
        use_env_proxy: false,
        ..TransportConfig::default()
    };
    AuthxConfig::new(&url, AuthxSim::APPLICATION_ID, AuthxSim::APPLICATION_KEY)
        .unwrap()
        .biometric_app(BiometricApp::new(
            AuthxSim::BIOMETRIC_APPLICATION_KEY,
            AuthxSim::BIOMETRIC_SECRET_KEY,
            AuthxSim::HOST_NAME,
        ))
        .transport(transport)
}

pub async fn setup() -> (Sandbox, AuthxClient) {
    let sandbox = Sandbox::start().await.unwrap();
    let client = AuthxClient::new(config(&sandbox)).unwrap();
    (sandbox, client)
}

pub fn profile(user_name: &str) -> UserProfile {
    UserProfile::new(user_name, &format!("{user_name}@example.com"), "Richard", "Miller", "9876813805")
}
