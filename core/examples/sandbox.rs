//! Runs the sandbox on its own, for tools in other processes (curl, benchmarks, other
//! languages): prints every vendor's base URL as one JSON line, then serves until standard
//! input closes or the process is interrupted.
//!
//! `cargo run -p authbridge --example sandbox`

use std::collections::BTreeMap;

use authbridge::sandbox::Sandbox;
use authbridge::Vendor;
use tokio::io::AsyncReadExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start().await?;
    let urls: BTreeMap<&str, String> =
        Vendor::ALL.iter().filter_map(|vendor| Some((vendor.as_str(), sandbox.url(*vendor)?))).collect();
    println!("{}", serde_json::to_string(&urls)?);
    let mut stdin = tokio::io::stdin();
    let mut sink = [0u8; 64];
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = async { while matches!(stdin.read(&mut sink).await, Ok(n) if n > 0) {} } => {}
    }
    sandbox.stop().await;
    Ok(())
}
