use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::Result;
use sqlx::Row as _;

use super::PostgresStore;
use super::error::db;
use crate::{LoginThrottle, ThrottleRecord};

#[async_trait]
impl LoginThrottle for PostgresStore {
    async fn throttle_state(&self, keys: &[String]) -> Result<Vec<(String, ThrottleRecord)>> {
        let rows = sqlx::query("SELECT key, failures, locked_until FROM login_throttle WHERE key = ANY($1)")
            .bind(keys)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        let mut found = HashMap::with_capacity(rows.len());
        for row in &rows {
            found.insert(row.try_get::<String, _>("key").map_err(db)?, throttle_record(row)?);
        }
        // In the order asked, as the SQLite adapter answers.
        Ok(keys.iter().filter_map(|key| found.get(key).map(|state| (key.clone(), *state))).collect())
    }

    async fn record_failure(
        &self,
        key: &str,
        now: DateTime<Utc>,
        window_start_after: DateTime<Utc>,
    ) -> Result<ThrottleRecord> {
        // One upsert: PostgreSQL locks the row for it, so concurrent failures on several
        // instances all count.
        let row = sqlx::query(
            "INSERT INTO login_throttle AS t (key, failures, window_start, locked_until) VALUES ($1, 1, $2, NULL)
             ON CONFLICT (key) DO UPDATE SET
               failures = CASE WHEN t.window_start < $3 THEN 1 ELSE t.failures + 1 END,
               window_start = CASE WHEN t.window_start < $3 THEN $2 ELSE t.window_start END
             RETURNING failures, locked_until",
        )
        .bind(key)
        .bind(now)
        .bind(window_start_after)
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        throttle_record(&row)
    }

    async fn lock(&self, key: &str, until: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE login_throttle SET locked_until = $1 WHERE key = $2")
            .bind(until)
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn forgive(&self, key: &str) -> Result<()> {
        sqlx::query("UPDATE login_throttle SET failures = GREATEST(failures - 1, 0) WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn clear(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(key).execute(&self.pool).await.map_err(db)?;
        Ok(())
    }
}

fn throttle_record(row: &sqlx::postgres::PgRow) -> Result<ThrottleRecord> {
    let failures: i64 = row.try_get("failures").map_err(db)?;
    Ok(ThrottleRecord {
        failures: u32::try_from(failures).unwrap_or(u32::MAX),
        locked_until: row.try_get("locked_until").map_err(db)?,
    })
}
