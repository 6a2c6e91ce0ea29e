//! Multi-row statements for imports, and reference checks that name the offending row.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use domain::Result;
use domain::audit::Actor;
use sqlx::{Sqlite, SqliteConnection, Transaction};

use super::audit;
use crate::error::db;
use crate::sales::audit::import_entry;
use crate::sales::prepare::{distinct, first_missing};

/// Rows per multi-row INSERT: at ≤ 10 columns, 5,000 variables, well below SQLite's 32,766, and
/// large enough that a 200k-row import is a few hundred statements (one prepared statement each
/// for the full batches and the last).
pub(super) const BATCH_ROWS: usize = 500;

/// `head VALUES (?, …), (?, …) tail` for `rows` rows of `columns` values.
pub(super) fn values_sql(head: &str, columns: usize, rows: usize, tail: &str) -> String {
    let tuple = format!("({})", vec!["?"; columns].join(", "));
    format!("{head} VALUES {} {tail}", vec![tuple; rows].join(", "))
}

/// A multi-row INSERT under construction.
pub(super) type Insert = sqlx::query::Query<'static, Sqlite, sqlx::sqlite::SqliteArguments>;

/// Writes `rows` with `head VALUES … tail` in batches of [`BATCH_ROWS`]; `bind` binds one row's
/// `columns` values in order.
pub(super) async fn insert_batches<T: Sync>(
    conn: &mut SqliteConnection,
    (head, columns, tail): (&str, usize, &str),
    rows: &[T],
    bind: impl Fn(Insert, &T) -> Result<Insert> + Send + Sync,
) -> Result<()> {
    for chunk in rows.chunks(BATCH_ROWS) {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(values_sql(head, columns, chunk.len(), tail)));
        for row in chunk {
            query = bind(query, row)?;
        }
        query.execute(&mut *conn).await.map_err(db)?;
    }
    Ok(())
}

/// Fails naming the first row whose key is not in `table.column` (called `what` in the error),
/// checked in the import's own transaction so the answer cannot change before the rows are written.
pub(super) async fn require_existing<'a>(
    conn: &mut SqliteConnection,
    (table, column, what): (&'static str, &'static str, &str),
    keys: impl Iterator<Item = &'a str> + Clone,
) -> Result<()> {
    let wanted = distinct(keys.clone());
    let mut found: HashSet<String> = HashSet::with_capacity(wanted.len());
    for chunk in wanted.chunks(BATCH_ROWS) {
        let sql = format!("SELECT {column} FROM {table} WHERE {column} IN ({})", vec!["?"; chunk.len()].join(", "));
        let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
        for key in chunk {
            query = query.bind(*key);
        }
        found.extend(query.fetch_all(&mut *conn).await.map_err(db)?);
    }
    first_missing(what, keys, &found)
}

/// Whether `table.column` holds `key`, read on the caller's connection (inside its transaction).
pub(super) async fn exists(
    conn: &mut SqliteConnection,
    table: &'static str,
    column: &'static str,
    key: &str,
) -> Result<bool> {
    let sql = format!("SELECT 1 FROM {table} WHERE {column} = ?");
    let found: Option<i64> =
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(key).fetch_optional(conn).await.map_err(db)?;
    Ok(found.is_some())
}

/// Ends an import: its one audit entry (what, how many rows) and the commit.
pub(super) async fn finish_import(
    tx: Transaction<'static, Sqlite>,
    actor: &Actor,
    action: &str,
    rows: usize,
    now: DateTime<Utc>,
) -> Result<()> {
    audit::commit_audited(tx, &import_entry(actor, action, rows, now)).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_match_rows_and_columns() {
        let sql = values_sql("INSERT INTO t (a, b)", 2, 3, "ON CONFLICT DO NOTHING");
        assert_eq!(sql, "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?) ON CONFLICT DO NOTHING");
    }
}
