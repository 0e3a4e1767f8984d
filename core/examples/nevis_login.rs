//! A login provider's password check against nevisIDM: the Rust twin of
//! `examples/c/nevis_login.c`.
//!
//! ```text
//! cargo run -p authbridge --example nevis_login -- BASE_URL CLIENT_EXT_ID USER_EXT_ID < password
//! ```
//!
//! Exits 0 when the password is accepted, 1 when it is refused, 2 when the check failed.
//! Servers are verified against the system's trust store, so an `https://` URL of a server
//! whose CA the machine trusts works without further configuration. Offline, point it at the
//! nevisIDM stand-in of `authbridge-sandbox` (see the README).

use std::io::BufRead;
use std::process::ExitCode;

use authbridge::nevis::{NevisClient, NevisConfig};
use authbridge::Secret;
use zeroize::Zeroizing;

const ACCEPTED: u8 = 0;
const REFUSED: u8 = 1;
const BROKEN: u8 = 2;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base_url, client_ext_id, user_ext_id] = args.as_slice() else {
        eprintln!("usage: nevis_login BASE_URL CLIENT_EXT_ID USER_EXT_ID < password");
        return ExitCode::from(BROKEN);
    };
    // The line read is wiped when dropped, like the Secret made from it.
    let mut line = Zeroizing::new(String::new());
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return ExitCode::from(BROKEN);
    }
    let password = Secret::new(line.trim_end_matches(['\r', '\n']));
    let client = match NevisConfig::new(base_url).and_then(NevisClient::new) {
        Ok(client) => client,
        Err(error) => {
            eprintln!("setup failed: [{}] {error}", error.code());
            return ExitCode::from(BROKEN);
        }
    };
    ExitCode::from(match client.password_login(client_ext_id, user_ext_id, &password).await {
        Ok(login) => {
            println!("welcome {user_ext_id} ({})", login.description);
            ACCEPTED
        }
        Err(error) if error.code() == "authentication_failed" => {
            println!("refused");
            REFUSED
        }
        // Not reachable, not trusted, misconfigured, ...: the error says what and where.
        Err(error) => {
            eprintln!("login failed: [{}] {error}", error.code());
            BROKEN
        }
    })
}
