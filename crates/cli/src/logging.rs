//! Logs: readable in dev, JSON lines in staging and prod. The server logs to stdout; one-shot
//! commands log to stderr so their stdout stays clean for scripts (a created key is the last line).

use std::io::IsTerminal as _;

use config::{AppEnv, Settings};
use tracing_subscriber::EnvFilter;

pub enum Sink {
    Stdout,
    Stderr,
}

pub fn init(settings: &Settings, sink: Sink) {
    let filter = EnvFilter::try_new(&settings.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = match sink {
        Sink::Stdout => std::io::stdout().is_terminal(),
        Sink::Stderr => std::io::stderr().is_terminal(),
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(true).with_ansi(ansi);
    let result = match (settings.app_env, sink) {
        (AppEnv::Dev, Sink::Stdout) => builder.with_writer(std::io::stdout).try_init(),
        (AppEnv::Dev, Sink::Stderr) => builder.with_writer(std::io::stderr).try_init(),
        (_, Sink::Stdout) => builder.json().flatten_event(true).with_writer(std::io::stdout).try_init(),
        (_, Sink::Stderr) => builder.json().flatten_event(true).with_writer(std::io::stderr).try_init(),
    };
    if let Err(err) = result {
        eprintln!("warning: logging already initialised: {err}");
    }
}
