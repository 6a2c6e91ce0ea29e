//! Parsed sheet rows -> the domain's input types, each cleaned by the domain's own rules so a row
//! the store would refuse is reported here, with its row and column, before anything is written.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::sales::{Customer, Item, PriceRow, SaleLine, StockLevel};
use domain::{Error, Result};
use sheets::{Parsed, RowError, Table};

use super::ImportKind;

/// Stock given without a warehouse is booked here.
pub const DEFAULT_WAREHOUSE: &str = "main";
/// The only currency prices are kept in; a row in another one would be stored as if it were this.
pub const CURRENCY: &str = "IDR";

/// Cleaned rows with their sheet row numbers, and the problems found so far.
pub enum Converted {
    Catalog { items: Vec<(usize, Item)>, stock: Vec<(usize, StockLevel)>, errors: Vec<RowError> },
    Prices { rows: Vec<(usize, PriceRow)>, errors: Vec<RowError> },
    Customers { rows: Vec<(usize, Customer)>, errors: Vec<RowError> },
    Sales { rows: Vec<(usize, SaleLine)>, errors: Vec<RowError> },
}

impl Converted {
    pub fn errors_mut(&mut self) -> &mut Vec<RowError> {
        match self {
            Converted::Catalog { errors, .. }
            | Converted::Prices { errors, .. }
            | Converted::Customers { errors, .. }
            | Converted::Sales { errors, .. } => errors,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Converted::Catalog { items, .. } => items.len(),
            Converted::Prices { rows, .. } => rows.len(),
            Converted::Customers { rows, .. } => rows.len(),
            Converted::Sales { rows, .. } => rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

pub fn convert(kind: ImportKind, table: &Table) -> Result<Converted> {
    let today = super::super::today();
    Ok(match kind {
        ImportKind::Catalog => {
            let (rows, mut errors) = split(sheets::parse_catalog(table)?);
            let (mut items, mut stock) = (Vec::with_capacity(rows.len()), Vec::new());
            for (row, r) in rows {
                let item = Item {
                    sku: r.sku,
                    name: r.name,
                    brand: r.brand,
                    category: r.category,
                    unit: Some(r.unit),
                    barcode: r.barcode,
                    aliases: r.aliases,
                }
                .clean();
                let level = r.stock.map(|quantity| {
                    let warehouse = r.warehouse.unwrap_or_else(|| DEFAULT_WAREHOUSE.to_owned());
                    let sku = item.as_ref().map(|i| i.sku.clone()).unwrap_or_default();
                    StockLevel { sku, warehouse, quantity }.clean()
                });
                match (item, level.transpose()) {
                    (Ok(item), Ok(level)) => {
                        items.push((row, item));
                        stock.extend(level.map(|l| (row, l)));
                    }
                    (Err(e), _) | (_, Err(e)) => errors.push(row_error(row, &e, catalog_column)),
                }
            }
            Converted::Catalog { items, stock, errors }
        }
        ImportKind::Prices => {
            let (parsed, mut errors) = split(sheets::parse_prices(table)?);
            let mut rows = Vec::with_capacity(parsed.len());
            let mut first_seen: HashMap<(String, String, NaiveDate), usize> = HashMap::new();
            for (row, r) in parsed {
                if r.currency != CURRENCY {
                    errors.push(error(row, Some("currency"), format!("only {CURRENCY} prices can be imported")));
                    continue;
                }
                let cleaned = PriceRow {
                    price_list: r.price_list,
                    sku: r.sku,
                    effective_from: r.effective_from.unwrap_or(today),
                    amount: r.price,
                }
                .clean();
                match cleaned {
                    Ok(p) => {
                        let key = (p.price_list.clone(), p.sku.clone(), p.effective_from);
                        if let Some(first) = first_seen.get(&key) {
                            let message = format!("the same price list, SKU and date first appear in row {first}");
                            errors.push(error(row, Some("sku"), message));
                        } else {
                            first_seen.insert(key, row);
                            rows.push((row, p));
                        }
                    }
                    Err(e) => errors.push(row_error(row, &e, price_column)),
                }
            }
            Converted::Prices { rows, errors }
        }
        ImportKind::Customers => {
            let (parsed, mut errors) = split(sheets::parse_customers(table)?);
            let mut rows = Vec::with_capacity(parsed.len());
            let mut first_seen: HashMap<String, usize> = HashMap::new();
            for (row, r) in parsed {
                let name = r.name.unwrap_or_else(|| r.customer.clone());
                let cleaned =
                    Customer { code: r.customer, name, price_list: Some(r.price_list), salesperson: r.salesperson }
                        .clean();
                match cleaned {
                    Ok(c) => match first_seen.get(&c.code) {
                        Some(first) => {
                            let message = format!("duplicate customer; it first appears in row {first}");
                            errors.push(error(row, Some("customer"), message));
                        }
                        None => {
                            first_seen.insert(c.code.clone(), row);
                            rows.push((row, c));
                        }
                    },
                    Err(e) => errors.push(row_error(row, &e, same_column)),
                }
            }
            Converted::Customers { rows, errors }
        }
        ImportKind::Sales => {
            let (parsed, mut errors) = split(sheets::parse_sales(table)?);
            let mut rows = Vec::with_capacity(parsed.len());
            for (row, r) in parsed {
                let cleaned = SaleLine {
                    date: r.date,
                    customer: r.customer,
                    sku: r.sku,
                    quantity: r.quantity,
                    unit_price: r.unit_price,
                    salesperson: r.salesperson,
                    invoice: r.invoice,
                }
                .clean();
                match cleaned {
                    Ok(line) => rows.push((row, line)),
                    Err(e) => errors.push(row_error(row, &e, sales_column)),
                }
            }
            Converted::Sales { rows, errors }
        }
    })
}

fn split<T>(parsed: Parsed<T>) -> (Vec<(usize, T)>, Vec<RowError>) {
    (parsed.rows, parsed.errors)
}

pub fn error(row: usize, column: Option<&str>, message: impl Into<String>) -> RowError {
    RowError { row, column: column.map(str::to_owned), message: message.into() }
}

/// The domain words its errors `field: message`; the field becomes the file's column.
fn row_error(row: usize, err: &Error, column_of: fn(&str) -> &str) -> RowError {
    match err.detail().split_once(": ") {
        Some((field, message)) if field.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') => {
            error(row, Some(column_of(field)), message)
        }
        _ => error(row, None, err.detail()),
    }
}

fn same_column(field: &str) -> &str {
    field
}

fn catalog_column(field: &str) -> &str {
    match field {
        "alias" => "aliases",
        "quantity" => "stock",
        other => other,
    }
}

fn price_column(field: &str) -> &str {
    if field == "amount" { "price" } else { field }
}

fn sales_column(field: &str) -> &str {
    if field == "amount" { "unit_price" } else { field }
}
