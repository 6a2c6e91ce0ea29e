use rust_decimal::Decimal;
use sheets::{SheetError, parse_catalog, parse_customers, parse_order_sheet, parse_prices, parse_sales};

use super::support::{X, csv, xlsx};

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// (row, column, message) of every error, for compact assertions.
fn errors(list: &[sheets::RowError]) -> Vec<(usize, Option<&str>, &str)> {
    list.iter().map(|e| (e.row, e.column.as_deref(), e.message.as_str())).collect()
}

#[test]
fn catalog_reads_every_column_and_reports_bad_rows() {
    let table = csv(concat!(
        " SKU ,Name,UNIT,Brand,Category,Barcode,Aliases,Stock,Warehouse\n",
        "AQ-600,Aqua 600ml,dus,Aqua,Air,8886008101053,aqua tanggung | aqua 600,12.5,Gudang A\n",
        "IM-GRG,Indomie Goreng,dus,,,,,,\n",
        "aq-600,Aqua again,dus,,,,,,\n",
        ",No sku,pcs,,,,,-3,\n",
        "TB-250,Teh Botol,krt,,,,,12.500,\n",
    ));
    let parsed = parse_catalog(&table).unwrap();
    let skus: Vec<(usize, &str)> = parsed.rows.iter().map(|(r, c)| (*r, c.sku.as_str())).collect();
    assert_eq!(skus, vec![(2, "AQ-600"), (3, "IM-GRG")]);
    let aqua = &parsed.rows[0].1;
    assert_eq!(aqua.aliases, vec!["aqua tanggung", "aqua 600"]);
    assert_eq!(aqua.stock, Some(dec("12.5")));
    assert_eq!(aqua.warehouse.as_deref(), Some("Gudang A"));
    assert_eq!(parsed.rows[1].1.brand, None);
    let errs = errors(&parsed.errors);
    assert_eq!(errs[0], (4, Some("SKU"), "duplicate SKU; it first appears in row 2"));
    assert_eq!(errs[1], (5, Some("SKU"), "a value is required"));
    assert_eq!(errs[2], (5, Some("Stock"), "must not be negative"));
    assert_eq!(errs[3].0, 6);
    assert!(errs[3].2.contains("ambiguous"), "{}", errs[3].2);
    assert_eq!(errs.len(), 4);
}

#[test]
fn missing_columns_are_a_file_error_naming_them_and_the_found_ones() {
    let err = parse_catalog(&csv("sku,nama,satuan\nA,b,c\n")).unwrap_err();
    assert_eq!(
        err,
        SheetError::MissingColumns {
            missing: vec!["name".into(), "unit".into()],
            found: vec!["sku".into(), "nama".into(), "satuan".into()]
        }
    );
    assert!(matches!(parse_prices(&csv("sku,price\nA,1\n")), Err(SheetError::MissingColumns { .. })));
    assert!(matches!(parse_customers(&csv("customer\nA\n")), Err(SheetError::MissingColumns { .. })));
    assert!(matches!(parse_sales(&csv("date,sku\nA,1\n")), Err(SheetError::MissingColumns { .. })));
    assert!(matches!(parse_order_sheet(&csv("foo,bar\nA,1\n")), Err(SheetError::MissingColumns { .. })));
}

#[test]
fn prices_default_the_currency_and_check_numbers_and_dates() {
    let table = csv(concat!(
        "price_list;sku;price;currency;effective_from\n",
        "GROSIR;AQ-600;45000;;2024-03-01\n",
        "GROSIR;IM-GRG;112,500.50;usd;\n",
        "GROSIR;X;12.500,50;;\n",
        "GROSIR;Y;-1;;01/03/2024\n",
        "GROSIR;Z;abc;rupiah;\n",
    ));
    let parsed = parse_prices(&table).unwrap();
    assert_eq!(parsed.rows.len(), 2);
    let first = &parsed.rows[0].1;
    assert_eq!((first.price, first.currency.as_str()), (dec("45000"), "IDR"));
    assert_eq!(first.effective_from, chrono::NaiveDate::from_ymd_opt(2024, 3, 1));
    assert_eq!((parsed.rows[1].1.price, parsed.rows[1].1.currency.as_str()), (dec("112500.50"), "USD"));
    let errs = errors(&parsed.errors);
    assert_eq!(
        errs.iter().map(|e| (e.0, e.1.unwrap())).collect::<Vec<_>>(),
        vec![(4, "price"), (5, "price"), (5, "effective_from"), (6, "price"), (6, "currency")]
    );
    assert!(errs[0].2.contains("12.500,50") && errs[0].2.contains("'.' for decimals"), "{}", errs[0].2);
    assert!(errs[2].2.contains("YYYY-MM-DD"), "{}", errs[2].2);
}

