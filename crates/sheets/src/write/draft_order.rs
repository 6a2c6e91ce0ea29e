//! A draft order for the customer or the back office to review: header, lines, total.

use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, Workbook};

use super::cells::{MAX_ROWS, bold, decimal, number_format, text};
use super::{DraftLine, DraftOrder, WriteError};

const COLUMNS: [&str; 10] =
    ["Line", "Order text", "SKU", "Name", "Quantity", "Unit", "Unit price", "Amount", "Matched by", "Status"];
/// Rows above the first line: title, four header fields, a gap, the column headings.
const FIRST_LINE_ROW: u32 = 7;

pub fn write_draft_order(order: &DraftOrder) -> Result<Vec<u8>, WriteError> {
    if order.lines.len() + FIRST_LINE_ROW as usize + 1 > MAX_ROWS {
        return Err(WriteError::TooManyRows { rows: order.lines.len(), max: MAX_ROWS - FIRST_LINE_ROW as usize - 1 });
    }
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Draft order")?;
    let (bold, number) = (bold(), number_format());
    let flagged = Format::new().set_background_color(Color::RGB(0xFFF2CC));
    let flagged_number = number_format().set_background_color(Color::RGB(0xFFF2CC));

    text(sheet, 0, 0, "Draft order", Some(&bold))?;
    let header = [
        ("Customer", Some(order.customer_code.as_str())),
        ("Name", order.customer_name.as_deref()),
        ("Price list", order.price_list.as_deref()),
        ("Currency", Some(order.currency.as_str())),
    ];
    for (i, (label, value)) in header.into_iter().enumerate() {
        let row = i as u32 + 1;
        text(sheet, row, 0, label, Some(&bold))?;
        text(sheet, row, 1, value.unwrap_or(""), None)?;
    }
    for (col, heading) in COLUMNS.iter().enumerate() {
        text(sheet, FIRST_LINE_ROW - 1, col as u16, heading, Some(&bold))?;
    }

    let mut total = Decimal::ZERO;
    let mut unpriced = 0usize;
    let mut row = FIRST_LINE_ROW;
    for line in &order.lines {
        let amount = amount(line);
        let status = status(line, amount);
        let (text_format, number_format) =
            if status.is_empty() { (None, &number) } else { (Some(&flagged), &flagged_number) };
        match amount {
            Some(a) => total += a,
            None => unpriced += 1,
        }
        sheet.write_number(row, 0, f64::from(line.line_no))?;
        text(sheet, row, 1, &line.text, text_format)?;
        text(sheet, row, 2, line.sku.as_deref().unwrap_or(""), text_format)?;
        text(sheet, row, 3, line.name.as_deref().unwrap_or(""), text_format)?;
        optional_decimal(sheet, row, 4, line.quantity, number_format, text_format)?;
        text(sheet, row, 5, line.unit.as_deref().unwrap_or(""), text_format)?;
        optional_decimal(sheet, row, 6, line.unit_price, number_format, text_format)?;
        optional_decimal(sheet, row, 7, amount, number_format, text_format)?;
        text(sheet, row, 8, line.matched_by.as_deref().unwrap_or(""), text_format)?;
        text(sheet, row, 9, status, text_format)?;
        row += 1;
    }
    text(sheet, row, 6, "Total", Some(&bold))?;
    decimal(sheet, row, 7, total, &number.clone().set_bold())?;
    if unpriced > 0 {
        let note = format!("{unpriced} line(s) without a price or quantity are not in the total");
        text(sheet, row, 9, &note, Some(&flagged))?;
    }
    sheet.set_column_width(1, 36)?;
    sheet.set_column_width(3, 30)?;
    for col in [2, 4, 6, 7, 8] {
        sheet.set_column_width(col, 14)?;
    }
    sheet.set_column_width(9, 22)?;
    Ok(workbook.save_to_buffer()?)
}

/// quantity × unit price, exactly; `None` when either is missing (or the product overflows).
fn amount(line: &DraftLine) -> Option<Decimal> {
    line.quantity?.checked_mul(line.unit_price?)
}

/// Empty for a complete line; otherwise what the reviewer must look at.
fn status(line: &DraftLine, amount: Option<Decimal>) -> &'static str {
    if line.sku.is_none() {
        "NOT MATCHED"
    } else if line.unit_price.is_none() {
        "UNPRICED"
    } else if line.quantity.is_none() {
        "NO QUANTITY"
    } else if amount.is_none() {
        "AMOUNT TOO LARGE"
    } else {
        ""
    }
}

fn optional_decimal(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    value: Option<Decimal>,
    number: &Format,
    blank: Option<&Format>,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    match value {
        Some(v) => decimal(sheet, row, col, v, number),
        None => text(sheet, row, col, "", blank),
    }
}
