//! Each import's rows as they will be written: cleaned (`crate::import::clean_all`), keys unique
//! (`refuse_duplicates`), money, quantities and days checked and in stored units. Everything here
//! fails before a transaction starts, naming the first bad row; what needs the database (do the
//! referenced SKUs exist?) is [`first_missing`], fed by the adapter.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use domain::sales::{Customer, Item, PriceRow, SaleLine, StockLevel, at_row, money_minor, quantity_minor};
use domain::{Error, Result};

use crate::import::{clean_all, refuse_duplicates};

/// A business day the store accepts: years 1 to 9999, which every backend stores and sorts alike.
pub(crate) fn check_day(day: NaiveDate) -> Result<NaiveDate> {
    if !(1..=9999).contains(&day.year()) {
        return Err(Error::validation("dates must be within the years 1 to 9999"));
    }
    Ok(day)
}

pub(crate) fn items(items: &[Item]) -> Result<Vec<Item>> {
    let items = clean_all(items, Item::clean)?;
    refuse_duplicates("sku", items.iter().map(|i| i.sku.as_str()))?;
    Ok(items)
}

#[derive(Debug)]
pub(crate) struct StockRow {
    pub sku: String,
    pub warehouse: String,
    pub quantity: i64,
}

pub(crate) fn stock(levels: &[StockLevel]) -> Result<Vec<StockRow>> {
    let levels = clean_all(levels, StockLevel::clean)?;
    let keys: Vec<String> = levels.iter().map(|l| format!("{}@{}", l.sku, l.warehouse)).collect();
    refuse_duplicates("sku@warehouse", keys.iter().map(String::as_str))?;
    levels
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let quantity = quantity_minor("quantity", l.quantity).map_err(|e| at_row(i, e))?;
            Ok(StockRow { sku: l.sku, warehouse: l.warehouse, quantity })
        })
        .collect()
}

#[derive(Debug)]
pub(crate) struct PriceRecord {
    pub price_list: String,
    pub sku: String,
    pub effective_from: NaiveDate,
    pub amount: i64,
}

pub(crate) fn prices(rows: &[PriceRow]) -> Result<Vec<PriceRecord>> {
    let rows = clean_all(rows, |r| r.clean().and_then(|r| check_day(r.effective_from).map(|_| r)))?;
    let keys: Vec<String> = rows.iter().map(|r| format!("{}/{}/{}", r.price_list, r.sku, r.effective_from)).collect();
    refuse_duplicates("price list/sku/effective_from", keys.iter().map(String::as_str))?;
    rows.into_iter()
        .enumerate()
        .map(|(i, r)| {
            let amount = money_minor("amount", r.amount).map_err(|e| at_row(i, e))?;
            Ok(PriceRecord { price_list: r.price_list, sku: r.sku, effective_from: r.effective_from, amount })
        })
        .collect()
}

pub(crate) fn customers(customers: &[Customer]) -> Result<Vec<Customer>> {
    let customers = clean_all(customers, Customer::clean)?;
    refuse_duplicates("customer", customers.iter().map(|c| c.code.as_str()))?;
    Ok(customers)
}

/// A sales line with its quantity, unit price and amount in stored units.
#[derive(Debug)]
pub(crate) struct SaleRecord {
    pub line: SaleLine,
    pub quantity: i64,
    pub unit_price: i64,
    pub amount: i64,
}

pub(crate) fn sales(lines: &[SaleLine]) -> Result<Vec<SaleRecord>> {
    let lines = clean_all(lines, |l| l.clean().and_then(|l| check_day(l.date).map(|_| l)))?;
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let stored = || -> Result<SaleRecord> {
                Ok(SaleRecord {
                    quantity: quantity_minor("quantity", line.quantity)?,
                    unit_price: money_minor("unit_price", line.unit_price)?,
                    amount: money_minor("amount", line.amount()?)?,
                    line: line.clone(),
                })
            };
            stored().map_err(|e| at_row(i, e))
        })
        .collect()
}

/// Fails naming the first row whose key the database does not hold (`found`), as "unknown
/// {what} …"; the adapter reads `found` inside the import's transaction.
pub(crate) fn first_missing<'a>(
    what: &str,
    keys: impl Iterator<Item = &'a str>,
    found: &HashSet<String>,
) -> Result<()> {
    let mut keys = keys.enumerate();
    match keys.find(|(_, key)| !found.contains(*key)) {
        Some((i, key)) => Err(at_row(i, Error::validation(format!("unknown {what} {key:?}")))),
        None => Ok(()),
    }
}

/// Each key once, for a lookup of which exist.
pub(crate) fn distinct<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    keys.filter(|k| seen.insert(*k)).collect()
}

#[cfg(test)]
mod tests {
    use domain::ErrorCode;
    use rust_decimal::Decimal;

    use super::*;

    fn day(y: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, 1, 1).unwrap()
    }

    #[test]
    fn prices_are_checked_before_anything_is_written() {
        let row = |sku: &str, on: NaiveDate, amount: i64| PriceRow {
            price_list: "default".into(),
            sku: sku.into(),
            effective_from: on,
            amount: Decimal::new(amount, 2),
        };
        let ok = prices(&[row("A", day(2026), 350_025)]).unwrap();
        assert_eq!(ok[0].amount, 35_002_500, "ten-thousandths");
        let err = prices(&[row("A", day(2026), 1), row("B", day(10_000), 1)]).unwrap_err();
        assert_eq!(
            (err.code(), err.detail()),
            (ErrorCode::Validation, "row 2: dates must be within the years 1 to 9999")
        );
        assert!(prices(&[row("A", day(2026), 1), row("A", day(2026), 2)]).unwrap_err().detail().starts_with("row 2:"));
    }

    #[test]
    fn the_first_missing_key_is_named() {
        let found: HashSet<String> = ["A".to_owned()].into();
        let err = first_missing("sku", ["A", "Z", "Y"].into_iter(), &found).unwrap_err();
        assert_eq!(err.detail(), "row 2: unknown sku \"Z\"");
        assert!(first_missing("sku", ["A"].into_iter(), &found).is_ok());
        assert_eq!(distinct(["A", "B", "A"].into_iter()), ["A", "B"]);
    }
}
