//! Sales lines and the report over them. Amounts are integer ten-thousandths, so the report's
//! sums are SQL integer sums: exact (PostgreSQL sums bigint as numeric; the cast back to bigint
//! fails loudly rather than rounding should a sum ever leave its range).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::Result;
use domain::audit::{Actor, action};
use domain::sales::{ImportSummary, SaleLine, SalesReportRow, money_from_minor, quantity_from_minor};
use sqlx::Row as _;

use super::batch::{ROWS_PER_STATEMENT, finish_import, require_existing};
use super::error::db;
use super::{PostgresStore, unsigned};
use crate::sales::prepare::{self, check_day};
use crate::sales::report;
use crate::{Sales, SalesReportQuery};

#[async_trait]
impl Sales for PostgresStore {
    async fn import_sales(&self, lines: &[SaleLine], actor: &Actor, now: DateTime<Utc>) -> Result<ImportSummary> {
        // Everything a row stores, computed before the transaction: a bad row fails it early.
        let rows = prepare::sales(lines)?;
        let mut tx = self.pool.begin().await.map_err(db)?;
        require_existing(&mut tx, ("customers", "code", "customer"), rows.iter().map(|r| r.line.customer.as_str()))
            .await?;
        require_existing(&mut tx, ("items", "sku", "sku"), rows.iter().map(|r| r.line.sku.as_str())).await?;
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            sqlx::query(
                "INSERT INTO sales (day, customer, sku, quantity, unit_price, amount, salesperson, invoice, created_at)
                 SELECT day, customer, sku, quantity, unit_price, amount, salesperson, invoice, $9
                 FROM UNNEST($1::date[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[],
                             $7::text[], $8::text[])
                     AS t (day, customer, sku, quantity, unit_price, amount, salesperson, invoice)",
            )
            .bind(chunk.iter().map(|r| r.line.date).collect::<Vec<_>>())
            .bind(chunk.iter().map(|r| r.line.customer.as_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|r| r.line.sku.as_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|r| r.quantity).collect::<Vec<_>>())
            .bind(chunk.iter().map(|r| r.unit_price).collect::<Vec<_>>())
            .bind(chunk.iter().map(|r| r.amount).collect::<Vec<_>>())
            .bind(chunk.iter().map(|r| r.line.salesperson.as_deref()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|r| r.line.invoice.as_deref()).collect::<Vec<_>>())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        finish_import(tx, actor, action::SALES_IMPORT, rows.len(), now).await?;
        Ok(ImportSummary { rows: rows.len() as u64, catalog_version: None })
    }

    async fn sales_report(&self, q: &SalesReportQuery) -> Result<Vec<SalesReportRow>> {
        let (key, order) = report::grouping(q, "to_char(day, 'YYYY-MM-DD') COLLATE \"C\"")?;
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {key} AS key, SUM(quantity)::bigint AS quantity, SUM(amount)::bigint AS amount, COUNT(*) AS lines
             FROM sales WHERE day >= $1 AND day <= $2 GROUP BY 1 ORDER BY {order} LIMIT $3"
        ));
        let rows = sqlx::query(sql)
            .bind(check_day(q.from)?)
            .bind(check_day(q.to)?)
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
                    lines: unsigned(row.try_get("lines").map_err(db)?),
                })
            })
            .collect()
    }

    async fn customer_history(&self, customer: &str, since: NaiveDate, limit: u32) -> Result<Vec<(String, u32)>> {
        let rows = sqlx::query(
            "SELECT sku, COUNT(*) AS lines FROM sales WHERE customer = $1 AND day >= $2 AND quantity > 0
             GROUP BY sku ORDER BY lines DESC, sku LIMIT $3",
        )
        .bind(customer)
        .bind(check_day(since)?)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| {
                let lines = u32::try_from(unsigned(row.try_get("lines").map_err(db)?)).unwrap_or(u32::MAX);
                Ok((row.try_get("sku").map_err(db)?, lines))
            })
            .collect()
    }
}
