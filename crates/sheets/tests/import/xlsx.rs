use std::io::{Cursor, Write};

use rust_decimal::Decimal;
use sheets::{Cell, CellProblem, Limits, SheetError, TableKind, parse_sales, read_table, read_table_with};

use super::support::{X, xlsx};

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn numbers_dates_and_text_keep_their_types() {
    let bytes = xlsx(&[
        vec![X::S("Date"), X::S(" Customer "), X::S("SKU"), X::S("Quantity"), X::S("Unit_Price")],
        vec![X::D(2024, 3, 6), X::S("TK-01"), X::N(8991002101.0), X::N(2.0), X::N(12500.5)],
        vec![X::S("2024-03-07"), X::S("TK-02"), X::S("AQ-600"), X::N(0.1), X::N(0.30000000000000004)],
    ]);
    let table = read_table(&bytes, None).unwrap();
    assert_eq!(table.headers, vec!["Date", "Customer", "SKU", "Quantity", "Unit_Price"]);
    let first = &table.rows[0];
    assert_eq!(first.number, 2);
    assert_eq!(first.cells[0], Cell::Date(chrono::NaiveDate::from_ymd_opt(2024, 3, 6).unwrap()));
    assert_eq!(first.cells[4], Cell::Number(dec("12500.5")));

    let sales = parse_sales(&table).unwrap();
    assert!(sales.errors.is_empty(), "{:?}", sales.errors);
    let (row, sale) = &sales.rows[0];
    assert_eq!(*row, 2);
    // A SKU typed as a number arrives as its plain digits.
    assert_eq!(sale.sku, "8991002101");
    assert_eq!(sales.rows[1].1.quantity, dec("0.1"));
    // The float's shortest form, exactly: no rounding to a neighbour, no binary noise added.
    assert_eq!(sales.rows[1].1.unit_price, dec("0.30000000000000004"));
}

#[test]
fn header_below_empty_rows_and_gaps_inside_rows() {
    let bytes = xlsx(&[
        vec![],
        vec![],
        vec![X::S("sku"), X::Blank, X::S("name")],
        vec![X::S("A1"), X::Blank, X::S("Aqua")],
        vec![],
        vec![X::Blank, X::Blank, X::S("only name")],
    ]);
    let table = read_table(&bytes, Some(TableKind::Xlsx)).unwrap();
    assert_eq!(table.header_row, 3);
    assert_eq!(table.headers, vec!["sku", "", "name"]);
    assert_eq!(table.rows.len(), 2);
    assert_eq!(table.rows[0].number, 4);
    assert_eq!(table.rows[1].number, 6);
    assert_eq!(table.rows[1].cell(0), &Cell::Empty);
    assert_eq!(table.rows[1].cell(2), &Cell::Text("only name".into()));
}

#[test]
fn non_finite_numbers_never_become_values() {
    // rust_xlsxwriter refuses NaN/inf, so the sheet XML is written by hand here.
    let bytes = handmade_xlsx(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>qty</t></is></c></row>
           <row r="2"><c r="A2"><v>NaN</v></c></row>
           <row r="3"><c r="A3"><v>1e400</v></c></row>
           <row r="4"><c r="A4" t="e"><v>#N/A</v></c></row>
           <row r="5"><c r="A5"><v>7</v></c></row>"#,
        None,
    );
    let table = read_table(&bytes, Some(TableKind::Xlsx)).unwrap();
    let cells: Vec<&Cell> = table.rows.iter().map(|r| r.cell(0)).collect();
    for bad in &cells[..2] {
        assert!(matches!(bad, Cell::Invalid(CellProblem::NumberOutOfRange)) || matches!(bad, Cell::Text(_)), "{bad:?}");
    }
    assert_eq!(cells[2], &Cell::Invalid(CellProblem::SpreadsheetError("#N/A")));
    assert_eq!(cells[3], &Cell::Number(Decimal::from(7)));
}

#[test]
fn empty_workbook_and_header_only() {
    assert_eq!(read_table(&xlsx(&[]), None), Err(SheetError::Empty));
    assert_eq!(read_table(&xlsx(&[vec![X::S("sku"), X::S("name")]]), None), Err(SheetError::HeaderOnly));
}

#[test]
fn damaged_files_are_refused_cleanly() {
    let mut bytes = xlsx(&[vec![X::S("sku")], vec![X::S("A")]]);
    bytes.truncate(bytes.len() / 2);
    assert!(matches!(read_table(&bytes, Some(TableKind::Xlsx)), Err(SheetError::Unreadable { .. })));
    assert!(matches!(read_table(b"PK\x03\x04garbage", Some(TableKind::Xlsx)), Err(SheetError::Unreadable { .. })));
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_inflated() {
    // 40 MB of one repeated cell compresses to a few dozen KB.
    let row = r#"<row><c t="inlineStr"><is><t>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</t></is></c></row>"#;
    let rows = row.repeat(40 * 1024 * 1024 / row.len());
    let bytes = handmade_xlsx(&rows, None);
    assert!(bytes.len() < 1024 * 1024, "the test bomb should be small: {}", bytes.len());
    let limits = Limits { max_unzipped_bytes: 8 * 1024 * 1024, ..Limits::DEFAULT };
    assert!(matches!(read_table_with(&bytes, None, &limits), Err(SheetError::TooBig { .. })));
}

#[test]
fn shared_strings_claiming_a_huge_count_are_refused() {
    let sst = r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="999999999999999999"><si><t>qty</t></si></sst>"#;
    let bytes = handmade_xlsx(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#, Some(sst));
    assert!(matches!(read_table(&bytes, None), Err(SheetError::TooBig { .. })));
    // The same file with an honest count reads.
    let honest = sst.replace("999999999999999999", "1");
    let bytes = handmade_xlsx(
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>"#,
        Some(&honest),
    );
    assert_eq!(read_table(&bytes, None).unwrap().headers, vec!["qty"]);
}

/// A minimal workbook around `sheet_rows` (the inside of `<sheetData>`), optionally with shared strings.
fn handmade_xlsx(sheet_rows: &str, shared_strings: Option<&str>) -> Vec<u8> {
    const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut parts = vec![
        (
            "[Content_Types].xml".to_owned(),
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_owned(),
        ),
        (
            "_rels/.rels".to_owned(),
            format!(r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ),
        (
            "xl/workbook.xml".to_owned(),
            format!(r#"<?xml version="1.0"?><workbook xmlns="{NS}" xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels".to_owned(),
            format!(r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#),
        ),
        (
            "xl/worksheets/sheet1.xml".to_owned(),
            format!(r#"<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>{sheet_rows}</sheetData></worksheet>"#),
        ),
    ];
    if let Some(sst) = shared_strings {
        parts.push(("xl/sharedStrings.xml".to_owned(), sst.to_owned()));
    }
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}
