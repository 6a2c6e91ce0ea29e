use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::Result;
use sqlx::Row as _;

use super::{SqliteStore, ms, opt_time};
use crate::error::db;
use crate::{LoginThrottle, ThrottleRecord};

#[async_trait]
impl LoginThrottle for SqliteStore {
    async fn throttle_state(&self, keys: &[String]) -> Result<Vec<(String, ThrottleRecord)>> {
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let row = sqlx::query("SELECT failures, locked_until FROM login_throttle WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
            if let Some(row) = row {
                out.push((key.clone(), throttle_record(&row)?));
            }
        }
        Ok(out)
    }

    async fn record_failure(
        &self,
        key: &str,
        now: DateTime<Utc>,
        window_start_after: DateTime<Utc>,
    ) -> Result<ThrottleRecord> {
        // One atomic upsert, so concurrent failures on several instances all count.
        let row = sqlx::query(
            "INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES (?1, 1, ?2, NULL)
             ON CONFLICT (key) DO UPDATE SET
               failures = CASE WHEN login_throttle.window_start < ?3 THEN 1 ELSE login_throttle.failures + 1 END,
               window_start = CASE WHEN login_throttle.window_start < ?3 THEN ?2 ELSE login_throttle.window_start END
             RETURNING failures, locked_until",
        )
        .bind(key)
        .bind(ms(now))
        .bind(ms(window_start_after))
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        throttle_record(&row)
    }

    async fn lock(&self, key: &str, until: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE login_throttle SET locked_until = ? WHERE key = ?")
            .bind(ms(until))
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn forgive(&self, key: &str) -> Result<()> {
        sqlx::query("UPDATE login_throttle SET failures = MAX(failures - 1, 0) WHERE key = ?")
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn clear(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_throttle WHERE key = ?").bind(key).execute(&self.pool).await.map_err(db)?;
        Ok(())
    }
}

fn throttle_record(row: &sqlx::sqlite::SqliteRow) -> Result<ThrottleRecord> {
    let failures: i64 = row.try_get("failures").map_err(db)?;
    Ok(ThrottleRecord {
        failures: u32::try_from(failures).unwrap_or(u32::MAX),
        locked_until: opt_time(row.try_get("locked_until").map_err(db)?)?,
    })
}
