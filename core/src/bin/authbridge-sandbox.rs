//! `authbridge-sandbox`: every vendor's stand-in as a program of its own, for integration
//! tests in any language, CI service containers and `curl`.
//!
//! It prints one JSON line on standard output, each vendor's base URL by name plus the
//! control endpoint and its token:
//!
//! ```text
//! {"authx":"http://127.0.0.1:…","control":"http://127.0.0.1:…/control","descope":"…","nevisidm":"…","nopass":"…","otpone":"…","token":"…"}
//! ```
//!
//! then serves until SIGTERM or SIGINT, and stops cleanly (exit status 0).
//!
//! ```text
//! authbridge-sandbox [--token TOKEN]
//! ```

use std::collections::BTreeMap;
use std::process::ExitCode;

use authbridge::sandbox::Sandbox;
use authbridge::Vendor;
use tokio::signal::unix::{signal, SignalKind};

const USAGE: &str = "usage: authbridge-sandbox [--token TOKEN]
Starts every vendor's stand-in on 127.0.0.1, prints their URLs, the control endpoint and its
bearer token as one JSON line, and serves until SIGTERM or SIGINT.
  --token TOKEN   the control endpoint's bearer token (16 characters or more); random if not given";

/// What the command line asks for.
enum Command {
    Serve { token: Option<String> },
    Help,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut token = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--token" => token = Some(args.next().ok_or("--token needs a value")?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Command::Serve { token })
}

#[tokio::main]
async fn main() -> ExitCode {
    match parse(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Serve { token }) => match serve(token).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("authbridge-sandbox: {error}");
                ExitCode::FAILURE
            }
        },
        Err(usage_error) => {
            eprintln!("authbridge-sandbox: {usage_error}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

async fn serve(token: Option<String>) -> Result<(), Box<dyn std::error::Error>> {
    // Installed before the announcement, so a signal sent as soon as the line is read is not lost.
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let sandbox = Sandbox::start_with_control_token(token).await?;
    let mut announcement: BTreeMap<&str, String> =
        Vendor::ALL.iter().filter_map(|vendor| Some((vendor.as_str(), sandbox.url(*vendor)?))).collect();
    announcement.insert("control", sandbox.control_url());
    announcement.insert("token", sandbox.control_token().to_string());
    println!("{}", serde_json::to_string(&announcement)?);
    tokio::select! {
        _ = terminate.recv() => {}
        _ = interrupt.recv() => {}
    }
    sandbox.stop().await;
    Ok(())
}
