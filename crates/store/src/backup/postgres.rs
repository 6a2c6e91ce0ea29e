//! PostgreSQL's side of backups: a snapshot is one `REPEATABLE READ READ ONLY` transaction (one
//! MVCC snapshot for every table, blocking no writer), and a restore is one transaction that also
//! sets what PostgreSQL derives and SQLite does not store: the identity sequence of `sales` and
//! the per-parent counters (see [`DERIVED_ON_POSTGRES`](super::schema::DERIVED_ON_POSTGRES)).
//! Both lift the pool's statement timeout for their own transaction only: reading or writing a
//! large table is one long statement by design.

use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt as _;
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::query_builder::Separated;
use sqlx::{Postgres, QueryBuilder, Row as _};

use domain::Result;

use super::archive::Archive;
use super::restore::not_empty;
use super::rows::Cell;
use super::schema::{Kind, TABLES, Table, first_non_empty_sql, table_named};
use super::spool::Spool;
use crate::PostgresStore;
use crate::postgres::error::db;

/// PostgreSQL's protocol carries at most 65535 parameters per statement.
const MAX_BINDS: usize = 60_000;

/// Identity columns, whose sequence must continue after the restored rows.
pub(crate) const IDENTITY: &[(&str, &str)] = &[("sales", "id")];

/// The statements that recompute PostgreSQL-only counters from the restored rows.
const DERIVE: &[(&str, &str)] = &[
    (
        "runs.event_seq",
        "UPDATE runs SET event_seq = COALESCE((SELECT MAX(e.seq) FROM run_events e WHERE e.run_id = runs.id), 0)",
    ),
    (
        "chat_sessions.message_seq",
        "UPDATE chat_sessions SET message_seq =
         COALESCE((SELECT MAX(m.seq) FROM chat_messages m WHERE m.session_id = chat_sessions.id), 0)",
    ),
];

async fn no_statement_timeout(conn: &mut PgConnection) -> Result<()> {
    sqlx::query("SET LOCAL statement_timeout = 0").execute(conn).await.map_err(db)?;
    Ok(())
}

pub(super) async fn snapshot(store: &PostgresStore, spool: &mut Spool) -> Result<i64> {
    let mut tx = store.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await.map_err(db)?;
    no_statement_timeout(&mut tx).await?;
    let version = migration_version(&mut tx).await?;
    for table in TABLES {
        spool.begin(table)?;
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(select_sql(table))).fetch(&mut *tx);
        while let Some(row) = rows.try_next().await.map_err(db)? {
            spool.push(&cells(table, &row)?).await?;
        }
        drop(rows);
        spool.end().await?;
    }
    tx.rollback().await.map_err(db)?;
    Ok(version)
}

/// Reads each column in its neutral form; text keys sort byte-wise (`COLLATE "C"`), as on
/// SQLite, so both backends write the same rows in the same order.
fn select_sql(table: &Table) -> String {
    let columns: Vec<String> = table
        .columns
        .iter()
        .map(|c| match c.kind {
            Kind::Json => format!("{0}::text AS {0}", c.name),
            Kind::Int => format!("{0}::bigint AS {0}", c.name),
            _ => c.name.to_owned(),
        })
        .collect();
    let order: Vec<String> = table
        .key
        .iter()
        .map(|k| match table.columns.iter().find(|c| c.name == *k).map(|c| c.kind) {
            Some(Kind::Text) => format!("{k} COLLATE \"C\""),
            _ => (*k).to_owned(),
        })
        .collect();
    format!("SELECT {} FROM {} ORDER BY {}", columns.join(", "), table.name, order.join(", "))
}

async fn migration_version(conn: &mut PgConnection) -> Result<i64> {
    let migrated: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?;
    if !migrated {
        return Ok(0);
    }
    let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
        .fetch_one(conn)
        .await
        .map_err(db)?;
    Ok(version.unwrap_or(0))
}

fn cells(table: &Table, row: &PgRow) -> Result<Vec<Cell>> {
    table.columns.iter().enumerate().map(|(i, column)| cell(row, i, column.kind)).collect()
}

