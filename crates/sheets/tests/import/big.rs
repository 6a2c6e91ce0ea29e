//! Large files in reasonable time (debug build): 200,000 rows of CSV; 50,000 rows of .xlsx,
//! because unoptimised zip and XML code makes 200,000 .xlsx rows cost about 45 s here (20 s to
//! write the file, 17 s to read it), too much for the test run.

use std::fmt::Write;
use std::time::{Duration, Instant};

use sheets::{TableKind, parse_sales, read_table};

const CSV_ROWS: usize = 200_000;
const XLSX_ROWS: usize = 50_000;
/// Generous for a shared, unoptimised build; a regression to quadratic work blows far past it.
const BUDGET: Duration = Duration::from_secs(30);

#[test]
fn csv_with_200k_rows() {
    let mut text = String::from("date,customer,sku,quantity,unit_price\n");
    for i in 0..CSV_ROWS {
        writeln!(text, "2024-03-{:02},TK-{},SKU-{},{},{}.50", i % 28 + 1, i % 97, i % 5000, i % 50 + 1, 1000 + i)
            .unwrap();
    }
    let start = Instant::now();
    let table = read_table(text.as_bytes(), Some(TableKind::Csv)).unwrap();
    let sales = parse_sales(&table).unwrap();
    let took = start.elapsed();
    assert_eq!(sales.rows.len(), CSV_ROWS);
    assert!(sales.errors.is_empty());
    assert_eq!(sales.rows[CSV_ROWS - 1].0, CSV_ROWS + 1);
    assert!(took < BUDGET, "took {took:?}");
}

#[test]
fn xlsx_with_50k_rows() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, h) in ["date", "customer", "sku", "quantity", "unit_price"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..XLSX_ROWS {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, format!("2024-03-{:02}", i % 28 + 1)).unwrap();
        sheet.write_string(r, 1, format!("TK-{}", i % 97)).unwrap();
        sheet.write_string(r, 2, format!("SKU-{}", i % 5000)).unwrap();
        sheet.write_number(r, 3, (i % 50 + 1) as f64).unwrap();
        sheet.write_number(r, 4, 1000.5 + i as f64).unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let start = Instant::now();
    let table = read_table(&bytes, None).unwrap();
    let sales = parse_sales(&table).unwrap();
    let took = start.elapsed();
    assert_eq!(sales.rows.len(), XLSX_ROWS);
    assert!(sales.errors.is_empty(), "{:?}", &sales.errors[..3.min(sales.errors.len())]);
    assert_eq!(
        sales.rows[XLSX_ROWS - 1].1.unit_price,
        rust_decimal::Decimal::new(10005, 1) + rust_decimal::Decimal::from(XLSX_ROWS - 1)
    );
    assert!(took < BUDGET, "took {took:?}");
}
