//! Price lists and effective-dated, versioned prices. A price row is keyed by (list, SKU,
//! effective_from); the price on a date is the row with the latest effective_from on or before it.
//! Each row carries a version that every change bumps, for optimistic concurrency (`If-Match`).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::exact::money_minor;
use super::limits::MAX_CODE_CHARS;
use super::text::required;
use crate::{Error, Result};

/// The list that prices a customer without a list of its own.
pub const DEFAULT_PRICE_LIST: &str = "default";

/// One row of a price import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceRow {
    pub price_list: String,
    pub sku: String,
    pub effective_from: NaiveDate,
    pub amount: Decimal,
}

impl PriceRow {
    pub fn clean(&self) -> Result<PriceRow> {
        Ok(PriceRow {
            price_list: required("price_list", &self.price_list, MAX_CODE_CHARS)?,
            sku: required("sku", &self.sku, MAX_CODE_CHARS)?,
            effective_from: self.effective_from,
            amount: clean_amount(self.amount)?,
        })
    }
}

/// A change of one price row, made only if the row is still at `expected_version`; `None` means
/// the row must not exist yet (a new effective date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceChange {
    pub price_list: String,
    pub sku: String,
    pub effective_from: NaiveDate,
    pub amount: Decimal,
    pub expected_version: Option<u64>,
}

impl PriceChange {
    pub fn clean(&self) -> Result<PriceChange> {
        let row = PriceRow {
            price_list: self.price_list.clone(),
            sku: self.sku.clone(),
            effective_from: self.effective_from,
            amount: self.amount,
        }
        .clean()?;
        Ok(PriceChange {
            price_list: row.price_list,
            sku: row.sku,
            effective_from: row.effective_from,
            amount: row.amount,
            expected_version: self.expected_version,
        })
    }
}

fn clean_amount(amount: Decimal) -> Result<Decimal> {
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(Error::validation("amount: must not be negative"));
    }
    money_minor("amount", amount)?;
    Ok(amount.normalize())
}

/// A stored price row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Price {
    pub price_list: String,
    pub sku: String,
    pub effective_from: NaiveDate,
    pub amount: Decimal,
    /// 1 when created, +1 on every change.
    pub version: u64,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_or_overly_precise_prices_are_refused() {
        let row = |amount: Decimal| PriceRow {
            price_list: "default".into(),
            sku: "A".into(),
            effective_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            amount,
        };
        assert!(row(Decimal::new(-1, 0)).clean().is_err());
        assert!(row(Decimal::new(1, 5)).clean().is_err());
        assert_eq!(row(Decimal::new(350_000, 2)).clean().unwrap().amount, Decimal::new(3500, 0));
    }
}
