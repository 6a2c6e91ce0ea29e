//! What a cell holds after reading, independent of the file format it came from.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A cell as read. CSV cells are always [`Cell::Text`]; spreadsheets also give numbers and dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A numeric cell, converted exactly from the shortest decimal form of the stored float.
    Number(Decimal),
    /// A cell formatted as a date (any time of day is dropped).
    Date(NaiveDate),
    /// A value that could not be kept; the parsers report it on its row.
    Invalid(CellProblem),
}

/// Why a cell's value was not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellProblem {
    /// Longer than the reading limit; only the length is kept.
    TooLong { chars: usize },
    /// The spreadsheet itself shows an error here, e.g. "#N/A".
    SpreadsheetError(&'static str),
    /// Not a finite number, or beyond the 28 significant digits an exact decimal holds.
    NumberOutOfRange,
    /// A date cell that is not a real calendar date.
    DateOutOfRange,
}

impl fmt::Display for CellProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellProblem::TooLong { chars } => write!(f, "the cell is too long ({chars} characters)"),
            CellProblem::SpreadsheetError(code) => write!(f, "the cell shows the spreadsheet error {code}"),
            CellProblem::NumberOutOfRange => f.write_str("the number is out of range"),
            CellProblem::DateOutOfRange => f.write_str("the date is not a real calendar date"),
        }
    }
}

impl Cell {
    /// True for empty cells and cells holding only white space.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text for text columns: numbers in plain decimal form (a SKU typed as 1234 in
    /// Excel arrives as a number), dates as ISO. `None` for empty and invalid cells.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Cell::Text(s) => Some(s.trim().to_owned()),
            Cell::Number(d) => Some(d.normalize().to_string()),
            Cell::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
            Cell::Empty | Cell::Invalid(_) => None,
        }
    }
}
