//! Sales data for the API tests, generated here and loaded through the real import service into
//! the test server's SQLite file.

use std::str::FromStr as _;

use app::sales::ImportKind;
use domain::audit::Actor;
use rust_decimal::Decimal;

use crate::support::TestServer;

/// A few named products among generated filler, so search has something to rank against.
pub const PRODUCTS: [(&str, &str, &str, &str, &str, &str); 4] = [
    ("AQ-600", "Aqua Air Mineral 600ml", "dus", "aqua botol", "120", "main"),
    ("SP-330", "Sprite Kaleng 330ml", "krt", "雪碧", "50.5", "main"),
    ("IM-GRG", "Indomie Goreng", "dus", "indomie grg", "40", "gudang-2"),
    ("TB-250", "Teh Botol Sosro Kotak 250ml", "krt", "teh kotak", "0", "main"),
];

pub const FILLER_ITEMS: usize = 60;

/// (date, customer, sku, quantity, unit_price, salesperson)
pub const SALES: [(&str, &str, &str, &str, &str, &str); 5] = [
    ("2026-03-01", "C1", "AQ-600", "2", "3500.25", "budi"),
    ("2026-03-01", "C1", "SP-330", "1.5", "5000.10", "budi"),
    ("2026-03-02", "<script>", "AQ-600", "3", "3300", "sari"),
    ("2026-03-05", "C1", "AQ-600", "1", "3500.25", ""),
    ("2026-04-10", "C2", "IM-GRG", "7", "2750", "sari"),
];

pub fn catalog_csv() -> String {
    let mut csv = String::from("sku,name,unit,brand,aliases,stock,warehouse\n");
    for (sku, name, unit, alias, stock, warehouse) in PRODUCTS {
        csv.push_str(&format!("{sku},{name},{unit},,{alias},{stock},{warehouse}\n"));
    }
    for i in 0..FILLER_ITEMS {
        csv.push_str(&format!("FL-{i:03},Filler Produk {i} Kemasan {}g,pcs,Merek{},,{i},main\n", 100 + i, i % 7));
    }
    csv
}

pub fn customers_csv() -> String {
    "customer,price_list,name,salesperson\nC1,default,Toko Maju,budi\nC2,grosir,Toko Sumber,sari\n<script>,default,Evil,sari\n"
        .to_owned()
}

pub fn prices_csv() -> String {
    "price_list,sku,price,effective_from\n\
     default,AQ-600,3500,2026-01-01\n\
     default,AQ-600,3650.75,2099-01-01\n\
     default,SP-330,5000.50,2026-01-01\n\
     grosir,AQ-600,3300,2026-01-01\n"
        .to_owned()
}

pub fn sales_csv() -> String {
    let mut csv = String::from("date,customer,sku,quantity,unit_price,salesperson\n");
    for (date, customer, sku, quantity, price, salesperson) in SALES {
        csv.push_str(&format!("{date},{customer},{sku},{quantity},{price},{salesperson}\n"));
    }
    csv
}

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Loads every file, all or nothing each, as the CLI would.
pub async fn seed(server: &TestServer) {
    let actor = Actor::system("test");
    for (kind, csv) in [
        (ImportKind::Catalog, catalog_csv()),
        (ImportKind::Customers, customers_csv()),
        (ImportKind::Prices, prices_csv()),
        (ImportKind::Sales, sales_csv()),
    ] {
        let outcome =
            server.app.sales.import.import(kind, csv.as_bytes(), false, &actor, &mut |_| {}).await.expect("import");
        assert!(outcome.errors.is_empty(), "{kind:?}: {:?}", outcome.errors);
        assert!(outcome.imported > 0, "{kind:?}");
    }
}
