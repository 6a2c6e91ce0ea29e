//! The audit log. Appends run inside the caller's write transaction (`BEGIN IMMEDIATE`), which
//! holds SQLite's single write lock: head read, entry insert and head update cannot interleave
//! with another append, so the chain never forks.

use async_trait::async_trait;
use domain::Result;
use domain::audit::{Actor, AuditEntry, AuditHead, NewAuditEntry};
use sqlx::Row as _;
use sqlx::{Sqlite, SqliteConnection, Transaction};
use uuid::Uuid;

use super::{SqliteStore, ms, page, time};
use crate::error::db;
use crate::sales::audit::{action_filter, hash_of, seq_of};
use crate::{Audit, AuditQuery};

const COLUMNS: &str = "seq, at, actor_id, actor_kind, actor_name, action, target, old, new, prev_hash, hash";

fn entry(row: &sqlx::sqlite::SqliteRow) -> Result<AuditEntry> {
    let actor_id: Vec<u8> = row.try_get("actor_id").map_err(db)?;
    Ok(AuditEntry {
        seq: seq_of(row.try_get("seq").map_err(db)?),
        at: time(row.try_get("at").map_err(db)?)?,
        actor: Actor {
            id: Uuid::from_slice(&actor_id).unwrap_or_default(),
            kind: row.try_get("actor_kind").map_err(db)?,
            name: row.try_get("actor_name").map_err(db)?,
        },
        action: row.try_get("action").map_err(db)?,
        target: row.try_get("target").map_err(db)?,
        old: row.try_get("old").map_err(db)?,
        new: row.try_get("new").map_err(db)?,
        prev_hash: hash_of(&row.try_get::<Vec<u8>, _>("prev_hash").map_err(db)?),
        hash: hash_of(&row.try_get::<Vec<u8>, _>("hash").map_err(db)?),
    })
}

async fn head(conn: &mut SqliteConnection) -> Result<Option<AuditHead>> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_optional(conn).await.map_err(db)?;
    row.map(|row| {
        Ok(AuditHead {
            seq: seq_of(row.try_get("seq").map_err(db)?),
            hash: hash_of(&row.try_get::<Vec<u8>, _>("hash").map_err(db)?),
        })
    })
    .transpose()
}

/// Chains `entry` after the head and moves the head, on the caller's write transaction.
pub(super) async fn append(conn: &mut SqliteConnection, entry: &NewAuditEntry) -> Result<AuditEntry> {
    let sealed = entry.seal(head(&mut *conn).await?.as_ref())?;
    let seq = i64::try_from(sealed.seq).map_err(domain::Error::internal)?;
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor_kind, actor_name, action, target, old, new, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(seq)
    .bind(ms(sealed.at))
    .bind(sealed.actor.id)
    .bind(&sealed.actor.kind)
    .bind(&sealed.actor.name)
    .bind(&sealed.action)
    .bind(&sealed.target)
    .bind(&sealed.old)
    .bind(&sealed.new)
    .bind(&sealed.prev_hash.0[..])
    .bind(&sealed.hash.0[..])
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    sqlx::query(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    )
    .bind(seq)
    .bind(&sealed.hash.0[..])
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(sealed)
}

/// Appends `entry` and commits: the change made in `tx` and its audit entry land together or
/// not at all.
pub(super) async fn commit_audited(mut tx: Transaction<'static, Sqlite>, entry: &NewAuditEntry) -> Result<AuditEntry> {
    let sealed = append(&mut tx, entry).await?;
    tx.commit().await.map_err(db)?;
    Ok(sealed)
}

#[async_trait]
impl Audit for SqliteStore {
    async fn append_audit(&self, new: &NewAuditEntry) -> Result<AuditEntry> {
        commit_audited(self.write_tx().await?, new).await
    }

    async fn list_audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let (exact, family) = action_filter(query.action.as_deref());
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM audit_log
             WHERE (?1 IS NULL OR seq < ?1) AND (?2 IS NULL OR action = ?2)
               AND (?3 IS NULL OR substr(action, 1, length(?3)) = ?3)
             ORDER BY seq DESC LIMIT ?4"
        ));
        let rows = sqlx::query(sql)
            .bind(query.before_seq.map(|s| i64::try_from(s).unwrap_or(i64::MAX)))
            .bind(exact)
            .bind(family)
            .bind(page(query.limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(entry).collect()
    }

    async fn audit_after(&self, after_seq: u64, limit: u32) -> Result<Vec<AuditEntry>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?"));
        let rows = sqlx::query(sql)
            .bind(i64::try_from(after_seq).unwrap_or(i64::MAX))
            .bind(page(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(entry).collect()
    }

    async fn audit_head(&self) -> Result<Option<AuditHead>> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        head(&mut conn).await
    }
}
