//! Whatever the bytes, reading and parsing end in a value or an error, never a panic.

use proptest::prelude::*;
use sheets::{Table, TableKind, read_table};

use super::support::{X, xlsx};

fn parse_all(table: &Table) {
    let _ = sheets::parse_catalog(table);
    let _ = sheets::parse_prices(table);
    let _ = sheets::parse_customers(table);
    let _ = sheets::parse_sales(table);
    let _ = sheets::parse_order_sheet(table);
}

fn read_and_parse(bytes: &[u8], kind: Option<TableKind>) {
    if let Ok(table) = read_table(bytes, kind) {
        parse_all(&table);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_as_every_kind(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for kind in [None, Some(TableKind::Csv), Some(TableKind::Xlsx), Some(TableKind::Xls)] {
            read_and_parse(&bytes, kind);
        }
    }

    #[test]
    fn arbitrary_csv_text(text in "[a-z_ ;,\"\\n0-9.\\-|品名数量]{0,400}") {
        let header = "sku,name,unit,price_list,price,date,customer,quantity,unit_price,currency,stock,aliases,qty,item\n";
        read_and_parse(format!("{header}{text}").as_bytes(), Some(TableKind::Csv));
        read_and_parse(text.as_bytes(), None);
    }

    #[test]
    fn corrupted_xlsx(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut bytes = xlsx(&[vec![X::S("sku"), X::S("name"), X::S("unit")], vec![X::S("A"), X::N(1.5), X::S("dus")]]);
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        read_and_parse(&bytes, None);
    }
}
