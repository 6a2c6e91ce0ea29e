//! Administration from the shell, for the first admin and for automation. Results go to stdout
//! (a created key or generated password alone on the last line); logs go to stderr.

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::process::ExitCode;
use std::time::Duration;

use app::auth::NewUserInput;
use clap::Subcommand;
use domain::Role;
use secrecy::{ExposeSecret as _, SecretString};

use crate::logging::Sink;
use crate::wiring;

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create a user. The password is read from stdin; with none (or a terminal), one is generated and printed once.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// Create an API key and print it once, alone on the last line.
    CreateKey {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Lifetime such as 90d, 12h or 30m; without it the key lives until revoked.
        #[arg(long, value_parser = parse_lifetime)]
        expires_in: Option<Duration>,
    },
    /// Revoke the live API key with this name (effective on every instance within 5 s).
    RevokeKey {
        #[arg(long)]
        name: String,
    },
}

fn parse_role(raw: &str) -> Result<Role, String> {
    raw.parse()
}

fn parse_lifetime(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let (digits, unit) = raw.split_at(raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len()));
    let n: u64 = digits.parse().map_err(|_| format!("`{raw}` is not a lifetime like 90d, 12h, 30m or 45s"))?;
    let secs = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        _ => {
            return Err(format!("`{raw}` is not a lifetime like 90d, 12h, 30m or 45s"));
        }
    };
    if secs == 0 || secs > 3650 * 86_400 {
        return Err("a key lifetime is between 1s and 3650d".into());
    }
    Ok(Duration::from_secs(secs))
}

pub async fn run(command: AdminCommand) -> ExitCode {
    let (app, _log) = match wiring::app(Sink::Stderr, true).await {
        Ok(wired) => wired,
        Err(code) => return code,
    };
    let mut out = std::io::stdout().lock();
    let result: Result<Vec<String>, domain::Error> = match command {
        AdminCommand::CreateUser { username, role } => {
            let (password, generated) = match read_password() {
                Ok(p) => p,
                Err(err) => {
                    eprintln!("error: cannot read the password from stdin: {err}");
                    return ExitCode::FAILURE;
                }
            };
            let shown = generated.then(|| password.expose_secret().to_owned());
            app.auth.create_user(NewUserInput { username, password, role }).await.map(|user| {
                let mut lines = vec![format!("created user {} (role {}, id {})", user.username, user.role, user.id)];
                if let Some(p) = shown {
                    lines.push("generated password (shown once):".into());
                    lines.push(p);
                }
                lines
            })
        }
        AdminCommand::CreateKey { name, role, expires_in } => {
            app.auth.create_api_key(&name, role, expires_in).await.map(|created| {
                let expiry = created
                    .expires_at
                    .map_or_else(|| "never expires".to_owned(), |t| format!("expires {}", t.to_rfc3339()));
                vec![
                    format!("created API key {} (role {}, {expiry}); it is shown once:", created.name, created.role),
                    created.key.expose_secret().to_owned(),
                ]
            })
        }
        AdminCommand::RevokeKey { name } => {
            let revoked = app.auth.revoke_api_key(&name).await;
            // Running servers learn of it through the bus before this process exits (they would
            // otherwise notice within their cache's lifetime, and open sockets within a minute).
            app.bus.flush(std::time::Duration::from_secs(2)).await;
            revoked.map(|()| vec![format!("revoked API key {name}")])
        }
    };
    match result {
        Ok(lines) => {
            for line in lines {
                if writeln!(out, "{line}").is_err() {
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {}", err.detail());
            if err.code().is_internal() {
                tracing::error!(error = %err, "command failed");
            }
            ExitCode::FAILURE
        }
    }
}

/// The password from piped stdin, or a generated one when stdin is a terminal or empty.
fn read_password() -> std::io::Result<(SecretString, bool)> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut text = String::new();
        stdin.lock().take(4096).read_to_string(&mut text)?;
        let password = text.trim_end_matches(['\n', '\r']);
        if !password.is_empty() {
            return Ok((SecretString::from(password.to_owned()), false));
        }
    }
    Ok((SecretString::from(generate_password()), true))
}

fn generate_password() -> String {
    use std::fmt::Write as _;
    let mut bytes = [0u8; 18];
    getrandom(&mut bytes);
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn getrandom(buf: &mut [u8]) {
    use rand::RngCore as _;
    rand::rng().fill_bytes(buf);
}
