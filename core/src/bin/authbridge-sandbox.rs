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
//! authbridge-sandbox [--token TOKEN] [--tls-cert CHAIN.pem --tls-key KEY.pem]
//! ```

use std::collections::BTreeMap;
use std::process::ExitCode;

use std::path::PathBuf;

use authbridge::sandbox::{Sandbox, SandboxOptions};
use authbridge::serve::ServerTls;
use authbridge::Vendor;
use tokio::signal::unix::{signal, SignalKind};

const USAGE: &str = "usage: authbridge-sandbox [--token TOKEN] [--tls-cert CHAIN.pem --tls-key KEY.pem]
Starts every vendor's stand-in on 127.0.0.1, prints their URLs, the control endpoint and its
bearer token as one JSON line, and serves until SIGTERM or SIGINT.
  --token TOKEN        the control endpoint's bearer token (16 characters or more); random if
                       not given
  --tls-cert FILE      serve the stand-ins over HTTPS (https://localhost:PORT) with this PEM
  --tls-key FILE       certificate chain, valid for localhost, and its PEM private key";

/// What the command line asks for.
enum Command {
    Serve(Serve),
    Help,
}

#[derive(Default)]
struct Serve {
    token: Option<String>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut serve = Serve::default();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--token" => serve.token = Some(value()?),
            "--tls-cert" => serve.tls_cert = Some(value()?.into()),
            "--tls-key" => serve.tls_key = Some(value()?.into()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if serve.tls_cert.is_some() != serve.tls_key.is_some() {
        return Err("--tls-cert and --tls-key go together".into());
    }
    Ok(Command::Serve(serve))
}

impl Serve {
    fn options(self) -> Result<SandboxOptions, Box<dyn std::error::Error>> {
        let mut options = SandboxOptions { control_token: self.token, ..SandboxOptions::default() };
        if let (Some(cert), Some(key)) = (self.tls_cert, self.tls_key) {
            let read = |path: &PathBuf| std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
            options.tls = Some(ServerTls::from_pem(&read(&cert)?, &read(&key)?)?);
        }
        Ok(options)
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match parse(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Serve(command)) => match serve(command).await {
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

async fn serve(command: Serve) -> Result<(), Box<dyn std::error::Error>> {
    // Installed before the announcement, so a signal sent as soon as the line is read is not lost.
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let sandbox = Sandbox::start_with(command.options()?).await?;
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
