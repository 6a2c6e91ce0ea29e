//! The embedded default: one SQLite file under `DATA_DIR`, in WAL mode.

mod approvals;
mod audit;
mod auth;
mod batch;
mod catalog;
mod chats;
mod customers;
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

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::{Error, ErrorCode, Result, Role};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, Transaction};

use crate::error::corrupt;
use crate::sales::page;

pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Clone)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file. Its directory must already exist: a typo in
    /// `DATABASE_URL` must not scatter databases around the disk.
    pub async fn open(path: &Path) -> Result<Self> {
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(dir) = parent
            && !dir.is_dir()
        {
            return Err(Error::new(
                ErrorCode::Unavailable,
                "DATABASE_URL: the directory of the sqlite database does not exist",
            ));
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL makes NORMAL durable against application crashes; only power loss can lose the
            // last transactions, which is the usual trade for an embedded server.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(crate::error::db)?;
        Ok(Self { pool })
    }

    /// A transaction that holds SQLite's write lock from its first statement: reads inside it
    /// (the audit head, a price's version) cannot go stale before its writes, and concurrent
    /// writers queue on the busy timeout instead of failing on a lock upgrade.
    async fn write_tx(&self) -> Result<Transaction<'static, Sqlite>> {
        self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(crate::error::db)
    }
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn time(ms: i64) -> Result<DateTime<Utc>> {
    Utc.timestamp_millis_opt(ms).single().ok_or_else(|| corrupt("timestamp"))
}

fn opt_time(ms: Option<i64>) -> Result<Option<DateTime<Utc>>> {
    ms.map(time).transpose()
}

fn role(text: &str) -> Result<Role> {
    Role::from_str(text).map_err(|_| corrupt("role"))
}

/// A business day as stored: `YYYY-MM-DD`, which sorts as dates do for years 1 to 9999.
fn day(d: NaiveDate) -> Result<String> {
    Ok(crate::sales::prepare::check_day(d)?.format("%Y-%m-%d").to_string())
}

pub(crate) fn parse_day(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| corrupt("date"))
}
