//! Price lists and effective-dated, versioned prices. A change reads the row's version and writes
//! the new one inside one write transaction (`BEGIN IMMEDIATE`), so a stale `If-Match` can never
//! slip through between the check and the write; the audit entry goes in the same transaction.

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::audit::{Actor, action};
use domain::sales::limits::MAX_PAGE;
use domain::sales::{ImportSummary, Price, PriceChange, PriceRow, money_from_minor, money_minor};
use domain::{Error, Result};
use sqlx::Row as _;
use sqlx::SqliteConnection;

use super::audit;
use super::batch::{exists, finish_import, insert_batches, require_existing};
use super::{SqliteStore, day, ms, parse_day, time};
use crate::Prices;
use crate::error::db;
use crate::sales::audit::{change_entry, price_target};
use crate::sales::prepare;
use crate::sales::price::{PriceWrite, customer_list, decide};

const COLUMNS: &str = "price_list, sku, effective_from, amount, version, updated_at";

fn price(row: &sqlx::sqlite::SqliteRow) -> Result<Price> {
    Ok(Price {
        price_list: row.try_get("price_list").map_err(db)?,
        sku: row.try_get("sku").map_err(db)?,
        effective_from: parse_day(&row.try_get::<String, _>("effective_from").map_err(db)?)?,
        amount: money_from_minor(row.try_get("amount").map_err(db)?),
        version: u64::try_from(row.try_get::<i64, _>("version").map_err(db)?).unwrap_or(0),
        updated_at: time(row.try_get("updated_at").map_err(db)?)?,
    })
}

async fn price_row(conn: &mut SqliteConnection, list: &str, sku: &str, from: &str) -> Result<Option<Price>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM prices WHERE price_list = ? AND sku = ? AND effective_from = ?"
    ));
    let row = sqlx::query(sql).bind(list).bind(sku).bind(from).fetch_optional(conn).await.map_err(db)?;
    row.as_ref().map(price).transpose()
}

async fn ensure_lists<'a>(
    conn: &mut SqliteConnection,
    names: impl Iterator<Item = &'a str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let names: Vec<&str> = names.collect::<HashSet<_>>().into_iter().collect();
    let sql = ("INSERT INTO price_lists (name, created_at)", 2, "ON CONFLICT (name) DO NOTHING");
    insert_batches(conn, sql, &names, |q, name| Ok(q.bind(*name).bind(ms(now)))).await?;
    Ok(())
}

#[async_trait]
impl Prices for SqliteStore {
    async fn import_prices(&self, rows: &[PriceRow], actor: &Actor, now: DateTime<Utc>) -> Result<ImportSummary> {
        let rows = prepare::prices(rows)?;
        let mut tx = self.write_tx().await?;
        require_existing(&mut tx, ("items", "sku", "sku"), rows.iter().map(|r| r.sku.as_str())).await?;
        ensure_lists(&mut tx, rows.iter().map(|r| r.price_list.as_str()), now).await?;
        // An unchanged amount keeps its version: re-importing the same file changes nothing.
        let sql = (
            "INSERT INTO prices (price_list, sku, effective_from, amount, version, updated_at)",
            6,
            "ON CONFLICT (price_list, sku, effective_from) DO UPDATE SET amount = excluded.amount,
             version = prices.version + 1, updated_at = excluded.updated_at
             WHERE prices.amount <> excluded.amount",
        );
        insert_batches(&mut tx, sql, &rows, |q, row| {
            Ok(q.bind(&row.price_list)
                .bind(&row.sku)
                .bind(day(row.effective_from)?)
                .bind(row.amount)
                .bind(1_i64)
                .bind(ms(now)))
        })
        .await?;
        finish_import(tx, actor, action::PRICE_IMPORT, rows.len(), now).await?;
        Ok(ImportSummary { rows: rows.len() as u64, catalog_version: None })
    }

    async fn price_on(&self, price_list: &str, sku: &str, on: NaiveDate) -> Result<Option<Price>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM prices WHERE price_list = ? AND sku = ? AND effective_from <= ?
             ORDER BY effective_from DESC LIMIT 1"
        ));
        let row =
            sqlx::query(sql).bind(price_list).bind(sku).bind(day(on)?).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(price).transpose()
    }

    async fn customer_price(&self, customer: &str, sku: &str, on: NaiveDate) -> Result<Option<Price>> {
        let list: Option<Option<String>> = sqlx::query_scalar("SELECT price_list FROM customers WHERE code = ?")
            .bind(customer)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        self.price_on(&customer_list(list)?, sku, on).await
    }

    async fn price_schedule(&self, price_list: &str, sku: &str) -> Result<Vec<Price>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM prices WHERE price_list = ? AND sku = ? ORDER BY effective_from LIMIT ?"
        ));
        let rows = sqlx::query(sql)
            .bind(price_list)
            .bind(sku)
            .bind(i64::from(MAX_PAGE))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(price).collect()
    }

    async fn update_price(&self, change: &PriceChange, actor: &Actor, now: DateTime<Utc>) -> Result<Price> {
        let c = change.clean()?;
        let from = day(c.effective_from)?;
        let amount = money_minor("amount", c.amount)?;
        let mut tx = self.write_tx().await?;
        let current = price_row(&mut tx, &c.price_list, &c.sku, &from).await?;
        let sql = match decide(current.as_ref().map(|p| p.version), c.expected_version)? {
            PriceWrite::Update => format!(
                "UPDATE prices SET amount = ?4, version = version + 1, updated_at = ?5
                 WHERE price_list = ?1 AND sku = ?2 AND effective_from = ?3 RETURNING {COLUMNS}"
            ),
            PriceWrite::Insert => {
                if !exists(&mut tx, "items", "sku", &c.sku).await? {
                    return Err(Error::not_found("item"));
                }
                ensure_lists(&mut tx, std::iter::once(c.price_list.as_str()), now).await?;
                format!(
                    "INSERT INTO prices (price_list, sku, effective_from, amount, version, updated_at)
                     VALUES (?1, ?2, ?3, ?4, 1, ?5) RETURNING {COLUMNS}"
                )
            }
        };
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&c.price_list)
            .bind(&c.sku)
            .bind(&from)
            .bind(amount)
            .bind(ms(now))
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        let updated = price(&row)?;
        let target = price_target(&c.price_list, &c.sku, c.effective_from);
        let entry = change_entry(actor, action::PRICE_UPDATE, target, (current.as_ref(), Some(&updated)), now)?;
        audit::commit_audited(tx, &entry).await?;
        Ok(updated)
    }

    async fn price_lists(&self) -> Result<Vec<String>> {
        sqlx::query_scalar("SELECT name FROM price_lists ORDER BY name LIMIT ?")
            .bind(i64::from(MAX_PAGE))
            .fetch_all(&self.pool)
            .await
            .map_err(db)
    }
}
