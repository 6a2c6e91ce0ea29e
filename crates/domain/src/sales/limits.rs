//! Every cap of the sales domain in one place. Inputs beyond them are refused with a clear error,
//! never truncated silently.

/// Rows in one import file (catalog, stock, prices, customers, sales).
pub const MAX_IMPORT_ROWS: usize = 200_000;
/// Codes and identifiers: SKU, barcode, customer code, price list, warehouse, salesperson, invoice.
pub const MAX_CODE_CHARS: usize = 64;
/// Names and descriptive fields: item name, brand, category, unit, customer name, alias.
pub const MAX_NAME_CHARS: usize = 200;
/// Aliases per item.
pub const MAX_ALIASES: usize = 32;
/// A customer's wording for an item, after normalisation.
pub const MAX_WORDING_CHARS: usize = 300;
/// Free-text notes (out-of-stock note, resolution).
pub const MAX_NOTE_CHARS: usize = 1_000;
/// Rows in one page of any listing.
pub const MAX_PAGE: u32 = 1_000;
/// Groups one sales report returns.
pub const MAX_REPORT_GROUPS: u32 = 10_000;

/// A requested page size within `1..=MAX_PAGE`.
pub fn page_size(requested: u32) -> u32 {
    requested.clamp(1, MAX_PAGE)
}
