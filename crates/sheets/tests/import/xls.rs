//! Legacy .xls files, hand-built (no writer for them exists in Rust): a compound file holding a
//! BIFF8 workbook stream.

use std::io::{Cursor, Write};

use sheets::{Cell, SheetError, TableKind, read_table};

/// One BIFF record.
fn record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut out = typ.to_le_bytes().to_vec();
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
    out
}

fn bof(kind: u16) -> Vec<u8> {
    let mut data = 0x0600u16.to_le_bytes().to_vec();
    data.extend_from_slice(&kind.to_le_bytes());
    data.extend_from_slice(&[0; 12]);
    record(0x0809, &data)
}

fn number(row: u16, col: u16, value: f64) -> Vec<u8> {
    let mut data = [row.to_le_bytes(), col.to_le_bytes(), 0u16.to_le_bytes()].concat();
    data.extend_from_slice(&value.to_le_bytes());
    record(0x0203, &data)
}

fn label(row: u16, col: u16, text: &str) -> Vec<u8> {
    let mut data = [row.to_le_bytes(), col.to_le_bytes(), 0u16.to_le_bytes()].concat();
    data.extend_from_slice(&(text.len() as u16).to_le_bytes());
    data.push(0); // 8-bit characters
    data.extend_from_slice(text.as_bytes());
    record(0x0204, &data)
}

/// A workbook with one sheet made of `cells` (already encoded records).
fn xls(cells: &[Vec<u8>], sheet_offset_shift: i64) -> Vec<u8> {
    let sheet_name = b"Sheet1";
    let bound_sheet_len = 4 + 8 + sheet_name.len();
    let globals_len = bof(0x0005).len() + bound_sheet_len + 4;
    let offset = (globals_len as i64 + sheet_offset_shift) as u32;
    let mut bound = offset.to_le_bytes().to_vec();
    bound.extend_from_slice(&[0, 0, sheet_name.len() as u8, 0]);
    bound.extend_from_slice(sheet_name);
    let mut stream = bof(0x0005);
    stream.extend(record(0x0085, &bound));
    stream.extend(record(0x000A, &[]));
    assert_eq!(stream.len(), globals_len);
    stream.extend(bof(0x0010));
    for cell in cells {
        stream.extend_from_slice(cell);
    }
    stream.extend(record(0x000A, &[]));
    // Pad past the compound file's mini-stream cutoff so the stream gets regular sectors.
    stream.resize(stream.len().max(5000), 0);

    let mut file = cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).unwrap();
    file.create_stream("/Workbook").unwrap().write_all(&stream).unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

#[test]
fn a_small_workbook_reads() {
    let bytes = xls(&[label(0, 0, "sku"), label(0, 1, "stock"), label(1, 0, "AQ-600"), number(1, 1, 12.5)], 0);
    assert_eq!(files::sniff::sniff(&bytes), Ok(files::sniff::FileKind::Xls));
    let table = read_table(&bytes, None).unwrap();
    assert_eq!(table.headers, vec!["sku", "stock"]);
    assert_eq!(table.rows[0].number, 2);
    assert_eq!(table.rows[0].cells, vec![Cell::Text("AQ-600".into()), Cell::Number("12.5".parse().unwrap())]);
}

#[test]
fn two_far_apart_cells_are_refused_before_calamine_fills_the_grid() {
    // calamine would build a 65,536 x 256 grid (16.7 million cells) for these two.
    let bytes = xls(&[label(0, 0, "sku"), number(65_535, 255, 1.0)], 0);
    assert!(matches!(read_table(&bytes, Some(TableKind::Xls)), Err(SheetError::TooBig { .. })));
}

#[test]
fn hostile_offsets_and_dimensions_fail_cleanly() {
    let far = xls(&[label(0, 0, "sku")], 1_000_000);
    assert!(matches!(read_table(&far, Some(TableKind::Xls)), Err(SheetError::Unreadable { .. })));
    // DIMENSIONS with first row after last row: calamine would underflow on it.
    let dims = [10u32.to_le_bytes(), 2u32.to_le_bytes()].concat();
    let dims = [dims, 0u16.to_le_bytes().to_vec(), 3u16.to_le_bytes().to_vec(), vec![0, 0]].concat();
    let bytes = xls(&[record(0x0200, &dims), label(0, 0, "sku")], 0);
    assert!(matches!(read_table(&bytes, Some(TableKind::Xls)), Err(SheetError::Unreadable { .. })));
    // A huge DIMENSIONS claim (what calamine reserves up front).
    let dims = [0u32.to_le_bytes(), 4_000_000u32.to_le_bytes()].concat();
    let dims = [dims, 0u16.to_le_bytes().to_vec(), 200u16.to_le_bytes().to_vec(), vec![0, 0]].concat();
    let bytes = xls(&[record(0x0200, &dims), label(0, 0, "sku")], 0);
    assert!(matches!(read_table(&bytes, Some(TableKind::Xls)), Err(SheetError::TooBig { .. })));
}

#[test]
fn ole_files_that_are_not_workbooks_are_refused() {
    let mut file = cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).unwrap();
    file.create_stream("/WordDocument").unwrap().write_all(&[0; 5000]).unwrap();
    file.flush().unwrap();
    let bytes = file.into_inner().into_inner();
    assert!(matches!(read_table(&bytes, Some(TableKind::Xls)), Err(SheetError::Unreadable { .. })));
}
