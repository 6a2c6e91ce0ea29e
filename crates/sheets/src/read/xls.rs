//! Legacy .xls: calamine parses every sheet up front into dense grids, so the workbook stream
//! is bounds-checked first ([`xls_guard`]); then the first sheet is read.

use std::io::Cursor;

use calamine::{Reader, Xls};

use crate::error::SheetError;
use crate::limits::Limits;
use crate::read::builder::Builder;
use crate::read::{Table, convert, xls_guard};
use crate::value::Cell;

pub(super) const DAMAGED: SheetError =
    SheetError::Unreadable { reason: "the .xls file is damaged, protected or not a workbook; try saving it as .xlsx" };

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<Table, SheetError> {
    xls_guard::check(bytes, limits)?;
    // calamine's .xls parser indexes hostile bytes directly; a panic must not take the request down.
    std::panic::catch_unwind(|| read_checked(bytes, limits)).unwrap_or(Err(DAMAGED))
}

fn read_checked(bytes: &[u8], limits: &Limits) -> Result<Table, SheetError> {
    let mut workbook: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|_| DAMAGED)?;
    let range = match workbook.worksheet_range_at(0) {
        Some(range) => range.map_err(|_| DAMAGED)?,
        None => return Err(SheetError::Empty),
    };
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut builder = Builder::new(limits);
    for (i, row) in range.rows().enumerate() {
        let offset = first_col as usize;
        let mut cells = Vec::new();
        let mut wide = false;
        for (j, value) in row.iter().enumerate() {
            let col = offset + j;
            let cell = convert::from_data(value, &builder);
            if !builder.keeps_column(col) {
                wide |= cell != Cell::Empty;
                continue;
            }
            if cell != Cell::Empty {
                cells.resize(col, Cell::Empty);
                cells.push(cell);
            }
        }
        builder.push(first_row as usize + i + 1, cells, wide)?;
    }
    builder.finish()
}
