//! Written .xlsx files, read back with calamine.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_decimal::Decimal;
use sheets::{DraftLine, DraftOrder, Report, ReportRow, write_draft_order, write_sales_report};

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes)).unwrap()
}

const HOSTILE: [&str; 5] =
    ["=HYPERLINK(\"http://evil.example\",\"click\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "=1+1"];

fn order() -> DraftOrder {
    let line = |no: u32, text: &str, sku: Option<&str>, qty: Option<&str>, price: Option<&str>| DraftLine {
        line_no: no,
        text: text.to_owned(),
        sku: sku.map(str::to_owned),
        name: sku.map(|s| format!("{s} name")),
        quantity: qty.map(dec),
        unit: Some("dus".to_owned()),
        unit_price: price.map(dec),
        matched_by: Some(HOSTILE[3].to_owned()),
    };
    DraftOrder {
        customer_code: HOSTILE[0].to_owned(),
        customer_name: Some(HOSTILE[1].to_owned()),
        price_list: Some("GROSIR".to_owned()),
        currency: "IDR".to_owned(),
        lines: vec![
            line(1, "aqua 600ml 2 dus", Some("AQ-600"), Some("2"), Some("45000")),
            line(2, HOSTILE[2], Some("TB-250"), Some("3"), Some("12500.50")),
            line(3, "雪碧 330 一箱", Some("SP-330"), Some("1"), None),
            line(4, HOSTILE[4], None, Some("1"), None),
            line(5, "mahal", Some("GOLD"), Some("1"), Some("12345678901234567.89")),
        ],
    }
}

#[test]
fn user_text_never_becomes_a_formula() {
    let mut book = open(write_draft_order(&order()).unwrap());
    let formulas = book.worksheet_formula("Draft order").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula may be present");
    let values = book.worksheet_range("Draft order").unwrap();
    let strings: Vec<&str> = values
        .used_cells()
        .filter_map(|(_, _, v)| if let Data::String(s) = v { Some(s.as_str()) } else { None })
        .collect();
    for hostile in HOSTILE {
        assert!(strings.contains(&hostile), "{hostile} must be kept verbatim as text");
    }
    // Also at the XML level: no <f> element in any sheet.
    let mut zip = zip::ZipArchive::new(Cursor::new(write_draft_order(&order()).unwrap())).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut xml).unwrap();
    assert!(!xml.contains("<f>") && !xml.contains("<f "), "formula element found");
}

#[test]
fn draft_order_lines_amounts_total_and_flags() {
    let mut book = open(write_draft_order(&order()).unwrap());
    let range = book.worksheet_range("Draft order").unwrap();
    let at = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    assert_eq!(at(0, 0), Data::String("Draft order".into()));
    assert_eq!(at(4, 1), Data::String("IDR".into()));
    assert_eq!(at(6, 7), Data::String("Amount".into()));
    // Line 2: 3 × 12500.50, a real number cell.
    assert_eq!(at(8, 0), Data::Float(2.0));
    assert_eq!(at(8, 4), Data::Float(3.0));
    assert_eq!(at(8, 7), Data::Float(37501.5));
    // Unpriced and unmatched lines are flagged and have no amount.
    assert_eq!(at(9, 9), Data::String("UNPRICED".into()));
    assert_eq!(at(9, 7), Data::Empty);
    assert_eq!(at(10, 9), Data::String("NOT MATCHED".into()));
    assert_eq!(at(7, 9), Data::Empty);
    // A value a float cannot hold exactly is written as its exact text instead of rounded.
    assert_eq!(at(11, 6), Data::String("12345678901234567.89".into()));
    // Total = 90000 + 37501.50 + 12345678901234567.89, exactly, so again as text.
    assert_eq!(at(12, 6), Data::String("Total".into()));
    assert_eq!(at(12, 7), Data::String("12345678901362069.39".into()));
    assert!(matches!(at(12, 9), Data::String(s) if s.starts_with("2 line(s)")));
}

#[test]
fn draft_order_total_is_a_number_when_it_fits() {
    let mut small = order();
    small.lines.truncate(3);
    let mut book = open(write_draft_order(&small).unwrap());
    let range = book.worksheet_range("Draft order").unwrap();
    assert_eq!(range.get_value((10, 7)), Some(&Data::Float(127501.5)));
}

#[test]
fn sales_report_rows_and_totals() {
    let report = Report {
        title: "Sales by customer, March 2024".into(),
        group_label: "Customer".into(),
        rows: vec![
            ReportRow { key: "TK-01".into(), quantity: dec("12"), amount: dec("540000.10"), lines: 3 },
            ReportRow { key: "=cmd".into(), quantity: dec("0.5"), amount: dec("0.20"), lines: 1 },
        ],
    };
    let mut book = open(write_sales_report(&report).unwrap());
    assert!(book.worksheet_formula("Report").unwrap().used_cells().all(|(_, _, f)| f.is_empty()));
    let range = book.worksheet_range("Report").unwrap();
    let at = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    assert_eq!(at(2, 0), Data::String("Customer".into()));
    assert_eq!(at(3, 2), Data::Float(540000.1));
    assert_eq!(at(4, 0), Data::String("=cmd".into()));
    assert_eq!(at(5, 1), Data::Float(12.5));
    assert_eq!(at(5, 2), Data::Float(540000.3));
    assert_eq!(at(5, 3), Data::Float(4.0));
}
