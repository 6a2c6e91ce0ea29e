//! Bounds a legacy .xls before calamine expands it. calamine turns every sheet into a dense grid
//! spanning its outermost cells (and reserves what the sheet's DIMENSIONS record claims), so two
//! cells far apart cost gigabytes. This walks the workbook stream the way calamine does — the
//! globals from the start, each sheet from the offset its BOUNDSHEET record gives — and adds up
//! what those grids would cost.

use std::io::{Cursor, Read};

use crate::error::SheetError;
use crate::limits::Limits;
use crate::read::xls::DAMAGED;

const BOUND_SHEET: u16 = 0x0085;
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const DIMENSIONS: u16 = 0x0200;
const MUL_RK: u16 = 0x00BD;
/// Records whose data starts with the cell's row and column (u16 each).
const CELL_RECORDS: [u16; 7] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006];

const TOO_BIG: SheetError = SheetError::TooBig { what: "its sheets span too many cells" };

pub(super) fn check(bytes: &[u8], limits: &Limits) -> Result<(), SheetError> {
    let stream = workbook_stream(bytes, limits)?;
    let sheet_offsets: Vec<usize> = records(&stream)
        .filter(|(typ, data)| *typ == BOUND_SHEET && data.len() >= 4)
        .map(|(_, data)| u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize)
        .collect();
    if sheet_offsets.len() > limits.max_xls_sheets {
        return Err(SheetError::TooBig { what: "too many sheets" });
    }
    let mut total: u64 = 0;
    for offset in sheet_offsets {
        let sheet = stream.get(offset..).ok_or(DAMAGED)?;
        total = total.saturating_add(sheet_cost(sheet)?);
        if total > limits.max_cells as u64 {
            return Err(TOO_BIG);
        }
    }
    Ok(())
}

/// The "Workbook" (BIFF8) or "Book" (BIFF5) stream, read whole: it is never larger than the file.
fn workbook_stream(bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, SheetError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|_| DAMAGED)?;
    let mut stream = file.open_stream("/Workbook").or_else(|_| file.open_stream("/Book")).map_err(|_| DAMAGED)?;
    let mut out = Vec::new();
    (&mut stream).take(limits.max_bytes as u64 + 1).read_to_end(&mut out).map_err(|_| DAMAGED)?;
    if out.len() > limits.max_bytes {
        return Err(DAMAGED);
    }
    Ok(out)
}

/// BIFF records as calamine frames them: type and length (u16 each), then the data; a record
/// running past the end stops the walk (calamine fails there).
fn records(mut stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let typ = u16::from_le_bytes([*stream.first()?, *stream.get(1)?]);
        let len = usize::from(u16::from_le_bytes([*stream.get(2)?, *stream.get(3)?]));
        let data = stream.get(4..4 + len)?;
        stream = &stream[4 + len..];
        Some((typ, data))
    })
}

/// Cells calamine would allocate for the sheet starting here: the larger of its cells' bounding
/// box and its DIMENSIONS claim. Mirrors calamine's walk: nested substreams (charts) skipped,
/// the sheet ends at its own EOF.
fn sheet_cost(sheet: &[u8]) -> Result<u64, SheetError> {
    let mut bbox: Option<(u32, u32, u32, u32)> = None;
    let mut claimed: u64 = 0;
    let (mut seen_bof, mut depth) = (false, 0usize);
    for (typ, data) in records(sheet) {
        if depth > 0 {
            match typ {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        let mut add = |row: u32, col: u32| {
            let (r0, r1, c0, c1) = bbox.unwrap_or((row, row, col, col));
            bbox = Some((r0.min(row), r1.max(row), c0.min(col), c1.max(col)));
        };
        match typ {
            BOF if seen_bof => depth += 1,
            BOF => seen_bof = true,
            EOF => break,
            DIMENSIONS => claimed = claimed.max(dimensions_claim(data)?),
            MUL_RK if data.len() >= 6 => {
                let row = u32::from(le16(data, 0));
                let (first, last) = (le16(data, 2), le16(data, data.len() - 2));
                // calamine subtracts these unchecked.
                if last < first {
                    return Err(DAMAGED);
                }
                add(row, u32::from(first));
                add(row, u32::from(last));
            }
            t if CELL_RECORDS.contains(&t) && data.len() >= 4 => {
                add(u32::from(le16(data, 0)), u32::from(le16(data, 2)))
            }
            _ => {}
        }
    }
    let spanned = bbox.map_or(0, |(r0, r1, c0, c1)| u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1));
    Ok(spanned.max(claimed))
}

/// What calamine reserves for a DIMENSIONS record, refusing the values it would underflow on.
fn dimensions_claim(data: &[u8]) -> Result<u64, SheetError> {
    let (first_row, last_row, mut first_col, last_col) = match data.len() {
        10 => (u32::from(le16(data, 0)), u32::from(le16(data, 2)), u32::from(le16(data, 4)), u32::from(le16(data, 6))),
        14 | 16 => (le32(data, 0), le32(data, 4), u32::from(le16(data, 8)), u32::from(le16(data, 10))),
        _ => return Err(DAMAGED),
    };
    if first_col > 0xFF || last_col < first_col {
        first_col = 0;
    }
    if last_row == 0 || last_col == 0 {
        return Ok(1);
    }
    if first_row > last_row - 1 || first_col > last_col - 1 {
        return Err(DAMAGED);
    }
    Ok(u64::from(last_row - first_row) * u64::from(last_col - first_col))
}

fn le16(data: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([data.get(at).copied().unwrap_or(0), data.get(at + 1).copied().unwrap_or(0)])
}

fn le32(data: &[u8], at: usize) -> u32 {
    u32::from(le16(data, at)) | (u32::from(le16(data, at + 2)) << 16)
}
