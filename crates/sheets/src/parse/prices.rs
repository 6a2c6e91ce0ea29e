//! Price import: `price_list`, `sku`, `price` required; `currency` (default IDR) and
//! `effective_from` (ISO date) optional.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::SheetError;
use crate::parse::Parsed;
use crate::parse::catalog::{MAX_CODE, MAX_LABEL};
use crate::parse::columns::{Spec, optional, required};
use crate::parse::fields::{Sign, each_row};
use crate::read::Table;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceRow {
    pub price_list: String,
    pub sku: String,
    pub price: Decimal,
    /// ISO 4217 code, upper case.
    pub currency: String,
    pub effective_from: Option<NaiveDate>,
}

const SPECS: [Spec; 5] =
    [required("price_list"), required("sku"), required("price"), optional("currency"), optional("effective_from")];
const PRICE_LIST: usize = 0;
const SKU: usize = 1;
const PRICE: usize = 2;
const CURRENCY: usize = 3;
const EFFECTIVE_FROM: usize = 4;

pub const DEFAULT_CURRENCY: &str = "IDR";

pub fn parse_prices(table: &Table) -> Result<Parsed<PriceRow>, SheetError> {
    each_row(table, &SPECS, |f| {
        let price_list = f.text(PRICE_LIST, MAX_LABEL, true);
        let sku = f.text(SKU, MAX_CODE, true);
        let price = f.number(PRICE, Sign::NonNegative, true);
        let currency = match f.text(CURRENCY, 16, false) {
            None => Some(DEFAULT_CURRENCY.to_owned()),
            Some(c) if c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic()) => Some(c.to_ascii_uppercase()),
            Some(_) => {
                f.fail(CURRENCY, "is not a three-letter currency code such as IDR");
                None
            }
        };
        let effective_from = f.date(EFFECTIVE_FROM, false);
        match (price_list, sku, price, currency) {
            (Some(price_list), Some(sku), Some(price), Some(currency)) => {
                Some(PriceRow { price_list, sku, price, currency, effective_from })
            }
            _ => None,
        }
    })
}
