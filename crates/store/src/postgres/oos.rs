//! Out-of-stock registrations. "One open registration per customer, item and day" is the unique
//! partial index `oos_one_open`; a repeat is an upsert onto it, which holds under concurrency by
//! itself. Creates for one (customer, item, day) also take turns under an advisory lock, so the
//! old value each audits is the row its own upsert added to. A request with an idempotency key
//! takes a lock on the key first and then looks it up, so of two replays racing, the second
//! finds the first's registration. Creating and resolving are audited in their transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::audit::{Actor, action};
use domain::sales::{NewOos, Oos, OosStatus, quantity_from_minor, quantity_minor};
use domain::{Error, Result};
use sqlx::PgConnection;
use sqlx::Row as _;
use uuid::Uuid;

use super::batch::exists;
use super::error::db;
use super::{LockClass, PostgresStore, audit, lock_xact_on};
use crate::error::corrupt;
use crate::sales::audit::{change_entry, oos_target};
use crate::sales::oos::resolvable;
use crate::sales::page;
use crate::sales::prepare::check_day;
use crate::{OosQuery, OutOfStock};

const COLUMNS: &str = "id, customer, sku, day, quantity, note, status, resolution, created_at, updated_at, resolved_at";

fn record(row: &sqlx::postgres::PgRow) -> Result<Oos> {
    let status: String = row.try_get("status").map_err(db)?;
    Ok(Oos {
        id: row.try_get("id").map_err(db)?,
        customer: row.try_get("customer").map_err(db)?,
        sku: row.try_get("sku").map_err(db)?,
        day: row.try_get("day").map_err(db)?,
        quantity: quantity_from_minor(row.try_get("quantity").map_err(db)?),
        note: row.try_get("note").map_err(db)?,
        status: OosStatus::parse(&status).ok_or_else(|| corrupt("out-of-stock status"))?,
        resolution: row.try_get("resolution").map_err(db)?,
        created_at: row.try_get("created_at").map_err(db)?,
        updated_at: row.try_get("updated_at").map_err(db)?,
        resolved_at: row.try_get("resolved_at").map_err(db)?,
    })
}

/// The registration an earlier request with this key made, as it is now.
async fn earlier(conn: &mut PgConnection, key: &str) -> Result<Option<Oos>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM oos WHERE id = (SELECT oos_id FROM oos_requests WHERE idempotency_key = $1)"
    ));
    let row = sqlx::query(sql).bind(key).fetch_optional(conn).await.map_err(db)?;
    row.as_ref().map(record).transpose()
}

#[async_trait]
impl OutOfStock for PostgresStore {
    async fn create_oos(&self, new: &NewOos, actor: &Actor, now: DateTime<Utc>) -> Result<Oos> {
        let o = new.clean()?;
        let on = check_day(o.day)?;
        let quantity = quantity_minor("quantity", o.quantity)?;
        let mut tx = self.pool.begin().await.map_err(db)?;
        if let Some(key) = &o.idempotency_key {
            lock_xact_on(&mut tx, LockClass::OosRequest, &[key]).await?;
            if let Some(done) = earlier(&mut tx, key).await? {
                return Ok(done);
            }
        }
        if !exists(&mut tx, "customers", "code", &o.customer).await? {
            return Err(Error::not_found("customer"));
        }
        if !exists(&mut tx, "items", "sku", &o.sku).await? {
            return Err(Error::not_found("item"));
        }
        let day_key = on.to_string();
        lock_xact_on(&mut tx, LockClass::OosOpen, &[&o.customer, &o.sku, &day_key]).await?;
        let select = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM oos WHERE customer = $1 AND sku = $2 AND day = $3 AND status = 'open'"
        ));
        let before = sqlx::query(select)
            .bind(&o.customer)
            .bind(&o.sku)
            .bind(on)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .as_ref()
            .map(record)
            .transpose()?;
        let upsert = sqlx::AssertSqlSafe(format!(
            "INSERT INTO oos (id, customer, sku, day, quantity, note, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $7)
             ON CONFLICT (customer, sku, day) WHERE status = 'open' DO UPDATE SET
                 quantity = oos.quantity + excluded.quantity,
                 note = COALESCE(oos.note, excluded.note),
                 updated_at = excluded.updated_at
             RETURNING {COLUMNS}"
        ));
        let row = sqlx::query(upsert)
            .bind(o.id)
            .bind(&o.customer)
            .bind(&o.sku)
            .bind(on)
            .bind(quantity)
            .bind(&o.note)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        let stored = record(&row)?;
        if let Some(key) = &o.idempotency_key {
            sqlx::query("INSERT INTO oos_requests (idempotency_key, oos_id, created_at) VALUES ($1, $2, $3)")
                .bind(key)
                .bind(stored.id)
                .bind(now)
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
        let mut tx = self.pool.begin().await.map_err(db)?;
        // The row lock makes a concurrent resolve (or create adding to it) wait for this one.
        let select = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM oos WHERE id = $1 FOR UPDATE"));
        let before = sqlx::query(select).bind(id).fetch_optional(&mut *tx).await.map_err(db)?;
        let before = resolvable(before.as_ref().map(record).transpose()?)?;
        let update = sqlx::AssertSqlSafe(format!(
            "UPDATE oos SET status = 'resolved', resolution = $2, resolved_at = $3, updated_at = $3
             WHERE id = $1 AND status = 'open' RETURNING {COLUMNS}"
        ));
        let row = sqlx::query(update).bind(id).bind(&resolution).bind(now).fetch_one(&mut *tx).await.map_err(db)?;
        let resolved = record(&row)?;
        let entry = change_entry(actor, action::OOS_RESOLVE, oos_target(id), (Some(&before), Some(&resolved)), now)?;
        audit::commit_audited(tx, &entry).await?;
        Ok(resolved)
    }

    async fn oos(&self, id: Uuid) -> Result<Option<Oos>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM oos WHERE id = $1"));
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(record).transpose()
    }

    async fn list_oos(&self, q: &OosQuery) -> Result<Vec<Oos>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM oos
             WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR customer = $2)
               AND ($3::date IS NULL OR day >= $3) AND ($4::date IS NULL OR day <= $4)
               AND ($5::uuid IS NULL OR id < $5)
             ORDER BY id DESC LIMIT $6"
        ));
        let rows = sqlx::query(sql)
            .bind(q.status.map(OosStatus::as_str))
            .bind(&q.customer)
            .bind(q.from.map(check_day).transpose()?)
            .bind(q.to.map(check_day).transpose()?)
            .bind(q.before)
            .bind(page(q.limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(record).collect()
    }
}
