//! Out-of-stock registrations. "One open registration per customer, item and day" is the unique
//! partial index `oos_one_open`; a repeat is an upsert onto it, so it holds under concurrency
//! without reading first. Creating and resolving are audited in their transaction. A request with
//! an idempotency key is looked up in `oos_requests` inside the same write transaction that would
//! record it, so a replay, also a concurrent one, finds the first and changes nothing.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::audit::{Actor, action};
use domain::sales::{NewOos, Oos, OosStatus, quantity_from_minor, quantity_minor};
use domain::{Error, Result};
use sqlx::Row as _;
use sqlx::SqliteConnection;
use uuid::Uuid;

use super::audit;
use super::batch::exists;
use super::{SqliteStore, day, ms, opt_time, page, parse_day, time};
use crate::error::{corrupt, db};
use crate::sales::audit::{change_entry, oos_target};
use crate::sales::oos::resolvable;
use crate::{OosQuery, OutOfStock};

const COLUMNS: &str = "id, customer, sku, day, quantity, note, status, resolution, created_at, updated_at, resolved_at";

fn record(row: &sqlx::sqlite::SqliteRow) -> Result<Oos> {
    let status: String = row.try_get("status").map_err(db)?;
    Ok(Oos {
        id: row.try_get("id").map_err(db)?,
        customer: row.try_get("customer").map_err(db)?,
        sku: row.try_get("sku").map_err(db)?,
        day: parse_day(&row.try_get::<String, _>("day").map_err(db)?)?,
        quantity: quantity_from_minor(row.try_get("quantity").map_err(db)?),
        note: row.try_get("note").map_err(db)?,
        status: OosStatus::parse(&status).ok_or_else(|| corrupt("out-of-stock status"))?,
        resolution: row.try_get("resolution").map_err(db)?,
        created_at: time(row.try_get("created_at").map_err(db)?)?,
        updated_at: time(row.try_get("updated_at").map_err(db)?)?,
        resolved_at: opt_time(row.try_get("resolved_at").map_err(db)?)?,
    })
}

/// The registration an earlier request with this key made, as it is now.
async fn earlier(conn: &mut SqliteConnection, key: &str) -> Result<Option<Oos>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM oos WHERE id = (SELECT oos_id FROM oos_requests WHERE idempotency_key = ?)"
    ));
    let row = sqlx::query(sql).bind(key).fetch_optional(conn).await.map_err(db)?;
    row.as_ref().map(record).transpose()
}

async fn open_for(conn: &mut SqliteConnection, customer: &str, sku: &str, on: &str) -> Result<Option<Oos>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM oos WHERE customer = ? AND sku = ? AND day = ? AND status = 'open'"
    ));
    let row = sqlx::query(sql).bind(customer).bind(sku).bind(on).fetch_optional(conn).await.map_err(db)?;
    row.as_ref().map(record).transpose()
}

#[async_trait]
impl OutOfStock for SqliteStore {
    async fn create_oos(&self, new: &NewOos, actor: &Actor, now: DateTime<Utc>) -> Result<Oos> {
        let o = new.clean()?;
        let on = day(o.day)?;
        let quantity = quantity_minor("quantity", o.quantity)?;
        let mut tx = self.write_tx().await?;
        if let Some(key) = &o.idempotency_key
            && let Some(done) = earlier(&mut tx, key).await?
        {
            return Ok(done);
        }
        if !exists(&mut tx, "customers", "code", &o.customer).await? {
            return Err(Error::not_found("customer"));
        }
        if !exists(&mut tx, "items", "sku", &o.sku).await? {
            return Err(Error::not_found("item"));
        }
        // Read only for the audit's old value; the upsert alone keeps the registration single.
        let before = open_for(&mut tx, &o.customer, &o.sku, &on).await?;
        let sql = sqlx::AssertSqlSafe(format!(
            "INSERT INTO oos (id, customer, sku, day, quantity, note, status, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?7)
             ON CONFLICT (customer, sku, day) WHERE status = 'open' DO UPDATE SET
                 quantity = oos.quantity + excluded.quantity,
                 note = COALESCE(oos.note, excluded.note),
                 updated_at = excluded.updated_at
             RETURNING {COLUMNS}"
        ));
        let row = sqlx::query(sql)
            .bind(o.id)
            .bind(&o.customer)
            .bind(&o.sku)
            .bind(&on)
            .bind(quantity)
            .bind(&o.note)
            .bind(ms(now))
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        let stored = record(&row)?;
        if let Some(key) = &o.idempotency_key {
            sqlx::query("INSERT INTO oos_requests (idempotency_key, oos_id, created_at) VALUES (?, ?, ?)")
                .bind(key)
                .bind(stored.id)
                .bind(ms(now))
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        let entry =
            change_entry(actor, action::OOS_CREATE, oos_target(stored.id), (before.as_ref(), Some(&stored)), now)?;
        audit::commit_audited(tx, &entry).await?;
        Ok(stored)
    }

    async fn resolve_oos(&self, id: Uuid, resolution: Option<&str>, actor: &Actor, now: DateTime<Utc>) -> Result<Oos> {
        let resolution = Oos::clean_resolution(resolution)?;
        let mut tx = self.write_tx().await?;
        let select = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM oos WHERE id = ?"));
        let before = sqlx::query(select).bind(id).fetch_optional(&mut *tx).await.map_err(db)?;
        let before = resolvable(before.as_ref().map(record).transpose()?)?;
        let update = sqlx::AssertSqlSafe(format!(
            "UPDATE oos SET status = 'resolved', resolution = ?2, resolved_at = ?3, updated_at = ?3
             WHERE id = ?1 AND status = 'open' RETURNING {COLUMNS}"
        ));
        let row = sqlx::query(update).bind(id).bind(&resolution).bind(ms(now)).fetch_one(&mut *tx).await.map_err(db)?;
        let resolved = record(&row)?;
        let entry = change_entry(actor, action::OOS_RESOLVE, oos_target(id), (Some(&before), Some(&resolved)), now)?;
        audit::commit_audited(tx, &entry).await?;
        Ok(resolved)
    }

    async fn oos(&self, id: Uuid) -> Result<Option<Oos>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM oos WHERE id = ?"));
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(record).transpose()
    }

    async fn list_oos(&self, q: &OosQuery) -> Result<Vec<Oos>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM oos
             WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR customer = ?2)
               AND (?3 IS NULL OR day >= ?3) AND (?4 IS NULL OR day <= ?4) AND (?5 IS NULL OR id < ?5)
             ORDER BY id DESC LIMIT ?6"
        ));
        let rows = sqlx::query(sql)
            .bind(q.status.map(OosStatus::as_str))
            .bind(&q.customer)
            .bind(q.from.map(day).transpose()?)
            .bind(q.to.map(day).transpose()?)
            .bind(q.before)
            .bind(page(q.limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(record).collect()
    }
}