fn cell(row: &PgRow, i: usize, kind: Kind) -> Result<Cell> {
    let cell = match kind {
        Kind::Uuid => row.try_get::<Option<uuid::Uuid>, _>(i).map_err(db)?.map(Cell::Uuid),
        Kind::Text | Kind::Json => row.try_get::<Option<String>, _>(i).map_err(db)?.map(Cell::Text),
        Kind::Int => row.try_get::<Option<i64>, _>(i).map_err(db)?.map(Cell::Int),
        Kind::Bool => row.try_get::<Option<bool>, _>(i).map_err(db)?.map(Cell::Bool),
        Kind::Time => row.try_get::<Option<DateTime<Utc>>, _>(i).map_err(db)?.map(Cell::Time),
        Kind::Day => row.try_get::<Option<NaiveDate>, _>(i).map_err(db)?.map(Cell::Day),
        Kind::Bytes => row.try_get::<Option<Vec<u8>>, _>(i).map_err(db)?.map(Cell::Bytes),
    };
    Ok(cell.unwrap_or(Cell::Null))
}

/// The first table holding a row an empty deployment would not (tables not created yet count
/// as empty).
pub(super) async fn first_non_empty(conn: &mut PgConnection) -> Result<Option<&'static str>> {
    let existing: Vec<String> =
        sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()")
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
    let Some(sql) = first_non_empty_sql(&existing) else { return Ok(None) };
    let found: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_optional(conn).await.map_err(db)?;
    Ok(found.as_deref().and_then(table_named).map(|t| t.name))
}

/// Inserts every row of the archive's tables in one transaction, which commits only after the
/// archive's last member has been read and checked and the derived values are set.
pub(super) async fn load(store: &PostgresStore, archive: &mut Archive) -> Result<()> {
    let mut tx = store.pool.begin().await.map_err(db)?;
    no_statement_timeout(&mut tx).await?;
    if let Some(table) = first_non_empty(&mut tx).await? {
        return Err(not_empty(table));
    }
    for table in TABLES.iter().filter(|t| t.seed.is_some()) {
        let sql = format!("DELETE FROM {}", table.name);
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await.map_err(db)?;
    }
    while let Some((table, batch)) = archive.rows(|t| t.rows_per_insert(MAX_BINDS)).await? {
        let overriding = if IDENTITY.iter().any(|(t, _)| *t == table.name) { "OVERRIDING SYSTEM VALUE " } else { "" };
        let mut insert =
            QueryBuilder::<Postgres>::new(format!("INSERT INTO {} ({}) {overriding}", table.name, table.columns_sql()));
        insert.push_values(&batch, |mut values, row| {
            for (column, cell) in table.columns.iter().zip(row) {
                bind(&mut values, column.kind, cell);
            }
        });
        insert.build().execute(&mut *tx).await.map_err(db)?;
    }
    archive.end().await?;
    for (_, sql) in DERIVE {
        sqlx::query(*sql).execute(&mut *tx).await.map_err(db)?;
    }
    for (table, column) in IDENTITY {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await.map_err(db)?;
    }
    tx.commit().await.map_err(db)
}

/// Binds a cell; a null is typed by its column's kind (PostgreSQL checks parameter types), and a
/// JSON document goes in as its text, cast.
fn bind(values: &mut Separated<'_, Postgres, &'static str>, kind: Kind, cell: &Cell) {
    match cell {
        Cell::Null => match kind {
            Kind::Uuid => values.push_bind(None::<uuid::Uuid>),
            Kind::Text | Kind::Json => values.push_bind(None::<String>),
            Kind::Int => values.push_bind(None::<i64>),
            Kind::Bool => values.push_bind(None::<bool>),
            Kind::Time => values.push_bind(None::<DateTime<Utc>>),
            Kind::Day => values.push_bind(None::<NaiveDate>),
            Kind::Bytes => values.push_bind(None::<Vec<u8>>),
        },
        Cell::Uuid(id) => values.push_bind(*id),
        Cell::Text(text) => values.push_bind(text.clone()),
        Cell::Int(n) => values.push_bind(*n),
        Cell::Bool(b) => values.push_bind(*b),
        Cell::Time(t) => values.push_bind(*t),
        Cell::Day(d) => values.push_bind(*d),
        Cell::Bytes(bytes) => values.push_bind(bytes.clone()),
    };
    if kind == Kind::Json {
        values.push_unseparated("::jsonb");
    }
}

#[cfg(test)]
mod tests {
    use super::super::schema::DERIVED_ON_POSTGRES;
    use super::*;

    #[test]
    fn every_derived_column_is_recomputed() {
        for (table, column) in DERIVED_ON_POSTGRES {
            let name = format!("{table}.{column}");
            assert!(DERIVE.iter().any(|(n, _)| *n == name), "{name}");
        }
        assert_eq!(DERIVE.len(), DERIVED_ON_POSTGRES.len());
    }
}
