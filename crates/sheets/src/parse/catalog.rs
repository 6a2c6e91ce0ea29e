//! Catalog import: `sku`, `name`, `unit` required; `brand`, `category`, `barcode`, `aliases`
//! (separated by `|`), `stock`, `warehouse` optional. A SKU may appear once per file.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::error::SheetError;
use crate::parse::Parsed;
use crate::parse::columns::{Spec, optional, required};
use crate::parse::fields::{Sign, each_row};
use crate::read::Table;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogRow {
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub brand: Option<String>,
    pub category: Option<String>,
    pub barcode: Option<String>,
    pub aliases: Vec<String>,
    pub stock: Option<Decimal>,
    pub warehouse: Option<String>,
}

const SPECS: [Spec; 9] = [
    required("sku"),
    required("name"),
    required("unit"),
    optional("brand"),
    optional("category"),
    optional("barcode"),
    optional("aliases"),
    optional("stock"),
    optional("warehouse"),
];
const SKU: usize = 0;
const NAME: usize = 1;
const UNIT: usize = 2;
const BRAND: usize = 3;
const CATEGORY: usize = 4;
const BARCODE: usize = 5;
const ALIASES: usize = 6;
const STOCK: usize = 7;
const WAREHOUSE: usize = 8;

pub(super) const MAX_CODE: usize = 64;
pub(super) const MAX_NAME: usize = 300;
pub(super) const MAX_LABEL: usize = 100;
const MAX_UNIT: usize = 32;
const MAX_ALIASES: usize = 50;
const MAX_ALIASES_CELL: usize = 2_000;

pub fn parse_catalog(table: &Table) -> Result<Parsed<CatalogRow>, SheetError> {
    // SKUs compare case-insensitively: "ab-1" and "AB-1" would be one product to a salesperson.
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    each_row(table, &SPECS, |f| {
        let sku = f.text(SKU, MAX_CODE, true);
        if let Some(sku) = &sku {
            let key = sku.to_lowercase();
            match first_seen.get(&key) {
                Some(first) => f.fail(SKU, format!("duplicate SKU; it first appears in row {first}")),
                None => {
                    first_seen.insert(key, f.row());
                }
            }
        }
        let name = f.text(NAME, MAX_NAME, true);
        let unit = f.text(UNIT, MAX_UNIT, true);
        let brand = f.text(BRAND, MAX_LABEL, false);
        let category = f.text(CATEGORY, MAX_LABEL, false);
        let barcode = f.text(BARCODE, MAX_CODE, false);
        let aliases = f.text(ALIASES, MAX_ALIASES_CELL, false).map(|a| split_aliases(&a)).unwrap_or_default();
        if aliases.len() > MAX_ALIASES {
            f.fail(ALIASES, format!("has {} aliases, at most {MAX_ALIASES}", aliases.len()));
        } else if aliases.iter().any(|a| a.chars().count() > MAX_LABEL) {
            f.fail(ALIASES, format!("has an alias longer than {MAX_LABEL} characters"));
        }
        let stock = f.number(STOCK, Sign::NonNegative, false);
        let warehouse = f.text(WAREHOUSE, MAX_LABEL, false);
        match (sku, name, unit) {
            (Some(sku), Some(name), Some(unit)) => {
                Some(CatalogRow { sku, name, unit, brand, category, barcode, aliases, stock, warehouse })
            }
            _ => None,
        }
    })
}

/// `a | b ||c` -> ["a", "b", "c"]: trimmed, empties dropped, duplicates (ignoring case) once.
fn split_aliases(cell: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for alias in cell.split('|').map(str::trim).filter(|a| !a.is_empty()) {
        if !out.iter().any(|seen| seen.to_lowercase() == alias.to_lowercase()) {
            out.push(alias.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::split_aliases;

    #[test]
    fn aliases_are_trimmed_and_deduplicated() {
        assert_eq!(split_aliases(" aqua 600 | Aqua 600||AQUA tanggung |"), vec!["aqua 600", "AQUA tanggung"]);
        assert!(split_aliases(" | ").is_empty());
    }
}
