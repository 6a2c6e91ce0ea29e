//! Customer wording → SKU, under the normalised wording. Upserts and deletes take an advisory
//! lock on their (customer, wording) first, so the old value each audits is the one it replaced,
//! even when several hands change the same mapping at once.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::audit::{Actor, action};
use domain::sales::{Mapping, MappingSource, NewMapping, normalize_wording};
use domain::{Error, Result};
use sqlx::Row as _;

use super::batch::exists;
use super::error::db;
use super::{LockClass, PostgresStore, audit, lock_xact_on};
use crate::Mappings;
use crate::error::corrupt;
use crate::sales::audit::{change_entry, mapping_target};
use crate::sales::page;

const COLUMNS: &str = "customer, wording, sku, source, created_at, updated_at";

fn mapping(row: &sqlx::postgres::PgRow) -> Result<Mapping> {
    let source: String = row.try_get("source").map_err(db)?;
    Ok(Mapping {
        customer: row.try_get("customer").map_err(db)?,
        wording: row.try_get("wording").map_err(db)?,
        sku: row.try_get("sku").map_err(db)?,
        source: MappingSource::parse(&source).ok_or_else(|| corrupt("mapping source"))?,
        created_at: row.try_get("created_at").map_err(db)?,
        updated_at: row.try_get("updated_at").map_err(db)?,
    })
}

#[async_trait]
impl Mappings for PostgresStore {
    async fn upsert_mapping(&self, new: &NewMapping, actor: &Actor, now: DateTime<Utc>) -> Result<Mapping> {
        let m = new.clean()?;
        let mut tx = self.pool.begin().await.map_err(db)?;
        if !exists(&mut tx, "customers", "code", &m.customer).await? {
            return Err(Error::not_found("customer"));
        }
        if !exists(&mut tx, "items", "sku", &m.sku).await? {
            return Err(Error::not_found("item"));
        }
        lock_xact_on(&mut tx, LockClass::Mapping, &[&m.customer, &m.wording]).await?;
        let select =
            sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM mappings WHERE customer = $1 AND wording = $2"));
        let old = sqlx::query(select)
            .bind(&m.customer)
            .bind(&m.wording)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .as_ref()
            .map(mapping)
            .transpose()?;
        let upsert = sqlx::AssertSqlSafe(format!(
            "INSERT INTO mappings (customer, wording, sku, source, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
             ON CONFLICT (customer, wording) DO UPDATE SET sku = excluded.sku, source = excluded.source,
                 updated_at = excluded.updated_at
             RETURNING {COLUMNS}"
        ));
        let row = sqlx::query(upsert)
            .bind(&m.customer)
            .bind(&m.wording)
            .bind(&m.sku)
            .bind(m.source.as_str())
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        let stored = mapping(&row)?;
        let target = mapping_target(&m.customer, &m.wording);
        let entry = change_entry(actor, action::MAPPING_UPSERT, target, (old.as_ref(), Some(&stored)), now)?;
        audit::commit_audited(tx, &entry).await?;
        Ok(stored)
    }

    async fn delete_mapping(&self, customer: &str, wording: &str, actor: &Actor, now: DateTime<Utc>) -> Result<bool> {
        let wording = normalize_wording(wording);
        let mut tx = self.pool.begin().await.map_err(db)?;
        lock_xact_on(&mut tx, LockClass::Mapping, &[customer, &wording]).await?;
        let sql = sqlx::AssertSqlSafe(format!(
            "DELETE FROM mappings WHERE customer = $1 AND wording = $2 RETURNING {COLUMNS}"
        ));
        let row = sqlx::query(sql).bind(customer).bind(&wording).fetch_optional(&mut *tx).await.map_err(db)?;
        let Some(old) = row.as_ref().map(mapping).transpose()? else {
            return Ok(false);
        };
        let target = mapping_target(customer, &wording);
        let entry = change_entry(actor, action::MAPPING_DELETE, target, (Some(&old), None), now)?;
        audit::commit_audited(tx, &entry).await?;
        Ok(true)
    }

    async fn mapping(&self, customer: &str, wording: &str) -> Result<Option<Mapping>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM mappings WHERE customer = $1 AND wording = $2"));
        let row = sqlx::query(sql)
            .bind(customer)
            .bind(normalize_wording(wording))
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(mapping).transpose()
    }

    async fn list_mappings(&self, customer: &str, after: Option<&str>, limit: u32) -> Result<Vec<Mapping>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM mappings WHERE customer = $1 AND ($2::text IS NULL OR wording > $2)
             ORDER BY wording LIMIT $3"
        ));
        let rows =
            sqlx::query(sql).bind(customer).bind(after).bind(page(limit)).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(mapping).collect()
    }
}
