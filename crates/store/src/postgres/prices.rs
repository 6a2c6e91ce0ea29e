//! Price lists and effective-dated, versioned prices. A change locks the row (`FOR UPDATE`) before
//! it compares versions, so a concurrent change waits and then sees the version moved on; a row
//! created meanwhile by someone else is caught by the insert's `ON CONFLICT DO NOTHING`.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::audit::{Actor, action};
use domain::sales::limits::MAX_PAGE;
use domain::sales::{ImportSummary, Price, PriceChange, PriceRow, money_from_minor, money_minor};
use domain::{Error, ErrorCode, Result};
use sqlx::PgConnection;
use sqlx::Row as _;

use super::audit;
use super::batch::{ROWS_PER_STATEMENT, exists, finish_import, require_existing};
use super::error::db;
use super::{PostgresStore, unsigned};
use crate::Prices;
use crate::sales::audit::{change_entry, price_target};
use crate::sales::prepare::{self, check_day, distinct};
use crate::sales::price::{PriceWrite, customer_list, decide};

const COLUMNS: &str = "price_list, sku, effective_from, amount, version, updated_at";

fn price(row: &sqlx::postgres::PgRow) -> Result<Price> {
    Ok(Price {
        price_list: row.try_get("price_list").map_err(db)?,
        sku: row.try_get("sku").map_err(db)?,
        effective_from: row.try_get("effective_from").map_err(db)?,
        amount: money_from_minor(row.try_get("amount").map_err(db)?),
        version: unsigned(row.try_get("version").map_err(db)?),
        updated_at: row.try_get("updated_at").map_err(db)?,
    })
}

async fn ensure_lists(conn: &mut PgConnection, names: &[&str], now: DateTime<Utc>) -> Result<()> {
    let mut names = names.to_vec();
    names.sort_unstable();
    sqlx::query(
        "INSERT INTO price_lists (name, created_at) SELECT name, $2 FROM UNNEST($1::text[]) AS t (name)
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(names)
    .bind(now)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

#[async_trait]
impl Prices for PostgresStore {
    async fn import_prices(&self, rows: &[PriceRow], actor: &Actor, now: DateTime<Utc>) -> Result<ImportSummary> {
        let mut rows = prepare::prices(rows)?;
        let mut tx = self.pool.begin().await.map_err(db)?;
        require_existing(&mut tx, ("items", "sku", "sku"), rows.iter().map(|r| r.sku.as_str())).await?;
        ensure_lists(&mut tx, &distinct(rows.iter().map(|r| r.price_list.as_str())), now).await?;
        rows.sort_unstable_by(|a, b| {
            (&a.price_list, &a.sku, a.effective_from).cmp(&(&b.price_list, &b.sku, b.effective_from))
        });
        // An unchanged amount keeps its version: re-importing the same file changes nothing.
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            sqlx::query(
                "INSERT INTO prices (price_list, sku, effective_from, amount, version, updated_at)
                 SELECT price_list, sku, effective_from, amount, 1, $5
                 FROM UNNEST($1::text[], $2::text[], $3::date[], $4::bigint[])
                     AS t (price_list, sku, effective_from, amount)
                 ON CONFLICT (price_list, sku, effective_from) DO UPDATE SET amount = excluded.amount,
                     version = prices.version + 1, updated_at = excluded.updated_at
                 WHERE prices.amount <> excluded.amount",
            )
            .bind(chunk.iter().map(|r| r.price_list.as_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|r| r.sku.as_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|r| r.effective_from).collect::<Vec<_>>())
            .bind(chunk.iter().map(|r| r.amount).collect::<Vec<_>>())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        finish_import(tx, actor, action::PRICE_IMPORT, rows.len(), now).await?;
        Ok(ImportSummary { rows: rows.len() as u64, catalog_version: None })
    }

    async fn price_on(&self, price_list: &str, sku: &str, on: NaiveDate) -> Result<Option<Price>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM prices WHERE price_list = $1 AND sku = $2 AND effective_from <= $3
             ORDER BY effective_from DESC LIMIT 1"
        ));
        let row = sqlx::query(sql)
            .bind(price_list)
            .bind(sku)
            .bind(check_day(on)?)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(price).transpose()
    }

    async fn customer_price(&self, customer: &str, sku: &str, on: NaiveDate) -> Result<Option<Price>> {
        let list: Option<Option<String>> = sqlx::query_scalar("SELECT price_list FROM customers WHERE code = $1")
            .bind(customer)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        self.price_on(&customer_list(list)?, sku, on).await
    }

    async fn price_schedule(&self, price_list: &str, sku: &str) -> Result<Vec<Price>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM prices WHERE price_list = $1 AND sku = $2 ORDER BY effective_from LIMIT $3"
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
        let from = check_day(c.effective_from)?;
        let amount = money_minor("amount", c.amount)?;
        let mut tx = self.pool.begin().await.map_err(db)?;
        let select = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM prices WHERE price_list = $1 AND sku = $2 AND effective_from = $3 FOR UPDATE"
        ));
        let current = sqlx::query(select)
            .bind(&c.price_list)
            .bind(&c.sku)
            .bind(from)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .as_ref()
            .map(price)
            .transpose()?;
        let sql = match decide(current.as_ref().map(|p| p.version), c.expected_version)? {
            PriceWrite::Update => format!(
                "UPDATE prices SET amount = $4, version = version + 1, updated_at = $5
                 WHERE price_list = $1 AND sku = $2 AND effective_from = $3 RETURNING {COLUMNS}"
            ),
            PriceWrite::Insert => {
                if !exists(&mut tx, "items", "sku", &c.sku).await? {
                    return Err(Error::not_found("item"));
                }
                ensure_lists(&mut tx, &[c.price_list.as_str()], now).await?;
                format!(
                    "INSERT INTO prices (price_list, sku, effective_from, amount, version, updated_at)
                     VALUES ($1, $2, $3, $4, 1, $5) ON CONFLICT DO NOTHING RETURNING {COLUMNS}"
                )
            }
        };
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&c.price_list)
            .bind(&c.sku)
            .bind(from)
            .bind(amount)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        // Only an insert can come back empty: someone created the row since it was read.
        let row = row.ok_or_else(|| {
            Error::new(ErrorCode::PreconditionRequired, "this price was just created; send its version to change it")
        })?;
        let updated = price(&row)?;
        let target = price_target(&c.price_list, &c.sku, from);
        let entry = change_entry(actor, action::PRICE_UPDATE, target, (current.as_ref(), Some(&updated)), now)?;
        audit::commit_audited(tx, &entry).await?;
        Ok(updated)
    }

    async fn price_lists(&self) -> Result<Vec<String>> {
        sqlx::query_scalar("SELECT name FROM price_lists ORDER BY name LIMIT $1")
            .bind(i64::from(MAX_PAGE))
            .fetch_all(&self.pool)
            .await
            .map_err(db)
    }
}
