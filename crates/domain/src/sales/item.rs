//! Catalog items and their stock per warehouse.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::exact::quantity_minor;
use super::limits::{MAX_ALIASES, MAX_CODE_CHARS, MAX_NAME_CHARS};
use super::text::{optional, required};
use crate::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub sku: String,
    pub name: String,
    pub brand: Option<String>,
    pub category: Option<String>,
    /// The selling unit ("dus", "krt", "pcs").
    pub unit: Option<String>,
    pub barcode: Option<String>,
    /// Other names the item goes by; blanks dropped, order kept.
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl Item {
    /// The item trimmed and checked against the caps.
    pub fn clean(&self) -> Result<Item> {
        if self.aliases.len() > MAX_ALIASES {
            return Err(Error::validation(format!("aliases: at most {MAX_ALIASES}")));
        }
        let mut aliases = Vec::with_capacity(self.aliases.len());
        for alias in &self.aliases {
            if let Some(alias) = optional("alias", Some(alias), MAX_NAME_CHARS)? {
                aliases.push(alias);
            }
        }
        Ok(Item {
            sku: required("sku", &self.sku, MAX_CODE_CHARS)?,
            name: required("name", &self.name, MAX_NAME_CHARS)?,
            brand: optional("brand", self.brand.as_deref(), MAX_NAME_CHARS)?,
            category: optional("category", self.category.as_deref(), MAX_NAME_CHARS)?,
            unit: optional("unit", self.unit.as_deref(), MAX_NAME_CHARS)?,
            barcode: optional("barcode", self.barcode.as_deref(), MAX_CODE_CHARS)?,
            aliases,
        })
    }
}

/// How much of an item one warehouse holds. Negative stock is allowed: ERPs book sales before
/// the goods arrive, and the import must mirror them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLevel {
    pub sku: String,
    pub warehouse: String,
    pub quantity: Decimal,
}

impl StockLevel {
    pub fn clean(&self) -> Result<StockLevel> {
        quantity_minor("quantity", self.quantity)?;
        Ok(StockLevel {
            sku: required("sku", &self.sku, MAX_CODE_CHARS)?,
            warehouse: required("warehouse", &self.warehouse, MAX_CODE_CHARS)?,
            quantity: self.quantity.normalize(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> Item {
        Item {
            sku: " AQ-600 ".into(),
            name: "Aqua 600ml".into(),
            brand: Some("Aqua".into()),
            category: Some(" ".into()),
            unit: Some("dus".into()),
            barcode: None,
            aliases: vec!["aqua botol".into(), "  ".into()],
        }
    }

    #[test]
    fn cleaning_trims_and_drops_blanks() {
        let clean = item().clean().unwrap();
        assert_eq!(clean.sku, "AQ-600");
        assert_eq!(clean.category, None);
        assert_eq!(clean.aliases, ["aqua botol"]);
    }

    #[test]
    fn bad_items_are_refused() {
        let mut no_name = item();
        no_name.name = "".into();
        assert!(no_name.clean().unwrap_err().detail().starts_with("name"));
        let mut many = item();
        many.aliases = vec!["a".into(); MAX_ALIASES + 1];
        assert!(many.clean().is_err());
        let stock = StockLevel { sku: "A".into(), warehouse: "W1".into(), quantity: Decimal::new(1, 4) };
        assert!(stock.clean().is_err(), "more than three decimal places");
    }
}
