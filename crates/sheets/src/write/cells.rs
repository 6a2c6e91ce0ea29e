//! The only ways the writers put values into cells.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Worksheet, XlsxError};

use crate::value::decimal_from_f64;

/// Excel's limit for the characters in one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Rows in a worksheet.
pub(super) const MAX_ROWS: usize = 1_048_576;

/// Text as a string cell, whatever it starts with; cut to what a cell can hold.
pub(super) fn text(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: &str,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    let value = match value.char_indices().nth(MAX_CELL_CHARS) {
        Some((cut, _)) => &value[..cut],
        None => value,
    };
    match format {
        Some(format) => sheet.write_string_with_format(row, col, value, format)?,
        None => sheet.write_string(row, col, value)?,
    };
    Ok(())
}

/// A decimal as a number cell when the binary float Excel stores prints back as exactly this
/// decimal (anything up to 15 significant digits); otherwise as text, so nothing is rounded.
pub(super) fn decimal(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: Decimal,
    format: &Format,
) -> Result<(), XlsxError> {
    match value.to_f64().filter(|f| decimal_from_f64(*f) == Some(value)) {
        Some(f) => sheet.write_number_with_format(row, col, f, format)?,
        None => sheet.write_string_with_format(row, col, value.normalize().to_string(), format)?,
    };
    Ok(())
}

/// The number format for money and quantities: thousands grouped, two decimals.
pub(super) fn number_format() -> Format {
    Format::new().set_num_format("#,##0.00")
}

pub(super) fn bold() -> Format {
    Format::new().set_bold()
}
