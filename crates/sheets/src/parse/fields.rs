//! Reading one row's fields by column, collecting every problem of the row (not just the first),
//! so the user can fix a row in one go.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::SheetError;
use crate::parse::columns::{Located, Spec, locate};
use crate::parse::{Parsed, RowError};
use crate::read::{Row, Table};
use crate::text::excerpt;
use crate::value::{Cell, parse_decimal, parse_iso_date};

/// Which numbers a column accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sign {
    /// Zero and up (prices, stock).
    NonNegative,
    /// Above zero (quantities sold or ordered).
    Positive,
}

/// The common shape of a parser: find the columns, then read each row with `read`, keeping
/// the value when the row had no problem.
pub(super) fn each_row<T>(
    table: &Table,
    specs: &[Spec],
    mut read: impl FnMut(&mut Fields<'_>) -> Option<T>,
) -> Result<Parsed<T>, SheetError> {
    let located = locate(&table.headers, specs)?;
    let mut parsed = Parsed::default();
    for row in &table.rows {
        let mut fields = Fields::new(row, &located);
        let value = read(&mut fields);
        fields.finish(value, &mut parsed);
    }
    Ok(parsed)
}

pub(super) struct Fields<'a> {
    row: &'a Row,
    located: &'a Located,
    errors: Vec<RowError>,
}

impl<'a> Fields<'a> {
    pub(super) fn new(row: &'a Row, located: &'a Located) -> Self {
        Fields { row, located, errors: Vec::new() }
    }

    pub(super) fn row(&self) -> usize {
        self.row.number
    }

    /// The cell of spec `col`, or `None` when the file has no such column.
    fn cell(&self, col: usize) -> Option<&'a Cell> {
        let index = (*self.located.index.get(col)?)?;
        Some(self.row.cell(index))
    }

    pub(super) fn fail(&mut self, col: usize, message: impl Into<String>) {
        let column = self.located.labels.get(col).cloned();
        self.errors.push(RowError { row: self.row.number, column, message: message.into() });
    }

    /// Empty cells are `None`, with an error when `required`.
    fn present(&mut self, col: usize, required: bool) -> Option<&'a Cell> {
        match self.cell(col) {
            Some(Cell::Invalid(problem)) => {
                self.fail(col, problem.to_string());
                None
            }
            Some(cell) if !cell.is_blank() => Some(cell),
            _ => {
                if required {
                    self.fail(col, "a value is required");
                }
                None
            }
        }
    }

    /// Trimmed text of at most `max_chars` characters.
    pub(super) fn text(&mut self, col: usize, max_chars: usize, required: bool) -> Option<String> {
        let text = self.present(col, required)?.as_text()?;
        let chars = text.chars().count();
        if chars > max_chars {
            self.fail(col, format!("is too long ({chars} characters, at most {max_chars})"));
            return None;
        }
        Some(text)
    }

    pub(super) fn number(&mut self, col: usize, sign: Sign, required: bool) -> Option<Decimal> {
        let value = match self.present(col, required)? {
            Cell::Number(d) => *d,
            Cell::Text(s) => match parse_decimal(s) {
                Ok(d) => d,
                Err(e) => {
                    self.fail(col, format!("\"{}\" {e}", excerpt(s)));
                    return None;
                }
            },
            Cell::Date(_) => {
                self.fail(col, "holds a date where a number is expected");
                return None;
            }
            Cell::Empty | Cell::Invalid(_) => return None,
        };
        if value.is_sign_negative() && !value.is_zero() {
            self.fail(col, "must not be negative");
            return None;
        }
        if sign == Sign::Positive && value.is_zero() {
            self.fail(col, "must be greater than zero");
            return None;
        }
        Some(value)
    }

    pub(super) fn date(&mut self, col: usize, required: bool) -> Option<NaiveDate> {
        match self.present(col, required)? {
            Cell::Date(d) => Some(*d),
            Cell::Text(s) => {
                let date = parse_iso_date(s);
                if date.is_none() {
                    self.fail(col, format!("\"{}\" is not a date; write it as YYYY-MM-DD", excerpt(s)));
                }
                date
            }
            Cell::Number(_) => {
                self.fail(col, "holds a number where a date is expected; write it as YYYY-MM-DD");
                None
            }
            Cell::Empty | Cell::Invalid(_) => None,
        }
    }

    /// The row's verdict: `value` if nothing went wrong, else its errors.
    pub(super) fn finish<T>(self, value: Option<T>, parsed: &mut Parsed<T>) {
        match value {
            Some(value) if self.errors.is_empty() => parsed.rows.push((self.row.number, value)),
            _ => parsed.errors.extend(self.errors),
        }
    }

    /// Keeps `value` whatever else went wrong (order-sheet lines are wanted even when imperfect).
    pub(super) fn finish_keeping<T>(self, value: T, parsed: &mut Parsed<T>) {
        parsed.rows.push((self.row.number, value));
        parsed.errors.extend(self.errors);
    }
}
