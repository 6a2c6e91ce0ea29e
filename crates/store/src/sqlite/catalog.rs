//! Items, stock and the catalog version.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::audit::{Actor, action};
use domain::sales::{ImportSummary, Item, StockLevel, quantity_from_minor};
use domain::{Error, Result};
use sqlx::Row as _;
use sqlx::SqliteConnection;

use super::batch::{finish_import, insert_batches, require_existing};
use super::{SqliteStore, ms, page};
use crate::Catalog;
use crate::error::{corrupt, db};
use crate::sales::prepare::{self, StockRow};

const ITEM_COLUMNS: &str = "sku, name, brand, category, unit, barcode, aliases";

fn item(row: &sqlx::sqlite::SqliteRow) -> Result<Item> {
    let aliases: String = row.try_get("aliases").map_err(db)?;
    Ok(Item {
        sku: row.try_get("sku").map_err(db)?,
        name: row.try_get("name").map_err(db)?,
        brand: row.try_get("brand").map_err(db)?,
        category: row.try_get("category").map_err(db)?,
        unit: row.try_get("unit").map_err(db)?,
        barcode: row.try_get("barcode").map_err(db)?,
        aliases: serde_json::from_str(&aliases).map_err(|_| corrupt("item aliases"))?,
    })
}

/// Bumps the catalog version in the caller's transaction; returns the new version.
async fn write_items(conn: &mut SqliteConnection, items: &[Item], now: DateTime<Utc>) -> Result<()> {
    let sql = (
        "INSERT INTO items (sku, name, brand, category, unit, barcode, aliases, updated_at)",
        8,
        "ON CONFLICT (sku) DO UPDATE SET name = excluded.name, brand = excluded.brand,
         category = excluded.category, unit = excluded.unit, barcode = excluded.barcode,
         aliases = excluded.aliases, updated_at = excluded.updated_at",
    );
    insert_batches(conn, sql, items, |q, it| {
        let aliases = serde_json::to_string(&it.aliases).map_err(Error::internal)?;
        Ok(q.bind(&it.sku)
            .bind(&it.name)
            .bind(&it.brand)
            .bind(&it.category)
            .bind(&it.unit)
            .bind(&it.barcode)
            .bind(aliases)
            .bind(ms(now)))
    })
    .await
}

async fn write_stock(conn: &mut SqliteConnection, levels: &[StockRow], now: DateTime<Utc>) -> Result<()> {
    let sql = (
        "INSERT INTO stock (sku, warehouse, quantity, updated_at)",
        4,
        "ON CONFLICT (sku, warehouse) DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at",
    );
    insert_batches(conn, sql, levels, |q, level| {
        Ok(q.bind(&level.sku).bind(&level.warehouse).bind(level.quantity).bind(ms(now)))
    })
    .await
}

async fn bump_version(conn: &mut SqliteConnection) -> Result<u64> {
    let version: i64 =
        sqlx::query_scalar("UPDATE catalog_meta SET version = version + 1 WHERE id = 1 RETURNING version")
            .fetch_one(conn)
            .await
            .map_err(db)?;
    Ok(u64::try_from(version).unwrap_or(0))
}

#[async_trait]
impl Catalog for SqliteStore {
    async fn import_items(&self, items: &[Item], actor: &Actor, now: DateTime<Utc>) -> Result<ImportSummary> {
        let items = prepare::items(items)?;
        let mut tx = self.write_tx().await?;
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
        let items = prepare::items(items)?;
        // A catalog file without stock columns has no stock rows; that is not an empty import.
        let levels = if stock.is_empty() { Vec::new() } else { prepare::stock(stock)? };
        let mut tx = self.write_tx().await?;
        write_items(&mut tx, &items, now).await?;
        require_existing(&mut tx, ("items", "sku", "sku"), levels.iter().map(|l| l.sku.as_str())).await?;
        write_stock(&mut tx, &levels, now).await?;
        let version = bump_version(&mut tx).await?;
        finish_import(tx, actor, action::CATALOG_IMPORT, items.len(), now).await?;
        Ok(ImportSummary { rows: items.len() as u64, catalog_version: Some(version) })
    }

    async fn import_stock(&self, levels: &[StockLevel], actor: &Actor, now: DateTime<Utc>) -> Result<ImportSummary> {
        let levels = prepare::stock(levels)?;
        let mut tx = self.write_tx().await?;
        require_existing(&mut tx, ("items", "sku", "sku"), levels.iter().map(|l| l.sku.as_str())).await?;
        write_stock(&mut tx, &levels, now).await?;
        let version = bump_version(&mut tx).await?;
        finish_import(tx, actor, action::STOCK_IMPORT, levels.len(), now).await?;
        Ok(ImportSummary { rows: levels.len() as u64, catalog_version: Some(version) })
    }

    async fn item(&self, sku: &str) -> Result<Option<Item>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {ITEM_COLUMNS} FROM items WHERE sku = ?"));
        let row = sqlx::query(sql).bind(sku).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(item).transpose()
    }

    async fn items_after(&self, after: Option<&str>, limit: u32) -> Result<Vec<Item>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ITEM_COLUMNS} FROM items WHERE (?1 IS NULL OR sku > ?1) ORDER BY sku LIMIT ?2"
        ));
        let rows = sqlx::query(sql).bind(after).bind(page(limit)).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(item).collect()
    }

    async fn count_items(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM items").fetch_one(&self.pool).await.map_err(db)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn stock_of(&self, sku: &str) -> Result<Vec<StockLevel>> {
        let rows = sqlx::query("SELECT sku, warehouse, quantity FROM stock WHERE sku = ? ORDER BY warehouse")
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
        Ok(u64::try_from(v).unwrap_or(0))
    }
}
