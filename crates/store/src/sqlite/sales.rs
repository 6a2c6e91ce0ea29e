//! Sales lines and the report over them. Amounts are integer ten-thousandths, so the report's
//! sums are SQL integer sums: exact, and an overflow is an error rather than a rounded number.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::audit::{Actor, action};
use domain::sales::limits::MAX_REPORT_GROUPS;
use domain::sales::{
    ImportSummary, SaleLine, SalesGroup, SalesReportRow, at_row, money_from_minor, money_minor, quantity_from_minor,
    quantity_minor,
};
use domain::{Error, Result};
use sqlx::Row as _;

use super::batch::{finish_import, insert_batches, require_existing};
use super::{SqliteStore, day, ms};
use crate::error::db;
use crate::import::clean_all;
use crate::{Sales, SalesReportQuery};

/// A line's day, quantity, unit price and amount as stored.
fn stored(line: &SaleLine) -> Result<(String, i64, i64, i64)> {
    Ok((
        day(line.date)?,
        quantity_minor("quantity", line.quantity)?,
        money_minor("unit_price", line.unit_price)?,
        money_minor("amount", line.amount()?)?,
    ))
}

#[async_trait]
impl Sales for SqliteStore {
    async fn import_sales(&self, lines: &[SaleLine], actor: &Actor, now: DateTime<Utc>) -> Result<ImportSummary> {
        let lines = clean_all(lines, SaleLine::clean)?;
        // Everything a row stores, computed before the transaction: a bad row fails it early.
        let rows = lines
            .iter()
            .enumerate()
            .map(|(i, line)| stored(line).map(|values| (line, values)).map_err(|e| at_row(i, e)))
            .collect::<Result<Vec<_>>>()?;
        let mut tx = self.write_tx().await?;
        require_existing(&mut tx, ("customers", "code", "customer"), lines.iter().map(|l| l.customer.as_str())).await?;
        require_existing(&mut tx, ("items", "sku", "sku"), lines.iter().map(|l| l.sku.as_str())).await?;
        let sql = (
            "INSERT INTO sales (day, customer, sku, quantity, unit_price, amount, salesperson, invoice, created_at)",
            9,
            "",
        );
        insert_batches(&mut tx, sql, &rows, |q, (line, (on, quantity, unit_price, amount))| {
            Ok(q.bind(on)
                .bind(&line.customer)
                .bind(&line.sku)
                .bind(*quantity)
                .bind(*unit_price)
                .bind(*amount)
                .bind(&line.salesperson)
                .bind(&line.invoice)
                .bind(ms(now)))
        })
        .await?;
        finish_import(tx, actor, action::SALES_IMPORT, lines.len(), now).await?;
        Ok(ImportSummary { rows: lines.len() as u64, catalog_version: None })
    }

    async fn sales_report(&self, q: &SalesReportQuery) -> Result<Vec<SalesReportRow>> {
        if q.from > q.to {
            return Err(Error::validation("the report's start is after its end"));
        }
        let (key, order) = match q.group {
            SalesGroup::Day => ("day", "key"),
            SalesGroup::Customer => ("customer", "amount DESC, key"),
            SalesGroup::Item => ("sku", "amount DESC, key"),
            SalesGroup::Salesperson => ("COALESCE(salesperson, '')", "amount DESC, key"),
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {key} AS key, SUM(quantity) AS quantity, SUM(amount) AS amount, COUNT(*) AS lines
             FROM sales WHERE day >= ? AND day <= ? GROUP BY 1 ORDER BY {order} LIMIT ?"
        ));
        let rows = sqlx::query(sql)
            .bind(day(q.from)?)
            .bind(day(q.to)?)
            .bind(i64::from(q.limit.clamp(1, MAX_REPORT_GROUPS)))
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
}
