//! The authbridge demo: every vendor flow against the embedded sandbox, printed step by step.
//! No accounts or network needed: `cargo run -p authbridge --example demo`.

mod authx;
mod descope;
mod nevis;
mod nopass;
mod otpone;

use authbridge::sandbox::Sandbox;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start().await?;
    println!("authbridge {} demo — sandbox started\n", env!("CARGO_PKG_VERSION"));
    nevis::run(&sandbox).await?;
    authx::run(&sandbox).await?;
    descope::run(&sandbox).await?;
    otpone::run(&sandbox).await?;
    nopass::run(&sandbox).await?;
    sandbox.stop().await;
    println!("\ndemo finished: every step behaved as expected");
    Ok(())
}

/// Prints one step of a flow.
pub fn step(vendor: &str, what: &str, outcome: impl std::fmt::Display) {
    println!("  [{vendor}] {what}: {outcome}");
}
