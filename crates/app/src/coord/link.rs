//! One instance's connection to Redis and what it knows of Redis's health.
//!
//! Requests never wait on a Redis that is known to be down: after a failure the link reads as
//! down and callers take their fallback at once, while a probe looks every second and brings the
//! link back up. So an outage costs each request at most one short timeout, at its start.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use domain::{Error, Result};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use secrecy::{ExposeSecret as _, SecretString};
use tokio::sync::watch;

/// How long one command may take before Redis counts as unreachable.
const COMMAND_TIMEOUT: Duration = Duration::from_millis(500);
const PROBE_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedisStatus {
    NotConfigured,
    Up,
    Down,
}

impl RedisStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RedisStatus::NotConfigured => "not_configured",
            RedisStatus::Up => "up",
            RedisStatus::Down => "down",
        }
    }
}

#[derive(Clone)]
pub struct RedisLink {
    client: redis::Client,
    conn: ConnectionManager,
    up: Arc<AtomicBool>,
}

impl RedisLink {
    /// Prepares the connection without making it: a deployment starts (and serves, per its
    /// fail mode) while Redis is still coming up. Must be called inside the async runtime.
    pub fn open(url: &SecretString) -> Result<Self> {
        // The URL holds a password: the error says what is wrong without echoing it.
        let client = redis::Client::open(url.expose_secret())
            .map_err(|_| Error::internal("REDIS_URL is not a usable Redis address"))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(COMMAND_TIMEOUT))
            .set_response_timeout(Some(COMMAND_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(2));
        let conn = ConnectionManager::new_lazy_with_config(client.clone(), config).map_err(|err| {
            tracing::error!(error = %err, "cannot prepare the Redis connection");
            Error::internal("cannot prepare the Redis connection")
        })?;
        // Assumed up until something fails: the first command finds out, and a short-lived
        // process (an administration command) gets its announcement out without waiting for a
        // probe.
        Ok(Self { client, conn, up: Arc::new(AtomicBool::new(true)) })
    }

    pub fn client(&self) -> &redis::Client {
        &self.client
    }

    /// A handle for commands (cheap to clone; reconnects by itself).
    pub fn connection(&self) -> ConnectionManager {
        self.conn.clone()
    }

    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    pub fn status(&self) -> RedisStatus {
        if self.is_up() { RedisStatus::Up } else { RedisStatus::Down }
    }

    /// Records the outcome of one operation named `op`: a failure is counted and marks the link
    /// down (logged once per outage, in full); a success after an outage is logged as recovery.
    pub fn record<T>(&self, op: &'static str, outcome: redis::RedisResult<T>) -> Option<T> {
        match outcome {
            Ok(value) => {
                self.mark_up();
                Some(value)
            }
            Err(err) => {
                metrics::counter!("redis_errors_total", "op" => op).increment(1);
                if self.up.swap(false, Ordering::Relaxed) {
                    metrics::gauge!("redis_up").set(0.0);
                    tracing::warn!(op, error = %err, "Redis is unreachable; shared limits and live events use their fallback");
                }
                None
            }
        }
    }

    fn mark_up(&self) {
        if !self.up.swap(true, Ordering::Relaxed) {
            metrics::gauge!("redis_up").set(1.0);
            tracing::info!("Redis is reachable");
        }
    }

    /// One PING within the command timeout.
    pub async fn ping(&self) -> bool {
        let mut conn = self.conn.clone();
        let outcome =
            match tokio::time::timeout(COMMAND_TIMEOUT, redis::cmd("PING").query_async::<String>(&mut conn)).await {
                Ok(result) => result,
                Err(_) => Err(redis::RedisError::from((redis::ErrorKind::Io, "PING timed out"))),
            };
        let up = self.record("ping", outcome).is_some();
        // Set on every probe (not only on changes) so the gauge exists from the first scrape.
        metrics::gauge!("redis_up").set(if up { 1.0 } else { 0.0 });
        up
    }

    /// Probes Redis every second until `stopped`, so a link marked down comes back up by itself
    /// (and a link that looks up but is not is found out even when no request touches it).
    pub async fn probe(self, mut stopped: watch::Receiver<bool>) {
        loop {
            self.ping().await;
            tokio::select! {
                () = tokio::time::sleep(PROBE_EVERY) => {}
                _ = stopped.changed() => return,
            }
        }
    }
}
