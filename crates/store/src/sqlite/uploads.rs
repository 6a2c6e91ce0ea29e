use std::collections::HashSet;

use async_trait::async_trait;
use domain::Result;
use sqlx::Row as _;
use uuid::Uuid;

use super::{SqliteStore, ms, time};
use crate::error::db;
use crate::{UploadRecord, UploadUsage, Uploads};

const COLUMNS: &str = "id, owner_id, filename, size, content_type, kind, sha256, object_key, created_at";

fn record(row: &sqlx::sqlite::SqliteRow) -> Result<UploadRecord> {
    Ok(UploadRecord {
        id: row.try_get("id").map_err(db)?,
        owner_id: row.try_get("owner_id").map_err(db)?,
        filename: row.try_get("filename").map_err(db)?,
        size: u64::try_from(row.try_get::<i64, _>("size").map_err(db)?).unwrap_or(0),
        content_type: row.try_get("content_type").map_err(db)?,
        kind: row.try_get("kind").map_err(db)?,
        sha256: row.try_get("sha256").map_err(db)?,
        object_key: row.try_get("object_key").map_err(db)?,
        created_at: time(row.try_get("created_at").map_err(db)?)?,
    })
}

fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[async_trait]
impl Uploads for SqliteStore {
    async fn insert_upload_within_quota(&self, u: &UploadRecord, max_count: u64, max_bytes: u64) -> Result<bool> {
        // One statement: SQLite serialises writers, so the quota check and the insert are atomic.
        let done = sqlx::query(
            "INSERT INTO uploads (id, owner_id, filename, size, content_type, kind, sha256, object_key, created_at)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
             WHERE (SELECT COUNT(*) FROM uploads WHERE owner_id = ?2) < ?10
               AND (SELECT COALESCE(SUM(size), 0) FROM uploads WHERE owner_id = ?2) + ?4 <= ?11",
        )
        .bind(u.id)
        .bind(u.owner_id)
        .bind(&u.filename)
        .bind(int(u.size))
        .bind(&u.content_type)
        .bind(&u.kind)
        .bind(&u.sha256)
        .bind(&u.object_key)
        .bind(ms(u.created_at))
        .bind(int(max_count))
        .bind(int(max_bytes))
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn upload(&self, id: Uuid) -> Result<Option<UploadRecord>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM uploads WHERE id = ?"));
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(record).transpose()
    }

    async fn list_uploads(&self, owner_id: Uuid, limit: u32) -> Result<Vec<UploadRecord>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM uploads WHERE owner_id = ? ORDER BY created_at DESC, id DESC LIMIT ?"
        ));
        let rows = sqlx::query(sql).bind(owner_id).bind(i64::from(limit)).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(record).collect()
    }

    async fn delete_upload(&self, id: Uuid) -> Result<bool> {
        let done = sqlx::query("DELETE FROM uploads WHERE id = ?").bind(id).execute(&self.pool).await.map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn upload_usage(&self, owner_id: Uuid) -> Result<UploadUsage> {
        let row = sqlx::query("SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM uploads WHERE owner_id = ?")
            .bind(owner_id)
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        Ok(UploadUsage {
            count: u64::try_from(row.try_get::<i64, _>("n").map_err(db)?).unwrap_or(0),
            bytes: u64::try_from(row.try_get::<i64, _>("bytes").map_err(db)?).unwrap_or(0),
        })
    }

    async fn existing_upload_keys(&self, object_keys: &[String]) -> Result<HashSet<String>> {
        let mut found = HashSet::new();
        // SQLite caps bound parameters per statement; stay well below it.
        for chunk in object_keys.chunks(500) {
            let placeholders = vec!["?"; chunk.len()].join(", ");
            let sql =
                sqlx::AssertSqlSafe(format!("SELECT object_key FROM uploads WHERE object_key IN ({placeholders})"));
            let mut query = sqlx::query_scalar::<_, String>(sql);
            for key in chunk {
                query = query.bind(key);
            }
            found.extend(query.fetch_all(&self.pool).await.map_err(db)?);
        }
        Ok(found)
    }
}
