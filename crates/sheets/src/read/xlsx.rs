//! .xlsx: the first sheet, read cell by cell (calamine's streaming reader), so memory follows
//! the limits rather than the sheet's declared dimensions.

use std::io::Cursor;

use calamine::{Reader, Xlsx};

use crate::error::SheetError;
use crate::limits::Limits;
use crate::read::builder::Builder;
use crate::read::{Table, convert, zip_guard};
use crate::value::Cell;

const DAMAGED: SheetError = SheetError::Unreadable { reason: "the .xlsx file is damaged or not a workbook" };

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<Table, SheetError> {
    zip_guard::check(bytes, limits)?;
    // calamine is third-party code fed hostile bytes; a panic in it must not take the request down.
    std::panic::catch_unwind(|| read_checked(bytes, limits)).unwrap_or(Err(DAMAGED))
}

fn read_checked(bytes: &[u8], limits: &Limits) -> Result<Table, SheetError> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| DAMAGED)?;
    let first = workbook.sheet_names().into_iter().next().ok_or(SheetError::Empty)?;
    let mut cells = workbook.worksheet_cells_reader(&first).map_err(|_| DAMAGED)?;
    let mut builder = Builder::new(limits);
    let mut current: Option<(u32, Vec<Cell>, bool)> = None;
    while let Some(cell) = cells.next_cell().map_err(|_| DAMAGED)? {
        let (row, col) = cell.get_position();
        if current.as_ref().is_some_and(|(r, ..)| *r != row) {
            let Some((r, done, wide)) = current.take() else { break };
            if row < r {
                return Err(SheetError::Unreadable { reason: "the rows of the sheet are out of order" });
            }
            builder.push(row_number(r), done, wide)?;
        }
        let (_, row_cells, wide) = current.get_or_insert_with(|| (row, Vec::new(), false));
        let value = convert::from_data_ref(cell.get_value().clone(), &builder);
        let col = col as usize;
        if !builder.keeps_column(col) {
            *wide |= value != Cell::Empty;
            continue;
        }
        if value == Cell::Empty {
            continue;
        }
        if row_cells.len() <= col {
            row_cells.resize(col + 1, Cell::Empty);
        }
        row_cells[col] = value;
    }
    if let Some((r, done, wide)) = current {
        builder.push(row_number(r), done, wide)?;
    }
    builder.finish()
}

/// calamine counts rows from 0; users from 1.
fn row_number(row: u32) -> usize {
    row as usize + 1
}
