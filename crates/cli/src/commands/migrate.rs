use std::process::ExitCode;

use crate::logging::Sink;
use crate::wiring;

pub async fn run() -> ExitCode {
    match wiring::app(Sink::Stderr, true).await {
        Ok((_app, _log)) => {
            tracing::info!("migrations applied");
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}
