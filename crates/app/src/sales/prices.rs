//! Reading prices (the one in effect and the whole schedule) and changing one under optimistic
//! concurrency: the caller names the version it saw, and a stale one changes nothing.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use domain::audit::Actor;
use domain::sales::{DEFAULT_PRICE_LIST, Price, PriceChange};
use domain::{Error, ErrorCode, Principal, Result, Role};
use rust_decimal::Decimal;
use store::Store;

#[derive(Clone)]
pub struct PriceService {
    store: Arc<dyn Store>,
}

/// A SKU's price in one list: the row in effect on `day` and every effective-dated row.
#[derive(Debug, Clone)]
pub struct PriceQuote {
    pub price_list: String,
    pub sku: String,
    pub day: NaiveDate,
    pub current: Option<Price>,
    pub schedule: Vec<Price>,
}

impl PriceService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    /// Any signed-in caller may read prices. `price_list` defaults to the `default` list.
    pub async fn quote(&self, price_list: Option<&str>, sku: &str, day: NaiveDate) -> Result<PriceQuote> {
        let price_list = price_list.unwrap_or(DEFAULT_PRICE_LIST);
        if self.store.item(sku).await?.is_none() {
            return Err(Error::not_found("item"));
        }
        let current = self.store.price_on(price_list, sku, day).await?;
        let schedule = self.store.price_schedule(price_list, sku).await?;
        Ok(PriceQuote { price_list: price_list.to_owned(), sku: sku.to_owned(), day, current, schedule })
    }

    /// Changes the row effective from `effective_from` (default: the row in effect today, or a new
    /// row from today when there is none). Managers and admins only; `expected_version` is the
    /// version the caller last saw (`If-Match`), required whenever the row exists.
    pub async fn change(
        &self,
        caller: &Principal,
        price_list: &str,
        sku: &str,
        amount: Decimal,
        effective_from: Option<NaiveDate>,
        expected_version: Option<u64>,
    ) -> Result<Price> {
        caller.require(Role::Manager)?;
        let today = super::today();
        let effective_from = match effective_from {
            Some(day) => day,
            None => self.store.price_on(price_list, sku, today).await?.map_or(today, |p| p.effective_from),
        };
        let change = PriceChange {
            price_list: price_list.to_owned(),
            sku: sku.to_owned(),
            effective_from,
            amount,
            expected_version,
        }
        .clean()?;
        let updated = self.store.update_price(&change, &Actor::from_principal(caller), Utc::now()).await;
        updated.map_err(|e| match e.code() {
            // The store's wording names versions; the HTTP answer speaks of ETags.
            ErrorCode::PreconditionRequired => Error::new(
                ErrorCode::PreconditionRequired,
                "this price exists; send If-Match with the ETag from reading it",
            ),
            ErrorCode::PreconditionFailed => Error::new(
                ErrorCode::PreconditionFailed,
                "the price changed since it was read; read it again and retry with the new ETag",
            ),
            _ => e,
        })
    }
}