#[test]
fn customers_and_sales() {
    let customers = parse_customers(&csv("Customer,Price_List,Name\nTK-01,GROSIR,Toko Makmur\nTK-02,,\n")).unwrap();
    assert_eq!(customers.rows.len(), 1);
    assert_eq!(customers.rows[0].1.name.as_deref(), Some("Toko Makmur"));
    assert_eq!(errors(&customers.errors), vec![(3, Some("Price_List"), "a value is required")]);

    let sales = parse_sales(&csv(concat!(
        "date,customer,sku,quantity,unit_price,salesperson,invoice\n",
        "2024-03-01,TK-01,AQ-600,2,45000,budi,INV-1\n",
        "2024-03-01,TK-01,AQ-600,0,45000,,\n",
        "2024-02-30,TK-01,AQ-600,1,1,,\n",
    )))
    .unwrap();
    assert_eq!(sales.rows.len(), 1);
    assert_eq!(sales.rows[0].1.salesperson.as_deref(), Some("budi"));
    assert_eq!(errors(&sales.errors)[0], (3, Some("quantity"), "must be greater than zero"));
    assert_eq!(errors(&sales.errors)[1].0, 4);
}

#[test]
fn over_long_values_and_hostile_cells_are_reported_without_being_echoed() {
    let long_name = "n".repeat(301);
    let hostile = format!("<script>{}", "A".repeat(10_000));
    let table = csv(&format!("sku,name,unit,stock\nA,{long_name},dus,\nB,ok,dus,{hostile}\n"));
    let parsed = parse_catalog(&table).unwrap();
    assert!(parsed.rows.is_empty());
    assert_eq!(errors(&parsed.errors)[0], (2, Some("name"), "is too long (301 characters, at most 300)"));
    let msg = &parsed.errors[1].message;
    assert!(msg.len() < 200, "the message quotes only a prefix: {msg}");
    assert!(msg.starts_with("\"<script>AAAA"), "{msg}");
}

#[test]
fn order_sheets_in_three_languages_with_missing_quantities() {
    let table = csv(concat!(
        "Nama Barang,Jumlah,Satuan,Keterangan\n",
        "aqua 600ml,2,dus,\n",
        "indomie grg,,,minta yang baru\n",
        "teh botol kotak 250,3 krt,,\n",
        "sprite,dua,dus,\n",
        ",,,\n",
        "TOTAL,5,,\n",
    ));
    let parsed = parse_order_sheet(&table).unwrap();
    let lines: Vec<(usize, &str, Option<Decimal>, Option<&str>)> =
        parsed.rows.iter().map(|(_, l)| (l.row, l.description.as_str(), l.quantity, l.unit.as_deref())).collect();
    assert_eq!(
        lines,
        vec![
            (2, "aqua 600ml", Some(dec("2")), Some("dus")),
            (3, "indomie grg", None, None),
            (4, "teh botol kotak 250", Some(dec("3")), Some("krt")),
            (5, "sprite", None, Some("dus")),
            (7, "TOTAL", Some(dec("5")), None),
        ]
    );
    assert_eq!(parsed.rows[1].1.note.as_deref(), Some("minta yang baru"));
    // Only the unreadable quantity is an error; a missing one is not.
    assert_eq!(errors(&parsed.errors), vec![(5, Some("Jumlah"), "\"dua\" is not a number")]);

    let chinese = parse_order_sheet(&csv("品名,数量,单位\n雪碧 330,1,箱\n")).unwrap();
    assert_eq!(chinese.rows[0].1.description, "雪碧 330");
    assert_eq!(chinese.rows[0].1.unit.as_deref(), Some("箱"));
    let english = parse_order_sheet(&csv("Item,QTY,Customer\nAqua,4,Toko Makmur\n")).unwrap();
    assert_eq!(english.rows[0].1.customer.as_deref(), Some("Toko Makmur"));
}

#[test]
fn order_sheet_header_may_sit_under_a_title_block() {
    let bytes = xlsx(&[
        vec![X::S("PESANAN TOKO MAKMUR")],
        vec![X::S("Tanggal"), X::S("2024-03-06")],
        vec![],
        vec![X::S("No"), X::S("Description"), X::S("Qty"), X::S("Unit")],
        vec![X::N(1.0), X::S("aqua 600ml"), X::N(2.0), X::S("dus")],
        vec![X::N(2.0), X::S("雪碧 330"), X::N(1.0), X::S("箱")],
    ]);
    let table = sheets::read_table(&bytes, None).unwrap();
    let parsed = parse_order_sheet(&table).unwrap();
    let rows: Vec<(usize, &str)> = parsed.rows.iter().map(|(r, l)| (*r, l.description.as_str())).collect();
    assert_eq!(rows, vec![(5, "aqua 600ml"), (6, "雪碧 330")]);
    assert!(parsed.errors.is_empty());
}
