//! Placeholder while the sales-domain tables are being ported to PostgreSQL: every call answers
//! `unavailable` (never a wrong answer). Replaced file by file by the real adapter.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::audit::{Actor, AuditEntry, AuditHead, NewAuditEntry};
use domain::sales::{
    Customer, ImportSummary, Item, Mapping, NewMapping, NewOos, Oos, Price, PriceChange, PriceRow, SaleLine,
    SalesReportRow, StockLevel,
};
use domain::{Error, ErrorCode, Result};
use uuid::Uuid;

use super::PostgresStore;
use crate::model::{AuditQuery, OosQuery, SalesReportQuery};
use crate::port::{Audit, Catalog, Customers, Mappings, OutOfStock, Prices, Sales};

fn pending() -> Error {
    Error::new(ErrorCode::Unavailable, "the sales records are not available on PostgreSQL in this build")
}

#[async_trait]
impl Catalog for PostgresStore {
    async fn import_items(&self, _items: &[Item], _actor: &Actor, _now: DateTime<Utc>) -> Result<ImportSummary> {
        Err(pending())
    }
    async fn import_stock(&self, _levels: &[StockLevel], _actor: &Actor, _now: DateTime<Utc>) -> Result<ImportSummary> {
        Err(pending())
    }
    async fn item(&self, _sku: &str) -> Result<Option<Item>> {
        Err(pending())
    }
    async fn items_after(&self, _after: Option<&str>, _limit: u32) -> Result<Vec<Item>> {
        Err(pending())
    }
    async fn count_items(&self) -> Result<u64> {
        Err(pending())
    }
    async fn stock_of(&self, _sku: &str) -> Result<Vec<StockLevel>> {
        Err(pending())
    }
    async fn catalog_version(&self) -> Result<u64> {
        Err(pending())
    }
}

#[async_trait]
impl Prices for PostgresStore {
    async fn import_prices(&self, _rows: &[PriceRow], _actor: &Actor, _now: DateTime<Utc>) -> Result<ImportSummary> {
        Err(pending())
    }
    async fn price_on(&self, _price_list: &str, _sku: &str, _day: NaiveDate) -> Result<Option<Price>> {
        Err(pending())
    }
    async fn customer_price(&self, _customer: &str, _sku: &str, _day: NaiveDate) -> Result<Option<Price>> {
        Err(pending())
    }
    async fn price_schedule(&self, _price_list: &str, _sku: &str) -> Result<Vec<Price>> {
        Err(pending())
    }
    async fn update_price(&self, _change: &PriceChange, _actor: &Actor, _now: DateTime<Utc>) -> Result<Price> {
        Err(pending())
    }
    async fn price_lists(&self) -> Result<Vec<String>> {
        Err(pending())
    }
}

#[async_trait]
impl Customers for PostgresStore {
    async fn import_customers(
        &self,
        _customers: &[Customer],
        _actor: &Actor,
        _now: DateTime<Utc>,
    ) -> Result<ImportSummary> {
        Err(pending())
    }
    async fn customer(&self, _code: &str) -> Result<Option<Customer>> {
        Err(pending())
    }
    async fn customers_after(&self, _after: Option<&str>, _limit: u32) -> Result<Vec<Customer>> {
        Err(pending())
    }
}

#[async_trait]
impl Mappings for PostgresStore {
    async fn upsert_mapping(&self, _mapping: &NewMapping, _actor: &Actor, _now: DateTime<Utc>) -> Result<Mapping> {
        Err(pending())
    }
    async fn delete_mapping(
        &self,
        _customer: &str,
        _wording: &str,
        _actor: &Actor,
        _now: DateTime<Utc>,
    ) -> Result<bool> {
        Err(pending())
    }
    async fn mapping(&self, _customer: &str, _wording: &str) -> Result<Option<Mapping>> {
        Err(pending())
    }
    async fn list_mappings(&self, _customer: &str, _after: Option<&str>, _limit: u32) -> Result<Vec<Mapping>> {
        Err(pending())
    }
}

#[async_trait]
impl OutOfStock for PostgresStore {
    async fn create_oos(&self, _oos: &NewOos, _actor: &Actor, _now: DateTime<Utc>) -> Result<Oos> {
        Err(pending())
    }
    async fn resolve_oos(
        &self,
        _id: Uuid,
        _resolution: Option<&str>,
        _actor: &Actor,
        _now: DateTime<Utc>,
    ) -> Result<Oos> {
        Err(pending())
    }
    async fn oos(&self, _id: Uuid) -> Result<Option<Oos>> {
        Err(pending())
    }
    async fn list_oos(&self, _query: &OosQuery) -> Result<Vec<Oos>> {
        Err(pending())
    }
}

#[async_trait]
impl Sales for PostgresStore {
    async fn import_sales(&self, _lines: &[SaleLine], _actor: &Actor, _now: DateTime<Utc>) -> Result<ImportSummary> {
        Err(pending())
    }
    async fn sales_report(&self, _query: &SalesReportQuery) -> Result<Vec<SalesReportRow>> {
        Err(pending())
    }
}

#[async_trait]
impl Audit for PostgresStore {
    async fn append_audit(&self, _entry: &NewAuditEntry) -> Result<AuditEntry> {
        Err(pending())
    }
    async fn list_audit(&self, _query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        Err(pending())
    }
    async fn audit_after(&self, _after_seq: u64, _limit: u32) -> Result<Vec<AuditEntry>> {
        Err(pending())
    }
    async fn audit_head(&self) -> Result<Option<AuditHead>> {
        Err(pending())
    }
}
