//! The audit log. An append takes a transaction-scoped advisory lock (one key for the whole chain)
//! right before it reads the head, and holds it until its transaction commits: the next appender's
//! head read comes after that commit, so the chain never forks. The lock is taken last in every
//! transaction and its holder waits on nothing else, so it cannot deadlock; and taken at the end,
//! it is held only for the append and the commit, not for the change before it. The first append
//! creates the head row, which is why the lock is advisory rather than the head's row lock.

use async_trait::async_trait;
use domain::audit::{Actor, AuditEntry, AuditHead, NewAuditEntry};
use domain::{Error, Result};
use sqlx::Row as _;
use sqlx::{PgConnection, Postgres, Transaction};
use uuid::Uuid;

use super::error::db;
use super::{LockClass, PostgresStore, int, lock_xact};
use crate::sales::audit::{action_filter, hash_of, seq_of};
use crate::sales::page;
use crate::{Audit, AuditQuery};

const COLUMNS: &str = "seq, at, actor_id, actor_kind, actor_name, action, target, old, new, prev_hash, hash";

fn entry(row: &sqlx::postgres::PgRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: seq_of(row.try_get("seq").map_err(db)?),
        at: row.try_get("at").map_err(db)?,
        actor: Actor {
            id: row.try_get("actor_id").map_err(db)?,
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

async fn head(conn: &mut PgConnection) -> Result<Option<AuditHead>> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_optional(conn).await.map_err(db)?;
    row.map(|row| {
        Ok(AuditHead {
            seq: seq_of(row.try_get("seq").map_err(db)?),
            hash: hash_of(&row.try_get::<Vec<u8>, _>("hash").map_err(db)?),
        })
    })
    .transpose()
}

/// Chains `entry` after the head and moves the head, on the caller's transaction.
async fn append(conn: &mut PgConnection, entry: &NewAuditEntry) -> Result<AuditEntry> {
    lock_xact(&mut *conn, LockClass::AuditChain, Uuid::nil()).await?;
    let sealed = entry.seal(head(&mut *conn).await?.as_ref())?;
    let seq = i64::try_from(sealed.seq).map_err(Error::internal)?;
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor_kind, actor_name, action, target, old, new, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(seq)
    .bind(sealed.at)
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
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)
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
pub(super) async fn commit_audited(
    mut tx: Transaction<'static, Postgres>,
    entry: &NewAuditEntry,
) -> Result<AuditEntry> {
    let sealed = append(&mut tx, entry).await?;
    tx.commit().await.map_err(db)?;
    Ok(sealed)
}

#[async_trait]
impl Audit for PostgresStore {
    async fn append_audit(&self, new: &NewAuditEntry) -> Result<AuditEntry> {
        commit_audited(self.pool.begin().await.map_err(db)?, new).await
    }

    async fn list_audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let (exact, family) = action_filter(query.action.as_deref());
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM audit_log
             WHERE ($1::bigint IS NULL OR seq < $1) AND ($2::text IS NULL OR action = $2)
               AND ($3::text IS NULL OR starts_with(action, $3))
             ORDER BY seq DESC LIMIT $4"
        ));
        let rows = sqlx::query(sql)
            .bind(query.before_seq.map(int))
            .bind(exact)
            .bind(family)
            .bind(page(query.limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(entry).collect()
    }

    async fn audit_after(&self, after_seq: u64, limit: u32) -> Result<Vec<AuditEntry>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"));
        let rows = sqlx::query(sql).bind(int(after_seq)).bind(page(limit)).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(entry).collect()
    }

    async fn audit_head(&self) -> Result<Option<AuditHead>> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        head(&mut conn).await
    }
}
