//! Sales lines and the report over them. Amounts are integer ten-thousandths, so the report's
//! sums are SQL integer sums: exact, and an overflow is an error rather than a rounded number.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::Result;
use domain::audit::{Actor, action};
use domain::sales::{ImportSummary, SaleLine, SalesReportRow, money_from_minor, quantity_from_minor};
use sqlx::Row as _;

use super::batch::{finish_import, insert_batches, require_existing};
use super::{SqliteStore, day, ms};
use crate::error::db;
use crate::sales::{prepare, report};
use crate::{Sales, SalesReportQuery};

#[async_trait]
impl Sales for SqliteStore {
    async fn import_sales(&self, lines: &[SaleLine], actor: &Actor, now: DateTime<Utc>) -> Result<ImportSummary> {
        // Everything a row stores, computed before the transaction: a bad row fails it early.
        let rows = prepare::sales(lines)?;
        let mut tx = self.write_tx().await?;
        require_existing(&mut tx, ("customers", "code", "customer"), rows.iter().map(|r| r.line.customer.as_str()))
            .await?;
        require_existing(&mut tx, ("items", "sku", "sku"), rows.iter().map(|r| r.line.sku.as_str())).await?;
        let sql = (
            "INSERT INTO sales (day, customer, sku, quantity, unit_price, amount, salesperson, invoice, created_at)",
            9,
            "",
        );
        insert_batches(&mut tx, sql, &rows, |q, row| {
            Ok(q.bind(day(row.line.date)?)
                .bind(&row.line.customer)
                .bind(&row.line.sku)
                .bind(row.quantity)
                .bind(row.unit_price)
                .bind(row.amount)
                .bind(&row.line.salesperson)
                .bind(&row.line.invoice)
                .bind(ms(now)))
        })
        .await?;
        finish_import(tx, actor, action::SALES_IMPORT, rows.len(), now).await?;
        Ok(ImportSummary { rows: rows.len() as u64, catalog_version: None })
    }

    async fn sales_report(&self, q: &SalesReportQuery) -> Result<Vec<SalesReportRow>> {
        let (key, order) = report::grouping(q, "day")?;
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {key} AS key, SUM(quantity) AS quantity, SUM(amount) AS amount, COUNT(*) AS lines
             FROM sales WHERE day >= ? AND day <= ? GROUP BY 1 ORDER BY {order} LIMIT ?"
        ));
        let rows = sqlx::query(sql)
            .bind(day(q.from)?)
            .bind(day(q.to)?)
            .bind(report::limit(q))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter()
            .map(|row| {
                Ok(SalesReportRow {
                    key: row.try_get("key").map_err(db)?,
                    quantity: quantity_from_minor(row.try_get("quantity").map_err(db)?),
                    amount: money_from_minor(row.try_get("amount").map_err(db)?),
                    lines: u64::try_from(row.try_get::<i64, _>("lines").map_err(db)?).unwrap_or(0),
                })
            })
            .collect()
    }

    async fn customer_history(&self, customer: &str, since: NaiveDate, limit: u32) -> Result<Vec<(String, u32)>> {
        let rows = sqlx::query(
            "SELECT sku, COUNT(*) AS lines FROM sales WHERE customer = ? AND day >= ? AND quantity > 0
             GROUP BY sku ORDER BY lines DESC, sku LIMIT ?",
        )
        .bind(customer)
        .bind(day(since)?)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| {
                let lines = u32::try_from(row.try_get::<i64, _>("lines").map_err(db)?).unwrap_or(u32::MAX);
                Ok((row.try_get("sku").map_err(db)?, lines))
            })
            .collect()
    }
}
