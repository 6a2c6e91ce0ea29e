//! Sales history import: `date`, `customer`, `sku`, `quantity`, `unit_price` required;
//! `salesperson` and `invoice` optional.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::SheetError;
use crate::parse::Parsed;
use crate::parse::catalog::{MAX_CODE, MAX_LABEL};
use crate::parse::columns::{Spec, optional, required};
use crate::parse::fields::{Sign, each_row};
use crate::read::Table;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleRow {
    pub date: NaiveDate,
    pub customer: String,
    pub sku: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub salesperson: Option<String>,
    pub invoice: Option<String>,
}

const SPECS: [Spec; 7] = [
    required("date"),
    required("customer"),
    required("sku"),
    required("quantity"),
    required("unit_price"),
    optional("salesperson"),
    optional("invoice"),
];
const DATE: usize = 0;
const CUSTOMER: usize = 1;
const SKU: usize = 2;
const QUANTITY: usize = 3;
const UNIT_PRICE: usize = 4;
const SALESPERSON: usize = 5;
const INVOICE: usize = 6;

pub fn parse_sales(table: &Table) -> Result<Parsed<SaleRow>, SheetError> {
    each_row(table, &SPECS, |f| {
        let date = f.date(DATE, true);
        let customer = f.text(CUSTOMER, MAX_LABEL, true);
        let sku = f.text(SKU, MAX_CODE, true);
        let quantity = f.number(QUANTITY, Sign::Positive, true);
        let unit_price = f.number(UNIT_PRICE, Sign::NonNegative, true);
        let salesperson = f.text(SALESPERSON, MAX_LABEL, false);
        let invoice = f.text(INVOICE, MAX_CODE, false);
        match (date, customer, sku, quantity, unit_price) {
            (Some(date), Some(customer), Some(sku), Some(quantity), Some(unit_price)) => {
                Some(SaleRow { date, customer, sku, quantity, unit_price, salesperson, invoice })
            }
            _ => None,
        }
    })
}
