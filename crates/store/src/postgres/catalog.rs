//! Items, stock and the catalog version. Imports upsert through `UNNEST` in key order, so two
//! imports touching the same items lock them in the same order and never deadlock each other.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::audit::{Actor, action};
use domain::sales::{ImportSummary, Item, StockLevel, quantity_from_minor};
use domain::{Error, Result};
use sqlx::PgConnection;
use sqlx::Row as _;

use super::batch::{ROWS_PER_STATEMENT, finish_import, require_existing};
use super::error::db;
use super::{PostgresStore, unsigned};
use crate::Catalog;
use crate::error::corrupt;
use crate::sales::prepare::StockRow;
use crate::sales::{page, prepare};

const ITEM_COLUMNS: &str = "sku, name, brand, category, unit, barcode, aliases";

fn item(row: &sqlx::postgres::PgRow) -> Result<Item> {
    let aliases: serde_json::Value = row.try_get("aliases").map_err(db)?;
    Ok(Item {
        sku: row.try_get("sku").map_err(db)?,
        name: row.try_get("name").map_err(db)?,
        brand: row.try_get("brand").map_err(db)?,
        category: row.try_get("category").map_err(db)?,
        unit: row.try_get("unit").map_err(db)?,
        barcode: row.try_get("barcode").map_err(db)?,
        aliases: serde_json::from_value(aliases).map_err(|_| corrupt("item aliases"))?,
    })
}

/// Bumps the catalog version in the caller's transaction; returns the new version.
async fn write_items(tx: &mut PgConnection, items: &[Item], now: DateTime<Utc>) -> Result<()> {
    for chunk in items.chunks(ROWS_PER_STATEMENT) {
        let aliases = chunk
            .iter()
            .map(|it| serde_json::to_string(&it.aliases).map_err(Error::internal))
            .collect::<Result<Vec<_>>>()?;
        sqlx::query(
            "INSERT INTO items (sku, name, brand, category, unit, barcode, aliases, updated_at)
             SELECT sku, name, brand, category, unit, barcode, aliases::jsonb, $8
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                 AS t (sku, name, brand, category, unit, barcode, aliases)
             ON CONFLICT (sku) DO UPDATE SET name = excluded.name, brand = excluded.brand,
                 category = excluded.category, unit = excluded.unit, barcode = excluded.barcode,
                 aliases = excluded.aliases, updated_at = excluded.updated_at",
        )
        .bind(chunk.iter().map(|it| it.sku.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|it| it.name.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|it| it.brand.as_deref()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|it| it.category.as_deref()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|it| it.unit.as_deref()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|it| it.barcode.as_deref()).collect::<Vec<_>>())
        .bind(aliases)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    Ok(())
}

async fn write_stock(tx: &mut PgConnection, levels: &mut [StockRow], now: DateTime<Utc>) -> Result<()> {
    levels.sort_unstable_by(|a, b| (&a.sku, &a.warehouse).cmp(&(&b.sku, &b.warehouse)));
    for chunk in levels.chunks(ROWS_PER_STATEMENT) {
        sqlx::query(
            "INSERT INTO stock (sku, warehouse, quantity, updated_at)
             SELECT sku, warehouse, quantity, $4 FROM UNNEST($1::text[], $2::text[], $3::bigint[])
                 AS t (sku, warehouse, quantity)
             ON CONFLICT (sku, warehouse) DO UPDATE SET quantity = excluded.quantity,
                 updated_at = excluded.updated_at",
        )
        .bind(chunk.iter().map(|l| l.sku.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|l| l.warehouse.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|l| l.quantity).collect::<Vec<_>>())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    Ok(())
}

async fn bump_version(conn: &mut PgConnection) -> Result<u64> {
    let version: i64 =
        sqlx::query_scalar("UPDATE catalog_meta SET version = version + 1 WHERE id = 1 RETURNING version")
            .fetch_one(conn)
            .await
            .map_err(db)?;
    Ok(unsigned(version))
}

#[async_trait]
impl Catalog for PostgresStore {
    async fn import_items(&self, items: &[Item], actor: &Actor, now: DateTime<Utc>) -> Result<ImportSummary> {
        let mut items = prepare::items(items)?;
        items.sort_unstable_by(|a, b| a.sku.cmp(&b.sku));
        let mut tx = self.pool.begin().await.map_err(db)?;
        write_items(&mut tx, &items, now).await?;
        let version = bump_version(&mut tx).await?;
        finish_import(tx, actor, action::CATALOG_IMPORT, items.len(), now).await?;
        Ok(ImportSummary { rows: items.len() as u64, catalog_version: Some(version) })
    }

    async fn import_catalog(
        &self,
        items: &[Item],
        stock: &[StockLevel],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<ImportSummary> {
        let mut items = prepare::items(items)?;
        items.sort_unstable_by(|a, b| a.sku.cmp(&b.sku));
        // A catalog file without stock columns has no stock rows; that is not an empty import.
        let mut levels = if stock.is_empty() { Vec::new() } else { prepare::stock(stock)? };
        let mut tx = self.pool.begin().await.map_err(db)?;
        write_items(&mut tx, &items, now).await?;
        require_existing(&mut tx, ("items", "sku", "sku"), levels.iter().map(|l| l.sku.as_str())).await?;
        write_stock(&mut tx, &mut levels, now).await?;
        let version = bump_version(&mut tx).await?;
        finish_import(tx, actor, action::CATALOG_IMPORT, items.len(), now).await?;
        Ok(ImportSummary { rows: items.len() as u64, catalog_version: Some(version) })
    }

    async fn import_stock(&self, levels: &[StockLevel], actor: &Actor, now: DateTime<Utc>) -> Result<ImportSummary> {
        let mut levels = prepare::stock(levels)?;
        let mut tx = self.pool.begin().await.map_err(db)?;
        require_existing(&mut tx, ("items", "sku", "sku"), levels.iter().map(|l| l.sku.as_str())).await?;
        write_stock(&mut tx, &mut levels, now).await?;
        let version = bump_version(&mut tx).await?;
        finish_import(tx, actor, action::STOCK_IMPORT, levels.len(), now).await?;
        Ok(ImportSummary { rows: levels.len() as u64, catalog_version: Some(version) })
    }

    async fn item(&self, sku: &str) -> Result<Option<Item>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {ITEM_COLUMNS} FROM items WHERE sku = $1"));
        let row = sqlx::query(sql).bind(sku).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(item).transpose()
    }

    async fn items_after(&self, after: Option<&str>, limit: u32) -> Result<Vec<Item>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ITEM_COLUMNS} FROM items WHERE ($1::text IS NULL OR sku > $1) ORDER BY sku LIMIT $2"
        ));
        let rows = sqlx::query(sql).bind(after).bind(page(limit)).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(item).collect()
    }

    async fn count_items(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM items").fetch_one(&self.pool).await.map_err(db)?;
        Ok(unsigned(n))
    }

    async fn stock_of(&self, sku: &str) -> Result<Vec<StockLevel>> {
        let rows = sqlx::query("SELECT sku, warehouse, quantity FROM stock WHERE sku = $1 ORDER BY warehouse")
            .bind(sku)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter()
            .map(|row| {
                Ok(StockLevel {
                    sku: row.try_get("sku").map_err(db)?,
                    warehouse: row.try_get("warehouse").map_err(db)?,
                    quantity: quantity_from_minor(row.try_get("quantity").map_err(db)?),
                })
            })
            .collect()
    }

    async fn catalog_version(&self) -> Result<u64> {
        let v: i64 = sqlx::query_scalar("SELECT version FROM catalog_meta WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        Ok(unsigned(v))
    }
}
