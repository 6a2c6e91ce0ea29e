//! Customers: code, name, price list (none: `default`), salesperson.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::Result;
use domain::audit::{Actor, action};
use domain::sales::{Customer, ImportSummary};
use sqlx::Row as _;

use super::batch::{finish_import, insert_batches};
use super::{SqliteStore, ms, page};
use crate::Customers;
use crate::error::db;
use crate::sales::prepare;

fn customer(row: &sqlx::sqlite::SqliteRow) -> Result<Customer> {
    Ok(Customer {
        code: row.try_get("code").map_err(db)?,
        name: row.try_get("name").map_err(db)?,
        price_list: row.try_get("price_list").map_err(db)?,
        salesperson: row.try_get("salesperson").map_err(db)?,
    })
}

#[async_trait]
impl Customers for SqliteStore {
    async fn import_customers(
        &self,
        customers: &[Customer],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<ImportSummary> {
        let customers = prepare::customers(customers)?;
        let mut tx = self.write_tx().await?;
        let sql = (
            "INSERT INTO customers (code, name, price_list, salesperson, updated_at)",
            5,
            "ON CONFLICT (code) DO UPDATE SET name = excluded.name, price_list = excluded.price_list,
             salesperson = excluded.salesperson, updated_at = excluded.updated_at",
        );
        insert_batches(&mut tx, sql, &customers, |q, c| {
            Ok(q.bind(&c.code).bind(&c.name).bind(&c.price_list).bind(&c.salesperson).bind(ms(now)))
        })
        .await?;
        finish_import(tx, actor, action::CUSTOMER_IMPORT, customers.len(), now).await?;
        Ok(ImportSummary { rows: customers.len() as u64, catalog_version: None })
    }

    async fn customer(&self, code: &str) -> Result<Option<Customer>> {
        let row = sqlx::query("SELECT code, name, price_list, salesperson FROM customers WHERE code = ?")
            .bind(code)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(customer).transpose()
    }

    async fn customers_after(&self, after: Option<&str>, limit: u32) -> Result<Vec<Customer>> {
        let rows = sqlx::query(
            "SELECT code, name, price_list, salesperson FROM customers
             WHERE (?1 IS NULL OR code > ?1) ORDER BY code LIMIT ?2",
        )
        .bind(after)
        .bind(page(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(customer).collect()
    }
}
