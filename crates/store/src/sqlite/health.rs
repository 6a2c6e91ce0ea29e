use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{Error, Result};

use super::{MIGRATOR, SqliteStore, ms};
use crate::Health;
use crate::error::db;

#[async_trait]
impl Health for SqliteStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(db)?;
        Ok(())
    }

    async fn migrations_applied(&self) -> Result<bool> {
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
        if exists.is_none() {
            return Ok(false);
        }
        let applied: HashSet<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .into_iter()
            .collect();
        Ok(MIGRATOR.iter().all(|m| applied.contains(&m.version)))
    }

    async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await.map_err(Error::internal)
    }

    async fn purge_expired(&self, now: DateTime<Utc>, throttle_older_than: DateTime<Utc>) -> Result<u64> {
        let sessions = sqlx::query("DELETE FROM login_sessions WHERE expires_at < ?")
            .bind(ms(now))
            .execute(&self.pool)
            .await
            .map_err(db)?
            .rows_affected();
        let throttle = sqlx::query(
            "DELETE FROM login_throttle WHERE window_start < ? AND (locked_until IS NULL OR locked_until < ?)",
        )
        .bind(ms(throttle_older_than))
        .bind(ms(now))
        .execute(&self.pool)
        .await
        .map_err(db)?
        .rows_affected();
        let tickets = sqlx::query("DELETE FROM ws_tickets WHERE expires_at < ?")
            .bind(ms(now))
            .execute(&self.pool)
            .await
            .map_err(db)?
            .rows_affected();
        Ok(sessions + throttle + tickets)
    }
}
