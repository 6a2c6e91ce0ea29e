//! SQLite's side of backups: a snapshot is one deferred read transaction (its first read pins a
//! WAL snapshot that later commits do not disturb; the WAL cannot be checkpointed past it, so it
//! grows a little while a backup runs), and a restore is one `BEGIN IMMEDIATE` transaction.

use futures::TryStreamExt as _;
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{QueryBuilder, Row as _, Sqlite};

use domain::Result;

use super::archive::Archive;
use super::restore::not_empty;
use super::rows::Cell;
use super::schema::{Kind, TABLES, Table, first_non_empty_sql, table_named};
use super::spool::Spool;
use crate::SqliteStore;
use crate::error::db;
use crate::sqlite::{parse_day, time};

/// SQLite's default limit on bound parameters per statement is 32766.
const MAX_BINDS: usize = 30_000;

pub(super) async fn snapshot(store: &SqliteStore, spool: &mut Spool) -> Result<i64> {
    let mut tx = store.pool.begin().await.map_err(db)?;
    let version = migration_version(&mut tx).await?;
    for table in TABLES {
        spool.begin(table)?;
        let sql = format!("SELECT {} FROM {} ORDER BY {}", table.columns_sql(), table.name, table.key.join(", "));
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *tx);
        while let Some(row) = rows.try_next().await.map_err(db)? {
            spool.push(&cells(table, &row)?).await?;
        }
        drop(rows);
        spool.end().await?;
    }
    tx.rollback().await.map_err(db)?;
    Ok(version)
}

/// The newest applied migration; 0 for a database never migrated.
async fn migration_version(conn: &mut SqliteConnection) -> Result<i64> {
    let migrated: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
    if migrated.is_none() {
        return Ok(0);
    }
    let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
        .fetch_one(conn)
        .await
        .map_err(db)?;
    Ok(version.unwrap_or(0))
}

fn cells(table: &Table, row: &SqliteRow) -> Result<Vec<Cell>> {
    table.columns.iter().enumerate().map(|(i, column)| cell(row, i, column.kind)).collect()
}

fn cell(row: &SqliteRow, i: usize, kind: Kind) -> Result<Cell> {
    let cell = match kind {
        Kind::Uuid => row.try_get::<Option<uuid::Uuid>, _>(i).map_err(db)?.map(Cell::Uuid),
        Kind::Text | Kind::Json => row.try_get::<Option<String>, _>(i).map_err(db)?.map(Cell::Text),
        Kind::Int => row.try_get::<Option<i64>, _>(i).map_err(db)?.map(Cell::Int),
        Kind::Bool => row.try_get::<Option<bool>, _>(i).map_err(db)?.map(Cell::Bool),
        Kind::Time => row.try_get::<Option<i64>, _>(i).map_err(db)?.map(time).transpose()?.map(Cell::Time),
        Kind::Day => {
            row.try_get::<Option<String>, _>(i).map_err(db)?.map(|d| parse_day(&d)).transpose()?.map(Cell::Day)
        }
        Kind::Bytes => row.try_get::<Option<Vec<u8>>, _>(i).map_err(db)?.map(Cell::Bytes),
    };
    Ok(cell.unwrap_or(Cell::Null))
}

/// The first table holding a row an empty deployment would not (tables not created yet count
/// as empty).
pub(super) async fn first_non_empty(conn: &mut SqliteConnection) -> Result<Option<&'static str>> {
    let existing: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
    let Some(sql) = first_non_empty_sql(&existing) else { return Ok(None) };
    let found: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_optional(conn).await.map_err(db)?;
    Ok(found.as_deref().and_then(table_named).map(|t| t.name))
}

/// Inserts every row of the archive's tables in one transaction, which commits only after the
/// archive's last member has been read and checked.
pub(super) async fn load(store: &SqliteStore, archive: &mut Archive) -> Result<()> {
    let mut tx = store.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    if let Some(table) = first_non_empty(&mut tx).await? {
        return Err(not_empty(table));
    }
    for table in TABLES.iter().filter(|t| t.seed.is_some()) {
        let sql = format!("DELETE FROM {}", table.name);
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await.map_err(db)?;
    }
    while let Some((table, batch)) = archive.rows(|t| t.rows_per_insert(MAX_BINDS)).await? {
        let mut insert = QueryBuilder::<Sqlite>::new(format!("INSERT INTO {} ({}) ", table.name, table.columns_sql()));
        insert.push_values(&batch, |mut values, row| {
            for cell in row {
                match cell {
                    Cell::Null => values.push_bind(None::<i64>),
                    Cell::Uuid(id) => values.push_bind(*id),
                    Cell::Text(text) => values.push_bind(text.clone()),
                    Cell::Int(n) => values.push_bind(*n),
                    Cell::Bool(b) => values.push_bind(*b),
                    Cell::Time(t) => values.push_bind(t.timestamp_millis()),
                    Cell::Day(d) => values.push_bind(d.format("%Y-%m-%d").to_string()),
                    Cell::Bytes(bytes) => values.push_bind(bytes.clone()),
                };
            }
        });
        insert.build().execute(&mut *tx).await.map_err(db)?;
    }
    archive.end().await?;
    tx.commit().await.map_err(db)
}
