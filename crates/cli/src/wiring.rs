//! Turning settings into a running application: load configuration, open the store, migrate.

use std::process::ExitCode;

use app::App;
use config::Settings;

use crate::logging::{self, LogGuard, Sink};

/// Loads the configuration, printing every problem (one line each, naming the variable).
pub fn settings() -> Result<Settings, ExitCode> {
    Settings::from_process_env().map_err(|err| {
        for line in &err.0 {
            eprintln!("configuration error: {line}");
        }
        ExitCode::from(2)
    })
}

/// Settings and logging only, for commands that open the stores themselves (backup, restore).
pub fn settings_and_logs(sink: Sink) -> Result<(Settings, LogGuard), ExitCode> {
    let settings = settings()?;
    let guard = logging::init(&settings, sink);
    Ok((settings, guard))
}

/// Settings, logging, the store (migrated when asked) and the wired services. Keep the guard for
/// as long as logs may be written.
pub async fn app(sink: Sink, migrate: bool) -> Result<(App, LogGuard), ExitCode> {
    let (settings, guard) = settings_and_logs(sink)?;
    if let Err(err) = std::fs::create_dir_all(&settings.data_dir) {
        tracing::error!(data_dir = %settings.data_dir.display(), error = %err, "cannot create DATA_DIR");
        return Err(ExitCode::FAILURE);
    }
    let store = store::open(&settings.database_url).await.map_err(|err| {
        tracing::error!(error = %err, database = %settings.database_url.redacted(), "cannot open the database");
        ExitCode::FAILURE
    })?;
    if migrate {
        store.migrate().await.map_err(|err| {
            tracing::error!(error = %err, "migrations failed");
            ExitCode::FAILURE
        })?;
    } else if !store.migrations_applied().await.unwrap_or(false) {
        tracing::warn!("migrations are pending: run `agent-team migrate` (readiness stays 503 until then)");
    }
    let objects = store::objects::open(&settings.object_store_url, &settings.s3).await.map_err(|err| {
        tracing::error!(error = %err, url = %settings.object_store_url, "cannot open the object store");
        ExitCode::FAILURE
    })?;
    if let Some(url) = &settings.redis_url
        && app::coord::RedisLink::open(url).is_err()
    {
        tracing::error!("REDIS_URL is not a usable Redis address");
        return Err(ExitCode::from(2));
    }
    Ok((App::new(settings, store, objects), guard))
}
