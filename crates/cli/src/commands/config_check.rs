use std::io::Write as _;
use std::process::ExitCode;

use crate::wiring;

/// Prints the effective settings (secrets redacted) as JSON; problems go to stderr with exit 2.
pub fn run() -> ExitCode {
    let settings = match wiring::settings() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let text = serde_json::to_string_pretty(&settings.redacted_json()).unwrap_or_default();
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{text}").is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
