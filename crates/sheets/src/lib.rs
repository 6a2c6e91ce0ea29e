//! Spreadsheets in and out, with no I/O of its own: bytes in, typed rows or bytes out.
//!
//! Reading: [`read_table`] turns a .csv, .xlsx or .xls upload into a [`Table`] of cells under
//! hard [`Limits`]; the `parse_*` functions turn a table into typed rows plus per-row errors a
//! user can act on. Writing: [`write_draft_order`] and [`write_sales_report`] produce .xlsx files
//! where user text is always text (never a formula); [`render_bar_chart`] produces a
//! self-contained SVG.
//!
//! Every input is treated as hostile: sizes and counts are capped before memory is spent, and
//! messages quote at most a short prefix of what a cell held.

mod chart;
mod error;
mod limits;
mod parse;

mod read;
mod text;
mod value;
mod write;

pub use chart::{MAX_BARS, render_bar_chart};
pub use error::SheetError;
pub use limits::Limits;
pub use parse::{
    CatalogRow, CustomerRow, OrderSheetLine, Parsed, PriceRow, RowError, SaleRow, parse_catalog, parse_customers,
    parse_order_sheet, parse_prices, parse_sales,
};
pub use read::{Row, Table, TableKind, read_table, read_table_with};
pub use value::{Cell, CellProblem};
pub use write::{DraftLine, DraftOrder, Report, ReportRow, WriteError, write_draft_order, write_sales_report};
