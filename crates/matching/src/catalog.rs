//! What the matcher is built from: one catalog item.

use serde::{Deserialize, Serialize};

/// One sellable item. `unit` is the unit the item is sold in (`dus`, `pcs`); `aliases` are other
/// names customers use for it, e.g. the Chinese name (`雪碧 330ml`) or a former product name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogEntry {
    pub sku: String,
    pub name: String,
    pub brand: Option<String>,
    pub category: Option<String>,
    pub unit: String,
    pub barcode: Option<String>,
    pub aliases: Vec<String>,
}
