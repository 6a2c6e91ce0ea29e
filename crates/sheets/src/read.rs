//! Upload bytes -> [`Table`]: the first non-empty row names the columns, the rest are data.

mod builder;
mod convert;
mod csv;
mod xls;
mod xls_guard;
mod xlsx;
mod zip_guard;

use files::sniff::FileKind;

use crate::error::SheetError;
use crate::limits::Limits;
use crate::value::Cell;

/// One data row: its 1-based row number in the sheet as the user sees it, and its cells (up to
/// the last non-empty one; read missing cells as empty through [`Row::cell`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn cell(&self, column: usize) -> &Cell {
        self.cells.get(column).unwrap_or(&Cell::Empty)
    }
}

/// A sheet as read: header names as written (trimmed), then the data rows; wholly empty rows
/// are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header_row: usize,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// The formats an import may come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Csv,
    Xlsx,
    Xls,
}

impl TableKind {
    /// What the upload sniffer's verdict means here; `None` for kinds that are not tables.
    pub fn from_file_kind(kind: FileKind) -> Option<TableKind> {
        match kind {
            FileKind::Text => Some(TableKind::Csv),
            FileKind::Xlsx => Some(TableKind::Xlsx),
            FileKind::Xls => Some(TableKind::Xls),
            FileKind::Pdf | FileKind::Png | FileKind::Jpeg | FileKind::Webp => None,
        }
    }

    /// Sniffs the bytes. Anything the sniffer does not recognise is tried as CSV, so that a
    /// non-UTF-8 CSV gets the precise "not UTF-8, row N" error instead of a generic refusal.
    pub fn sniff(bytes: &[u8]) -> Result<TableKind, SheetError> {
        match files::sniff::sniff(bytes) {
            Ok(kind) => TableKind::from_file_kind(kind).ok_or(SheetError::UnsupportedKind),
            Err(_) => Ok(TableKind::Csv),
        }
    }
}

/// Reads the first sheet (or the CSV) with the default [`Limits`]. `kind: None` sniffs it here.
pub fn read_table(bytes: &[u8], kind: Option<TableKind>) -> Result<Table, SheetError> {
    read_table_with(bytes, kind, &Limits::DEFAULT)
}

/// [`read_table`] with explicit limits.
pub fn read_table_with(bytes: &[u8], kind: Option<TableKind>, limits: &Limits) -> Result<Table, SheetError> {
    if bytes.len() > limits.max_bytes {
        return Err(SheetError::TooLarge { max_mb: limits.max_bytes.div_ceil(1024 * 1024) });
    }
    if bytes.is_empty() {
        return Err(SheetError::Empty);
    }
    let kind = match kind {
        Some(kind) => kind,
        None => TableKind::sniff(bytes)?,
    };
    match kind {
        TableKind::Csv => csv::read(bytes, limits),
        TableKind::Xlsx => xlsx::read(bytes, limits),
        TableKind::Xls => xls::read(bytes, limits),
    }
}
