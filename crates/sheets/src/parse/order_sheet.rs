//! Customer order sheets: loosely made, in Indonesian, English or Chinese. A description column
//! and a quantity column are needed; the header may sit below a title block. Lines are kept even
//! when their quantity is missing or unreadable (the assistant can ask), with a row error for
//! the unreadable ones.

use rust_decimal::Decimal;

use crate::error::SheetError;
use crate::parse::Parsed;
use crate::parse::catalog::MAX_LABEL;
use crate::parse::columns::{Located, Spec, locate, matches};
use crate::parse::fields::{Fields, Sign};
use crate::read::{Row, Table};
use crate::text::normalize_header;
use crate::value::{Cell, parse_decimal};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderSheetLine {
    /// 1-based sheet row.
    pub row: usize,
    pub description: String,
    pub quantity: Option<Decimal>,
    pub unit: Option<String>,
    pub customer: Option<String>,
    pub note: Option<String>,
}

const SPECS: [Spec; 5] = [
    Spec {
        name: "description",
        aliases: &[
            "item",
            "items",
            "desc",
            "nama barang",
            "nama produk",
            "nama item",
            "barang",
            "produk",
            "product",
            "product name",
            "item name",
            "品名",
            "商品",
            "商品名称",
            "产品",
            "产品名称",
            "名称",
            "货品",
        ],
        required: true,
    },
    Spec {
        name: "quantity",
        aliases: &[
            "qty",
            "qty.",
            "quantity",
            "jumlah",
            "jml",
            "jml.",
            "banyaknya",
            "kuantitas",
            "数量",
            "数目",
            "件数",
        ],
        required: true,
    },
    Spec { name: "unit", aliases: &["satuan", "uom", "单位"], required: false },
    Spec { name: "customer", aliases: &["pelanggan", "toko", "客户", "顾客"], required: false },
    Spec {
        name: "note",
        aliases: &["notes", "keterangan", "catatan", "remark", "remarks", "备注", "说明"],
        required: false,
    },
];
const DESCRIPTION: usize = 0;
const QUANTITY: usize = 1;
const UNIT: usize = 2;
const CUSTOMER: usize = 3;
const NOTE: usize = 4;

const MAX_DESCRIPTION: usize = 500;
const MAX_NOTE: usize = 500;
/// How many rows below the first one the real header may be (after a title block).
const HEADER_SEARCH_ROWS: usize = 20;

pub fn parse_order_sheet(table: &Table) -> Result<Parsed<OrderSheetLine>, SheetError> {
    let (located, data) = match locate(&table.headers, &SPECS) {
        Ok(located) => (located, &table.rows[..]),
        Err(err) => match find_lower_header(table) {
            Some(found) => found,
            None => return Err(err),
        },
    };
    let mut parsed = Parsed::default();
    for row in data {
        parse_line(row, &located, &mut parsed);
    }
    Ok(parsed)
}

/// A header row among the first rows: the first that names both required columns.
fn find_lower_header(table: &Table) -> Option<(Located, &[Row])> {
    table.rows.iter().take(HEADER_SEARCH_ROWS).enumerate().find_map(|(i, row)| {
        let names: Vec<String> = row.cells.iter().map(|c| c.as_text().unwrap_or_default()).collect();
        let normalized: Vec<String> = names.iter().map(|n| normalize_header(n)).collect();
        let has = |spec: &Spec| normalized.iter().any(|n| matches(spec, n));
        if !(has(&SPECS[DESCRIPTION]) && has(&SPECS[QUANTITY])) {
            return None;
        }
        let located = locate(&names, &SPECS).ok()?;
        Some((located, table.rows.get(i + 1..).unwrap_or_default()))
    })
}

fn parse_line(row: &Row, located: &Located, parsed: &mut Parsed<OrderSheetLine>) {
    let mut f = Fields::new(row, located);
    let description = f.text(DESCRIPTION, MAX_DESCRIPTION, false);
    let mut unit = f.text(UNIT, MAX_LABEL, false);
    let quantity = match located.index[QUANTITY].map(|i| row.cell(i)) {
        // "2 dus" in the quantity column: the number, and the word as the unit if none is given.
        Some(Cell::Text(s)) if parse_decimal(s).is_err() => match split_quantity_unit(s) {
            Some((q, u)) => {
                unit = unit.or(Some(u));
                Some(q)
            }
            None => f.number(QUANTITY, Sign::Positive, false),
        },
        _ => f.number(QUANTITY, Sign::Positive, false),
    };
    let customer = f.text(CUSTOMER, MAX_LABEL, false);
    let note = f.text(NOTE, MAX_NOTE, false);
    let Some(description) = description else {
        // Totals, signatures and other rows without an item are not lines; say so only when the
        // row looks like one (it has a quantity).
        if quantity.is_some() {
            f.fail(DESCRIPTION, "a quantity without an item description");
            f.finish(None, parsed);
        }
        return;
    };
    f.finish_keeping(OrderSheetLine { row: row.number, description, quantity, unit, customer, note }, parsed);
}

/// "2 dus", "12.5kg", "40 pcs": a positive number followed by a short unit word.
fn split_quantity_unit(text: &str) -> Option<(Decimal, String)> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))?;
    let (number, word) = text.split_at(split);
    let word = word.trim();
    let word_ok = !word.is_empty() && word.chars().count() <= 16 && word.chars().all(char::is_alphabetic);
    let quantity = parse_decimal(number).ok().filter(|q| *q > Decimal::ZERO)?;
    word_ok.then(|| (quantity, word.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantity_with_unit_word_splits() {
        assert_eq!(split_quantity_unit("2 dus"), Some((Decimal::from(2), "dus".to_owned())));
        assert_eq!(split_quantity_unit("40pcs"), Some((Decimal::from(40), "pcs".to_owned())));
        assert_eq!(split_quantity_unit("3 箱"), Some((Decimal::from(3), "箱".to_owned())));
        for bad in ["dua dus", "2", "0 dus", "2 dus besar", "-2 dus", "1.000 pcs", "2 dus!"] {
            assert_eq!(split_quantity_unit(bad), None, "{bad}");
        }
    }
}
