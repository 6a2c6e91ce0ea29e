//! [`Table`](crate::Table) -> typed rows. A file-level problem (required columns missing) is an
//! `Err`; everything wrong with single rows lands in [`Parsed::errors`] with the row number and
//! column, and the good rows are still returned.

mod catalog;
mod columns;
mod customers;
mod fields;
mod order_sheet;
mod prices;
mod sales;

pub use catalog::{CatalogRow, parse_catalog};
pub use customers::{CustomerRow, parse_customers};
pub use order_sheet::{OrderSheetLine, parse_order_sheet};
pub use prices::{PriceRow, parse_prices};
pub use sales::{SaleRow, parse_sales};

/// Rows that parsed, each with its 1-based sheet row number, and the problems of the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<T> {
    pub rows: Vec<(usize, T)>,
    pub errors: Vec<RowError>,
}

impl<T> Default for Parsed<T> {
    fn default() -> Self {
        Parsed { rows: Vec::new(), errors: Vec::new() }
    }
}

/// One problem with one row, worded for the user. `column` is the header as written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub column: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(column) => write!(f, "row {}, column \"{column}\": {}", self.row, self.message),
            None => write!(f, "row {}: {}", self.row, self.message),
        }
    }
}
