//! Uploads one biometric sample from a file to an AuthX server (normally the sandbox running in
//! another process) and reports how long the upload took. `biometric_upload.sh` runs it under
//! `/usr/bin/time -v` to compare peak memory for a small and a large sample, and compares its
//! throughput with `curl -F`.
//!
//! `cargo run --release -p authbridge --example biometric_upload -- <authx base URL> <sample file>`
//!
//! Uses the sandbox's built-in application credentials. Prints one JSON line.

use std::time::{Duration, Instant};

use authbridge::authx::{
    AuthxClient, AuthxConfig, BiometricApp, BiometricCall, BiometricData, BiometricKind, BiometricProcess, UserProfile,
};
use authbridge::sandbox::AuthxSim;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, sample] = args.as_slice() else {
        return Err("usage: biometric_upload <authx base URL> <sample file>".into());
    };
    let config = AuthxConfig::new(url, AuthxSim::APPLICATION_ID, AuthxSim::APPLICATION_KEY)?
        .biometric_app(BiometricApp::new(
            AuthxSim::BIOMETRIC_APPLICATION_KEY,
            AuthxSim::BIOMETRIC_SECRET_KEY,
            AuthxSim::HOST_NAME,
        ))
        .upload_timeout(Duration::from_secs(600));
    let client = AuthxClient::new(config)?;
    // Token and user first, so the timing below is the upload alone.
    let name = format!("upload-{}-{}", std::process::id(), Instant::now().elapsed().as_nanos());
    let guid = client.add_user(&UserProfile::new(&name, "upload@example.com", "Up", "Load", "5550100")).await?;

    let data = BiometricData::file(sample).await?;
    let bytes = data.len().unwrap_or(0);
    let call = BiometricCall::new(guid.as_str(), BiometricKind::Face, BiometricProcess::Enrol);
    let started = Instant::now();
    let result = client.process_biometric(&call, data).await?;
    let seconds = started.elapsed().as_secs_f64();
    let line = serde_json::json!({
        "bytes": bytes,
        "seconds": seconds,
        "mib_per_s": bytes as f64 / (1024.0 * 1024.0) / seconds,
        "outcome": result.outcome.as_str(),
    });
    println!("{line}");
    Ok(())
}
