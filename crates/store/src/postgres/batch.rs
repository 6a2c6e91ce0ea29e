//! What every import shares on PostgreSQL: rows go in as one array per column through `UNNEST`,
//! a statement per [`ROWS_PER_STATEMENT`] rows, and referenced keys are checked in the import's
//! own transaction so the first bad row can be named.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use domain::Result;
use domain::audit::Actor;
use sqlx::{PgConnection, Postgres, Transaction};

use super::audit;
use super::error::db;
use crate::sales::audit::import_entry;
use crate::sales::prepare::{distinct, first_missing};

/// Rows per multi-row statement: a 200k-row import is twenty statements, and no one message
/// carries more than a few megabytes of arrays.
pub(super) const ROWS_PER_STATEMENT: usize = 10_000;

/// Fails naming the first row whose key is not in `table.column` (called `what` in the error).
/// Nothing deletes items or customers, so the answer holds until the rows are written; a foreign
/// key backs it up all the same.
pub(super) async fn require_existing<'a>(
    conn: &mut PgConnection,
    (table, column, what): (&'static str, &'static str, &str),
    keys: impl Iterator<Item = &'a str> + Clone,
) -> Result<()> {
    let wanted = distinct(keys.clone());
    let sql = format!("SELECT {column} FROM {table} WHERE {column} = ANY($1)");
    let mut found: HashSet<String> = HashSet::with_capacity(wanted.len());
    for chunk in wanted.chunks(ROWS_PER_STATEMENT) {
        let query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql.clone())).bind(chunk);
        found.extend(query.fetch_all(&mut *conn).await.map_err(db)?);
    }
    first_missing(what, keys, &found)
}

/// Whether `table.column` holds `key`, read on the caller's connection (inside its transaction).
pub(super) async fn exists(
    conn: &mut PgConnection,
    table: &'static str,
    column: &'static str,
    key: &str,
) -> Result<bool> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE {column} = $1)");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(key).fetch_one(conn).await.map_err(db)
}

/// Ends an import: its one audit entry (what, how many rows) and the commit.
pub(super) async fn finish_import(
    tx: Transaction<'static, Postgres>,
    actor: &Actor,
    action: &str,
    rows: usize,
    now: DateTime<Utc>,
) -> Result<()> {
    audit::commit_audited(tx, &import_entry(actor, action, rows, now)).await.map(drop)
}
