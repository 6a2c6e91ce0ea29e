//! The order's lines, from pasted text or from an uploaded order sheet.

use domain::{Error, Result};
use matching::parse_order_line;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Lines per order at most: a person must be able to review the unsure ones in one question.
pub const MAX_LINES: usize = 2_000;
/// Characters of one line kept; the rest of an over-long line is noise.
const MAX_LINE_CHARS: usize = 300;

/// One line as the customer wrote it, split into what to search for and how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputLine {
    /// 1-based: the line of the text, or the row of the sheet.
    pub line: u32,
    pub text: String,
    pub description: String,
    pub quantity: Option<Decimal>,
    pub unit: Option<String>,
}

fn clip(text: &str) -> String {
    text.trim().chars().take(MAX_LINE_CHARS).collect()
}

fn too_many() -> Error {
    Error::validation(format!("an order has at most {MAX_LINES} lines"))
}

/// Every non-blank line of pasted text.
pub fn from_text(text: &str) -> Result<Vec<InputLine>> {
    let mut lines = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let text = clip(raw);
        if text.is_empty() {
            continue;
        }
        if lines.len() == MAX_LINES {
            return Err(too_many());
        }
        let parsed = parse_order_line(&text);
        lines.push(InputLine {
            line: u32::try_from(index + 1).unwrap_or(u32::MAX),
            description: parsed.description,
            quantity: parsed.quantity,
            unit: parsed.unit,
            text,
        });
    }
    if lines.is_empty() {
        return Err(Error::validation("the order has no lines"));
    }
    Ok(lines)
}

/// The lines of an order sheet (.csv, .xlsx, .xls) and the sheet's per-row problems, which are
/// reported in the result rather than failing the order.
pub fn from_sheet(bytes: &[u8]) -> Result<(Vec<InputLine>, Vec<String>)> {
    let table = sheets::read_table(bytes, None)?;
    let parsed = sheets::parse_order_sheet(&table)?;
    if parsed.rows.len() > MAX_LINES {
        return Err(too_many());
    }
    let problems = parsed
        .errors
        .iter()
        .take(100)
        .map(|e| match &e.column {
            Some(column) => format!("row {}, column {column}: {}", e.row, e.message),
            None => format!("row {}: {}", e.row, e.message),
        })
        .collect();
    let lines: Vec<InputLine> = parsed
        .rows
        .into_iter()
        .map(|(row, sheet)| {
            let text = clip(&sheet.description);
            // The sheet's own quantity and unit columns win; a description like "aqua 2 dus" in a
            // sheet without them still yields its quantity.
            let parsed = parse_order_line(&text);
            InputLine {
                line: u32::try_from(row).unwrap_or(u32::MAX),
                description: parsed.description,
                quantity: sheet.quantity.or(parsed.quantity),
                unit: sheet.unit.or(parsed.unit),
                text,
            }
        })
        .collect();
    if lines.is_empty() {
        return Err(Error::validation("the order sheet has no lines"));
    }
    Ok((lines, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_lines_are_split_into_description_quantity_and_unit() {
        let lines = from_text("aqua 600ml 2 dus\n\n  雪碧 330 一箱  \n").unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!((lines[0].line, lines[0].quantity), (1, Some(Decimal::from(2))));
        assert_eq!(lines[0].unit.as_deref(), Some("dus"));
        assert_eq!((lines[1].line, lines[1].text.as_str()), (3, "雪碧 330 一箱"));
        assert_eq!(lines[1].quantity, Some(Decimal::ONE));
    }

    #[test]
    fn empty_and_oversized_orders_are_refused() {
        assert!(from_text(" \n\n").is_err());
        assert!(from_text(&"aqua 1\n".repeat(MAX_LINES + 1)).is_err());
        assert_eq!(from_text(&"x".repeat(5000)).unwrap()[0].text.chars().count(), MAX_LINE_CHARS);
    }

    #[test]
    fn a_sheet_gives_its_rows_and_reports_bad_ones() {
        let csv = "item;qty;unit\naqua 600ml;2;dus\nteh botol kotak 250;abc;krt\n";
        let (lines, problems) = from_sheet(csv.as_bytes()).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!((lines[0].line, lines[0].quantity), (2, Some(Decimal::from(2))));
        assert_eq!(lines[1].quantity, None);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("row 3"), "{problems:?}");
    }
}
