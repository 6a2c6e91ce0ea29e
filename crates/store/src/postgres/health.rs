use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{Error, Result};
use sqlx::postgres::PgPoolOptions;

use super::error::db;
use super::{MIGRATOR, PostgresStore};
use crate::Health;

#[async_trait]
impl Health for PostgresStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(db)?;
        Ok(())
    }

    async fn migrations_applied(&self) -> Result<bool> {
        let exists: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        if !exists {
            return Ok(false);
        }
        let applied: HashSet<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .into_iter()
            .collect();
        Ok(MIGRATOR.iter().all(|m| applied.contains(&m.version)))
    }

    async fn migrate(&self) -> Result<()> {
        // A migration may outlast the statement timeout (an index on a large table), and waiting
        // for another instance's migration lock must not time out: migrations get a connection
        // of their own without that timeout. sqlx holds an advisory lock around the run, so
        // instances starting together migrate once.
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(self.acquire_timeout)
            .connect_with(self.migration_options.clone())
            .await
            .map_err(Error::unavailable)?;
        let outcome = MIGRATOR.run(&pool).await.map_err(|err| match err {
            sqlx::migrate::MigrateError::Execute(inner) => db(inner),
            other => Error::internal(other),
        });
        pool.close().await;
        outcome
    }

    async fn purge_expired(&self, now: DateTime<Utc>, throttle_older_than: DateTime<Utc>) -> Result<u64> {
        let sessions = sqlx::query("DELETE FROM login_sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(db)?
            .rows_affected();
        let throttle = sqlx::query(
            "DELETE FROM login_throttle WHERE window_start < $1 AND (locked_until IS NULL OR locked_until < $2)",
        )
        .bind(throttle_older_than)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db)?
        .rows_affected();
        let tickets = sqlx::query("DELETE FROM ws_tickets WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(db)?
            .rows_affected();
        Ok(sessions + throttle + tickets)
    }
}
