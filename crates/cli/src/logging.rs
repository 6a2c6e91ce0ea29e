//! Logs: readable in dev, JSON lines in staging and prod. The server logs to stdout; one-shot
//! commands log to stderr so their stdout stays clean for scripts (a created key is the last line).

use std::io::IsTerminal as _;

use config::{AppEnv, Settings};
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::writer::BoxMakeWriter;

pub enum Sink {
    Stdout,
    Stderr,
}

/// Keeps the log writer thread alive; dropping it flushes what is still queued.
pub struct LogGuard {
    _worker: Option<WorkerGuard>,
}

pub fn init(settings: &Settings, sink: Sink) -> LogGuard {
    let filter = EnvFilter::try_new(&settings.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = match sink {
        Sink::Stdout => std::io::stdout().is_terminal(),
        Sink::Stderr => std::io::stderr().is_terminal(),
    };
    // The server writes its logs from a dedicated thread, so a slow stdout pipe never stalls a
    // request; lossless (it applies back-pressure rather than drop lines).
    let (writer, guard) = match sink {
        Sink::Stdout => {
            // Buffered: the worker flushes after each batch it drains, so a busy server makes one
            // write per batch instead of one per line, and an idle one still logs at once.
            let stdout = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout());
            let (writer, guard) = NonBlockingBuilder::default().lossy(false).finish(stdout);
            (BoxMakeWriter::new(writer), Some(guard))
        }
        Sink::Stderr => (BoxMakeWriter::new(std::io::stderr), None),
    };
    let builder =
        tracing_subscriber::fmt().with_env_filter(filter).with_target(true).with_ansi(ansi).with_writer(writer);
    let result = match settings.app_env {
        AppEnv::Dev => builder.try_init(),
        _ => builder.json().flatten_event(true).try_init(),
    };
    if let Err(err) = result {
        eprintln!("warning: logging already initialised: {err}");
    }
    LogGuard { _worker: guard }
}
