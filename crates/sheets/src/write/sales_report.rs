//! A grouped sales report: one row per group with quantity, amount and line count, then totals.

use rust_decimal::Decimal;
use rust_xlsxwriter::Workbook;

use super::cells::{MAX_ROWS, bold, decimal, number_format, text};
use super::{Report, WriteError};

/// Title, gap, headings.
const FIRST_ROW: u32 = 3;

pub fn write_sales_report(report: &Report) -> Result<Vec<u8>, WriteError> {
    if report.rows.len() + FIRST_ROW as usize + 1 > MAX_ROWS {
        return Err(WriteError::TooManyRows { rows: report.rows.len(), max: MAX_ROWS - FIRST_ROW as usize - 1 });
    }
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Report")?;
    let (bold, number) = (bold(), number_format());
    let bold_number = number_format().set_bold();

    text(sheet, 0, 0, &report.title, Some(&bold))?;
    let group = if report.group_label.trim().is_empty() { "Group" } else { report.group_label.as_str() };
    for (col, heading) in [group, "Quantity", "Amount", "Lines"].into_iter().enumerate() {
        text(sheet, FIRST_ROW - 1, col as u16, heading, Some(&bold))?;
    }
    let (mut quantity, mut amount, mut lines) = (Decimal::ZERO, Decimal::ZERO, 0u64);
    let mut row = FIRST_ROW;
    for r in &report.rows {
        text(sheet, row, 0, &r.key, None)?;
        decimal(sheet, row, 1, r.quantity, &number)?;
        decimal(sheet, row, 2, r.amount, &number)?;
        // Counts stay exact as floats far beyond any real report.
        sheet.write_number(row, 3, r.lines as f64)?;
        quantity = quantity.saturating_add(r.quantity);
        amount = amount.saturating_add(r.amount);
        lines = lines.saturating_add(r.lines);
        row += 1;
    }
    text(sheet, row, 0, "Total", Some(&bold))?;
    decimal(sheet, row, 1, quantity, &bold_number)?;
    decimal(sheet, row, 2, amount, &bold_number)?;
    sheet.write_number_with_format(row, 3, lines as f64, &bold)?;
    sheet.set_column_width(0, 32)?;
    for col in 1..=3 {
        sheet.set_column_width(col, 16)?;
    }
    Ok(workbook.save_to_buffer()?)
}
