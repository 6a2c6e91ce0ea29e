//! Sales lines (imported from the ERP) and the report over them.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::exact::{line_amount, money_minor, quantity_minor};
use super::limits::MAX_CODE_CHARS;
use super::text::{optional, required};
use crate::{Error, Result};

/// One sold line. A negative quantity is a return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleLine {
    pub date: NaiveDate,
    pub customer: String,
    pub sku: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub salesperson: Option<String>,
    pub invoice: Option<String>,
}

impl SaleLine {
    pub fn clean(&self) -> Result<SaleLine> {
        if self.quantity.is_zero() {
            return Err(Error::validation("quantity: must not be zero"));
        }
        if self.unit_price.is_sign_negative() && !self.unit_price.is_zero() {
            return Err(Error::validation("unit_price: must not be negative"));
        }
        quantity_minor("quantity", self.quantity)?;
        money_minor("unit_price", self.unit_price)?;
        line_amount(self.quantity, self.unit_price)?;
        Ok(SaleLine {
            date: self.date,
            customer: required("customer", &self.customer, MAX_CODE_CHARS)?,
            sku: required("sku", &self.sku, MAX_CODE_CHARS)?,
            quantity: self.quantity.normalize(),
            unit_price: self.unit_price.normalize(),
            salesperson: optional("salesperson", self.salesperson.as_deref(), MAX_CODE_CHARS)?,
            invoice: optional("invoice", self.invoice.as_deref(), MAX_CODE_CHARS)?,
        })
    }

    /// Quantity × unit price, rounded to money precision.
    pub fn amount(&self) -> Result<Decimal> {
        line_amount(self.quantity, self.unit_price)
    }
}

/// What a sales report groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SalesGroup {
    /// Key `YYYY-MM-DD`; ordered by day.
    Day,
    /// Key: customer code; ordered by amount, largest first.
    Customer,
    /// Key: SKU; ordered by amount, largest first.
    Item,
    /// Key: salesperson, empty for lines without one; ordered by amount, largest first.
    Salesperson,
}

impl SalesGroup {
    pub fn as_str(self) -> &'static str {
        match self {
            SalesGroup::Day => "day",
            SalesGroup::Customer => "customer",
            SalesGroup::Item => "item",
            SalesGroup::Salesperson => "salesperson",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [SalesGroup::Day, SalesGroup::Customer, SalesGroup::Item, SalesGroup::Salesperson]
            .into_iter()
            .find(|g| g.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SalesReportRow {
    pub key: String,
    pub quantity: Decimal,
    /// The exact sum of the lines' amounts.
    pub amount: Decimal,
    pub lines: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line() -> SaleLine {
        SaleLine {
            date: NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
            customer: "C1".into(),
            sku: "A".into(),
            quantity: Decimal::new(3, 0),
            unit_price: Decimal::new(12_345, 1),
            salesperson: Some(" ".into()),
            invoice: Some("INV-1".into()),
        }
    }

    #[test]
    fn lines_are_checked_and_priced_exactly() {
        let clean = line().clean().unwrap();
        assert_eq!(clean.salesperson, None);
        assert_eq!(clean.amount().unwrap(), Decimal::new(37_035, 1));
        assert!(SaleLine { quantity: Decimal::ZERO, ..line() }.clean().is_err());
        assert!(SaleLine { unit_price: Decimal::new(-1, 0), ..line() }.clean().is_err());
        assert!(SaleLine { quantity: Decimal::new(-1, 0), ..line() }.clean().is_ok(), "a return");
        assert_eq!(SalesGroup::parse("salesperson"), Some(SalesGroup::Salesperson));
    }
}
