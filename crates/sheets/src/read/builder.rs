//! Collects rows under the limits, whatever the format, and finishes them into a [`Table`].

use crate::error::SheetError;
use crate::limits::Limits;
use crate::read::{Row, Table};
use crate::value::{Cell, CellProblem};

pub(super) struct Builder<'l> {
    limits: &'l Limits,
    header: Option<(usize, Vec<String>)>,
    rows: Vec<Row>,
    cells: usize,
    text_bytes: usize,
}

impl<'l> Builder<'l> {
    pub(super) fn new(limits: &'l Limits) -> Self {
        Builder { limits, header: None, rows: Vec::new(), cells: 0, text_bytes: 0 }
    }

    /// A text cell, or "too long" without its content when over the per-cell limit.
    pub(super) fn text(&self, s: &str) -> Cell {
        // Bytes bound chars from above, so the count is only needed for long cells.
        if s.len() > self.limits.max_cell_chars {
            let chars = s.chars().count();
            if chars > self.limits.max_cell_chars {
                return Cell::Invalid(CellProblem::TooLong { chars });
            }
        }
        Cell::Text(s.to_owned())
    }

    /// Whether a cell in this column is kept at all. The header row may not go beyond it.
    pub(super) fn keeps_column(&self, column: usize) -> bool {
        column < self.limits.max_columns
    }

    /// Adds the row numbered `number` (1-based). Blank rows are dropped; the first non-blank
    /// row becomes the header.
    pub(super) fn push(
        &mut self,
        number: usize,
        mut cells: Vec<Cell>,
        had_more_columns: bool,
    ) -> Result<(), SheetError> {
        while cells.last().is_some_and(Cell::is_blank) {
            cells.pop();
        }
        if cells.is_empty() {
            return Ok(());
        }
        self.cells += cells.len();
        self.text_bytes += cells.iter().map(|c| if let Cell::Text(s) = c { s.len() } else { 0 }).sum::<usize>();
        if self.cells > self.limits.max_cells {
            return Err(SheetError::TooBig { what: "too many cells" });
        }
        if self.text_bytes > self.limits.max_text_bytes {
            return Err(SheetError::TooBig { what: "too much text" });
        }
        if self.header.is_none() {
            if had_more_columns {
                return Err(SheetError::TooBig { what: "too many columns" });
            }
            let names = cells.iter().map(|c| c.as_text().unwrap_or_default()).collect();
            self.header = Some((number, names));
            return Ok(());
        }
        if self.rows.len() >= self.limits.max_rows {
            return Err(SheetError::TooManyRows { max: self.limits.max_rows });
        }
        self.rows.push(Row { number, cells });
        Ok(())
    }

    pub(super) fn finish(self) -> Result<Table, SheetError> {
        let Some((header_row, headers)) = self.header else {
            return Err(SheetError::Empty);
        };
        if self.rows.is_empty() {
            return Err(SheetError::HeaderOnly);
        }
        Ok(Table { header_row, headers, rows: self.rows })
    }
}
