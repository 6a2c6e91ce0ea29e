use std::collections::HashSet;

use async_trait::async_trait;
use domain::Result;
use sqlx::Row as _;
use uuid::Uuid;

use super::error::db;
use super::{LockClass, PostgresStore, int, lock_xact, unsigned};
use crate::{UploadRecord, UploadUsage, Uploads};

const COLUMNS: &str = "id, owner_id, filename, size, content_type, kind, sha256, object_key, created_at";

/// Keys per lookup, so one call cannot send an unbounded array.
const KEYS_PER_QUERY: usize = 1000;

fn record(row: &sqlx::postgres::PgRow) -> Result<UploadRecord> {
    Ok(UploadRecord {
        id: row.try_get("id").map_err(db)?,
        owner_id: row.try_get("owner_id").map_err(db)?,
        filename: row.try_get("filename").map_err(db)?,
        size: unsigned(row.try_get("size").map_err(db)?),
        content_type: row.try_get("content_type").map_err(db)?,
        kind: row.try_get("kind").map_err(db)?,
        sha256: row.try_get("sha256").map_err(db)?,
        object_key: row.try_get("object_key").map_err(db)?,
        created_at: row.try_get("created_at").map_err(db)?,
    })
}

#[async_trait]
impl Uploads for PostgresStore {
    async fn insert_upload_within_quota(&self, u: &UploadRecord, max_count: u64, max_bytes: u64) -> Result<bool> {
        // Two concurrent inserts would each see the other's row missing from their snapshot, so
        // the owner's inserts take turns under an advisory lock; the INSERT's own snapshot is
        // taken after the lock, and sees every upload committed before it.
        let mut tx = self.pool.begin().await.map_err(db)?;
        lock_xact(&mut tx, LockClass::UploadQuota, u.owner_id).await?;
        let done = sqlx::query(
            "INSERT INTO uploads (id, owner_id, filename, size, content_type, kind, sha256, object_key, created_at)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
             WHERE (SELECT COUNT(*) FROM uploads WHERE owner_id = $2) < $10
               AND (SELECT COALESCE(SUM(size), 0) FROM uploads WHERE owner_id = $2) + $4 <= $11",
        )
        .bind(u.id)
        .bind(u.owner_id)
        .bind(&u.filename)
        .bind(int(u.size))
        .bind(&u.content_type)
        .bind(&u.kind)
        .bind(&u.sha256)
        .bind(&u.object_key)
        .bind(u.created_at)
        .bind(int(max_count))
        .bind(int(max_bytes))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn upload(&self, id: Uuid) -> Result<Option<UploadRecord>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM uploads WHERE id = $1"));
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(record).transpose()
    }

    async fn list_uploads(&self, owner_id: Uuid, limit: u32) -> Result<Vec<UploadRecord>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM uploads WHERE owner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        ));
        let rows = sqlx::query(sql).bind(owner_id).bind(i64::from(limit)).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(record).collect()
    }

    async fn delete_upload(&self, id: Uuid) -> Result<bool> {
        let done = sqlx::query("DELETE FROM uploads WHERE id = $1").bind(id).execute(&self.pool).await.map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn upload_usage(&self, owner_id: Uuid) -> Result<UploadUsage> {
        // SUM over bigint is numeric in PostgreSQL; the cast keeps it an integer.
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0)::bigint AS bytes FROM uploads WHERE owner_id = $1",
        )
        .bind(owner_id)
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Ok(UploadUsage {
            count: unsigned(row.try_get("n").map_err(db)?),
            bytes: unsigned(row.try_get("bytes").map_err(db)?),
        })
    }

    async fn existing_upload_keys(&self, object_keys: &[String]) -> Result<HashSet<String>> {
        let mut found = HashSet::new();
        for chunk in object_keys.chunks(KEYS_PER_QUERY) {
            let keys: Vec<String> = sqlx::query_scalar("SELECT object_key FROM uploads WHERE object_key = ANY($1)")
                .bind(chunk)
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
            found.extend(keys);
        }
        Ok(found)
    }
}
