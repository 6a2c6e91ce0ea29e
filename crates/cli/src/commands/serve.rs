use std::process::ExitCode;

use tokio::net::TcpListener;

use crate::logging::Sink;
use crate::wiring;

pub async fn run() -> ExitCode {
    let settings = match wiring::settings() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let migrate = settings.auto_migrate;
    let (app, _log) = match wiring::app(Sink::Stdout, migrate).await {
        Ok(wired) => wired,
        Err(code) => return code,
    };
    let settings = app.settings.clone();
    let listener = match TcpListener::bind((settings.host, settings.port)).await {
        Ok(l) => l,
        Err(err) => {
            tracing::error!(host = %settings.host, port = settings.port, error = %err, "cannot bind");
            return ExitCode::FAILURE;
        }
    };
    if app.store.count_users().await.unwrap_or(1) == 0 {
        tracing::warn!(
            "no users yet: create the first admin with `agent-team admin create-user --username admin --role admin`"
        );
    }
    let handle = match server::start(app, listener, None).await {
        Ok(h) => h,
        Err(err) => {
            tracing::error!(error = %err, "cannot start the server");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(env = settings.app_env.as_str(), "listening on http://{}", handle.addr);
    if let Some(addr) = handle.metrics_addr {
        tracing::info!("metrics on http://{addr}/metrics");
    }

    let signal = shutdown_signal().await;
    tracing::info!(
        signal,
        grace_secs = settings.shutdown_grace.as_secs(),
        "shutting down: draining in-flight requests"
    );
    match handle.shutdown(settings.shutdown_grace).await {
        Ok(()) => {
            tracing::info!("stopped cleanly");
            ExitCode::SUCCESS
        }
        Err(err) => {
            tracing::error!(error = %err, "stopped without a clean drain");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return wait_ctrl_c().await,
        };
        tokio::select! {
            _ = term.recv() => "SIGTERM",
            name = wait_ctrl_c() => name,
        }
    }
    #[cfg(not(unix))]
    {
        wait_ctrl_c().await
    }
}

async fn wait_ctrl_c() -> &'static str {
    let _ = tokio::signal::ctrl_c().await;
    "SIGINT"
}
