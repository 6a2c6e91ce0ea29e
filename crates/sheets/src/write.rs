//! .xlsx output. User text is always written as a string cell, so "=HYPERLINK(...)" or "+cmd"
//! from an order line can never become a formula; numbers are written from exact decimals.

mod cells;
mod draft_order;
mod sales_report;

use rust_decimal::Decimal;

pub use draft_order::write_draft_order;
pub use sales_report::write_sales_report;

/// A draft order as the app hands it over for download.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DraftOrder {
    pub customer_code: String,
    pub customer_name: Option<String>,
    pub price_list: Option<String>,
    pub currency: String,
    pub lines: Vec<DraftLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DraftLine {
    pub line_no: u32,
    /// The order line as the customer wrote it.
    pub text: String,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub quantity: Option<Decimal>,
    pub unit: Option<String>,
    /// `None` when no price was found: the line is flagged and left out of the total.
    pub unit_price: Option<Decimal>,
    /// How the line was matched to the catalog (e.g. "alias", "fuzzy"), for the reviewer.
    pub matched_by: Option<String>,
}

/// A sales report: one row per group (customer, SKU, salesperson, day …).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    pub title: String,
    /// Heading of the group column, e.g. "Customer".
    pub group_label: String,
    pub rows: Vec<ReportRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportRow {
    pub key: String,
    pub quantity: Decimal,
    pub amount: Decimal,
    pub lines: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the spreadsheet has too many rows ({rows}, at most {max})")]
    TooManyRows { rows: usize, max: usize },
    #[error("the spreadsheet could not be written")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

impl From<WriteError> for domain::Error {
    fn from(err: WriteError) -> Self {
        match err {
            WriteError::TooManyRows { .. } => domain::Error::validation(err.to_string()),
            WriteError::Xlsx(_) => domain::Error::internal(err),
        }
    }
}
