//! PostgreSQL, for several instances sharing one database. Same semantics as the SQLite adapter;
//! where SQLite gets atomicity from its single writer, each file here says what replaces it.

mod approvals;
mod audit;
mod auth;
mod batch;
mod catalog;
mod chats;
mod customers;
pub(crate) mod error;
mod health;
mod mappings;
mod oos;
mod prices;
mod runs;
mod sales;
mod throttle;
mod tickets;
mod uploads;
mod users;
mod vectors;

use std::str::FromStr;
use std::time::Duration;

use domain::{Error, ErrorCode, Result, Role};
use secrecy::{ExposeSecret, SecretString};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use uuid::Uuid;

use crate::error::corrupt;

pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// How the connection pool behaves when the database is slow, gone or back again.
#[derive(Debug, Clone)]
pub struct PgPoolLimits {
    /// Per instance; several instances share the server's `max_connections`.
    pub max_connections: u32,
    /// How long a call waits for a connection (also bounds connecting to a dead server) before it
    /// fails as `unavailable`.
    pub acquire_timeout: Duration,
    /// Server-side cap on one statement, so a stuck query cannot hold a connection for ever.
    pub statement_timeout: Duration,
}

impl Default for PgPoolLimits {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(15),
        }
    }
}

#[derive(Clone)]
pub struct PostgresStore {
    pub(crate) pool: PgPool,
    /// For `migrate`, which runs without the statement timeout.
    migration_options: PgConnectOptions,
    acquire_timeout: Duration,
}

impl PostgresStore {
    /// Connects with the default limits. Fails as `unavailable` when the server does not answer
    /// within the acquire timeout; no error text ever carries the URL or its password.
    pub async fn open(url: &SecretString) -> Result<Self> {
        Self::open_with(url, &PgPoolLimits::default()).await
    }

    pub async fn open_with(url: &SecretString, limits: &PgPoolLimits) -> Result<Self> {
        // The parse error's source could quote part of the URL: keep only our own words.
        let base = PgConnectOptions::from_str(url.expose_secret())
            .map_err(|_| Error::new(ErrorCode::Unavailable, "DATABASE_URL: the postgres URL is not valid"))?
            .application_name("agent-team")
            // A transaction left open by a lost client must not keep its locks.
            .options([("idle_in_transaction_session_timeout", "60s")]);
        let options =
            base.clone().options([("statement_timeout", format!("{}ms", limits.statement_timeout.as_millis()))]);
        let pool = PgPoolOptions::new()
            .max_connections(limits.max_connections.max(1))
            .min_connections(0)
            .acquire_timeout(limits.acquire_timeout)
            // Each handed-out connection is checked first, so after a server restart the dead
            // ones are dropped and replaced instead of failing the caller.
            .test_before_acquire(true)
            .idle_timeout(Duration::from_secs(300))
            .max_lifetime(Duration::from_secs(1800))
            .connect_with(options)
            .await
            .map_err(Error::unavailable)?;
        Ok(Self { pool, migration_options: base, acquire_timeout: limits.acquire_timeout })
    }

    /// Closes every connection; calls made afterwards fail as `unavailable`.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn role(text: &str) -> Result<Role> {
    Role::from_str(text).map_err(|_| corrupt("role"))
}

fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Namespaces for transaction-scoped advisory locks: the class keeps keys of different purposes
/// apart, the key is derived from the id the lock serialises on.
#[derive(Clone, Copy)]
#[repr(i32)]
enum LockClass {
    UploadQuota = 1,
    /// One key: appends to the audit chain take turns (see `audit`).
    AuditChain = 2,
    /// Per out-of-stock idempotency key.
    OosRequest = 3,
    /// Per (customer, item, day) of an out-of-stock registration.
    OosOpen = 4,
    /// Per (customer, normalised wording).
    Mapping = 5,
}

/// Serialises the rest of the transaction with every other one holding the same class and id.
/// Two ids may fold to one key; that only costs a little extra waiting, never correctness.
async fn lock_xact(conn: &mut sqlx::PgConnection, class: LockClass, id: Uuid) -> Result<()> {
    let key = id.as_bytes().chunks_exact(4).fold(0i32, |acc, c| acc ^ i32::from_be_bytes([c[0], c[1], c[2], c[3]]));
    sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
        .bind(class as i32)
        .bind(key)
        .execute(conn)
        .await
        .map_err(error::db)?;
    Ok(())
}

/// As [`lock_xact`], keyed by text (hashed by the server, so every instance agrees). The parts
/// are joined with a separator no cleaned field contains, so ("a b", "c") and ("a", "b c") differ.
async fn lock_xact_on(conn: &mut sqlx::PgConnection, class: LockClass, parts: &[&str]) -> Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
        .bind(class as i32)
        .bind(parts.join("\u{1f}"))
        .execute(conn)
        .await
        .map_err(error::db)?;
    Ok(())
}
