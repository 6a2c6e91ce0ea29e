//! Customers: code, name, price list (none: `default`), salesperson.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::Result;
use domain::audit::{Actor, action};
use domain::sales::{Customer, ImportSummary};
use sqlx::Row as _;

use super::PostgresStore;
use super::batch::{ROWS_PER_STATEMENT, finish_import};
use super::error::db;
use crate::Customers;
use crate::sales::{page, prepare};

fn customer(row: &sqlx::postgres::PgRow) -> Result<Customer> {
    Ok(Customer {
        code: row.try_get("code").map_err(db)?,
        name: row.try_get("name").map_err(db)?,
        price_list: row.try_get("price_list").map_err(db)?,
        salesperson: row.try_get("salesperson").map_err(db)?,
    })
}

#[async_trait]
impl Customers for PostgresStore {
    async fn import_customers(
        &self,
        customers: &[Customer],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<ImportSummary> {
        let mut customers = prepare::customers(customers)?;
        // In key order, so concurrent imports lock shared rows in one order.
        customers.sort_unstable_by(|a, b| a.code.cmp(&b.code));
        let mut tx = self.pool.begin().await.map_err(db)?;
        for chunk in customers.chunks(ROWS_PER_STATEMENT) {
            sqlx::query(
                "INSERT INTO customers (code, name, price_list, salesperson, updated_at)
                 SELECT code, name, price_list, salesperson, $5
                 FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[]) AS t (code, name, price_list, salesperson)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, price_list = excluded.price_list,
                     salesperson = excluded.salesperson, updated_at = excluded.updated_at",
            )
            .bind(chunk.iter().map(|c| c.code.as_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|c| c.name.as_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|c| c.price_list.as_deref()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|c| c.salesperson.as_deref()).collect::<Vec<_>>())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        finish_import(tx, actor, action::CUSTOMER_IMPORT, customers.len(), now).await?;
        Ok(ImportSummary { rows: customers.len() as u64, catalog_version: None })
    }

    async fn customer(&self, code: &str) -> Result<Option<Customer>> {
        let row = sqlx::query("SELECT code, name, price_list, salesperson FROM customers WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(customer).transpose()
    }

    async fn customers_after(&self, after: Option<&str>, limit: u32) -> Result<Vec<Customer>> {
        let rows = sqlx::query(
            "SELECT code, name, price_list, salesperson FROM customers
             WHERE ($1::text IS NULL OR code > $1) ORDER BY code LIMIT $2",
        )
        .bind(after)
        .bind(page(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(customer).collect()
    }
}
