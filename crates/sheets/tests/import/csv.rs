use sheets::{Cell, Limits, SheetError, TableKind, read_table, read_table_with};

use super::support::csv;

fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

#[test]
fn bom_is_dropped_and_rows_are_numbered_as_a_spreadsheet_shows_them() {
    let table = csv("\u{FEFF}sku,name,unit\nA1,Aqua 600ml,dus\n\nB2,\"Teh botol\nkotak\",krt\nC3,Indomie,dus\n");
    assert_eq!(table.headers, vec!["sku", "name", "unit"]);
    assert_eq!(table.header_row, 1);
    let numbers: Vec<usize> = table.rows.iter().map(|r| r.number).collect();
    // Line 3 is blank (a blank row in a spreadsheet); row 4's quoted break does not add a row.
    assert_eq!(numbers, vec![2, 4, 5]);
    assert_eq!(table.rows[1].cells, vec![text("B2"), text("Teh botol\nkotak"), text("krt")]);
}

#[test]
fn semicolon_delimiter_is_detected() {
    let table = csv("SKU;Name;Unit;Stock\nA1;Aqua, botol;dus;12,500.5\n");
    assert_eq!(table.headers, vec!["SKU", "Name", "Unit", "Stock"]);
    assert_eq!(table.rows[0].cells, vec![text("A1"), text("Aqua, botol"), text("dus"), text("12,500.5")]);
}

#[test]
fn non_utf8_names_the_first_bad_row() {
    let mut bytes = b"sku,name,unit\nA1,Aqua,dus\nB2,Caf".to_vec();
    bytes.push(0xE9); // Windows-1252 "é"
    bytes.extend_from_slice(b",pcs\nC3,\xFF,dus\n");
    assert_eq!(read_table(&bytes, Some(TableKind::Csv)), Err(SheetError::NotUtf8 { row: 3 }));
    // Sniffing does not know the kind (it is not text); it is still reported precisely.
    assert_eq!(read_table(&bytes, None), Err(SheetError::NotUtf8 { row: 3 }));
    let msg = SheetError::NotUtf8 { row: 3 }.to_string();
    assert!(msg.contains("row 3") && msg.contains("UTF-8"), "{msg}");
}

#[test]
fn empty_and_header_only_files_are_refused() {
    assert_eq!(read_table(b"", Some(TableKind::Csv)), Err(SheetError::Empty));
    assert_eq!(read_table(b"\n\n ,  ,\n", Some(TableKind::Csv)), Err(SheetError::Empty));
    assert_eq!(read_table(b"sku,name,unit\n", Some(TableKind::Csv)), Err(SheetError::HeaderOnly));
    assert_eq!(read_table(b"\xEF\xBB\xBFsku,name,unit\n,,\n", Some(TableKind::Csv)), Err(SheetError::HeaderOnly));
}

#[test]
fn limits_bound_rows_columns_cells_and_size() {
    let limits = Limits { max_rows: 2, max_columns: 3, max_cell_chars: 5, ..Limits::DEFAULT };
    let read = |s: &str| read_table_with(s.as_bytes(), Some(TableKind::Csv), &limits);
    assert_eq!(read("a,b\n1,2\n3,4\n5,6\n"), Err(SheetError::TooManyRows { max: 2 }));
    assert!(matches!(read("a,b,c,d\n1,2,3,4\n"), Err(SheetError::TooBig { .. })));
    // Data rows wider than the limit keep their first columns.
    assert_eq!(read("a,b\n1,2,3,4,5\n").unwrap().rows[0].cells.len(), 3);
    let long = read("a,b\n123456,ok\n").unwrap();
    assert_eq!(long.rows[0].cells[0], Cell::Invalid(sheets::CellProblem::TooLong { chars: 6 }));
    let small = Limits { max_bytes: 10, ..Limits::DEFAULT };
    assert!(matches!(
        read_table_with(b"sku,name,unit\n1,2,3\n", Some(TableKind::Csv), &small),
        Err(SheetError::TooLarge { .. })
    ));
}

#[test]
fn non_table_kinds_are_refused() {
    assert_eq!(read_table(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", None), Err(SheetError::UnsupportedKind));
    assert_eq!(TableKind::from_file_kind(files::sniff::FileKind::Png), None);
    assert_eq!(TableKind::from_file_kind(files::sniff::FileKind::Text), Some(TableKind::Csv));
}
