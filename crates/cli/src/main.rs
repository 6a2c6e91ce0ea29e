//! `agent-team`: one binary for serving, migrating, checking configuration and administration.

mod commands;
mod logging;
mod progress;
mod wiring;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "agent-team", version, about = "Self-hosted backend for sales-team AI assistants")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server until SIGTERM/SIGINT, then drain gracefully.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Configuration commands.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// User and API-key administration.
    Admin {
        #[command(subcommand)]
        command: commands::admin::AdminCommand,
    },
    /// Exit 0 when the local server answers /healthz (for container health checks).
    Healthcheck,
    /// Bulk import from a .csv, .xlsx or .xls file (all or nothing unless --partial).
    Import(commands::import::ImportArgs),
    /// Audit log commands.
    Audit {
        #[command(subcommand)]
        command: commands::audit::AuditCommand,
    },
    /// Write a consistent snapshot of the database and its objects into one archive (mode 0600).
    Backup(commands::backup::BackupArgs),
    /// Restore an archive into an empty deployment (exit 2 when it is not empty).
    Restore(commands::backup::RestoreArgs),
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Validate the configuration and print the effective settings with secrets redacted.
    Check,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        match cli.command {
            Command::Serve => commands::serve::run().await,
            Command::Migrate => commands::migrate::run().await,
            Command::Config { command: ConfigCommand::Check } => commands::config_check::run(),
            Command::Admin { command } => commands::admin::run(command).await,
            Command::Healthcheck => commands::healthcheck::run().await,
            Command::Import(args) => commands::import::run(args).await,
            Command::Audit { command } => commands::audit::run(command).await,
            Command::Backup(args) => commands::backup::backup(args).await,
            Command::Restore(args) => commands::backup::restore(args).await,
        }
    })
}
