use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

fn check(line: &str, description: &str, quantity: Option<u32>, unit: Option<&str>) {
    let got = parse_order_line(line);
    let want = OrderLine {
        description: description.to_owned(),
        quantity: quantity.map(Decimal::from),
        unit: unit.map(str::to_owned),
    };
    assert_eq!(got, want, "{line:?}");
}

#[test]
fn the_issue_examples() {
    check("aqua 600ml 2 dus", "aqua 600ml", Some(2), Some("dus"));
    check("Teh botol kotak 250 x3 krt", "teh botol kotak 250", Some(3), Some("krt"));
    check("雪碧 330 一箱", "雪碧 330", Some(1), Some("箱"));
    check("indomie grg 40", "indomie grg", Some(40), None);
    check("2 ctn aqua 1500ml", "aqua 1500ml", Some(2), Some("ctn"));
    check("aqua 600ml @2", "aqua 600ml", Some(2), None);
}

#[test]
fn sizes_are_never_quantities() {
    check("aqua 600ml", "aqua 600ml", None, None);
    check("aqua 600 ml", "aqua 600 ml", None, None);
    check("aqua 1,5 ltr 3 dus", "aqua 1,5 ltr", Some(3), Some("dus"));
    check("gula 1 kg", "gula 1 kg", None, None);
    check("雪碧 330毫升 2箱", "雪碧 330毫升", Some(2), Some("箱"));
    check("teh kotak 250", "teh kotak 250", None, None);
}

#[test]
fn markers_and_glued_forms() {
    check("aqua 600ml x 3", "aqua 600ml", Some(3), None);
    check("aqua 600ml 3x", "aqua 600ml", Some(3), None);
    check("aqua 600ml *4 ctn", "aqua 600ml", Some(4), Some("ctn"));
    check("aqua 600ml 2dus", "aqua 600ml", Some(2), Some("dus"));
    check("aqua 600ml ×2", "aqua 600ml", Some(2), None);
}

#[test]
fn a_multipack_size_is_not_a_quantity_marker() {
    check("ultra milk 6x200ml 2 pak", "ultra milk 6x200ml", Some(2), Some("pak"));
}

#[test]
fn chinese_numerals_and_measure_words() {
    check("可口可乐 两箱", "可口可乐", Some(2), Some("箱"));
    check("雪碧十二瓶", "雪碧", Some(12), Some("瓶"));
    check("雪碧 3箱", "雪碧", Some(3), Some("箱"));
    check("雪碧 3 箱", "雪碧", Some(3), Some("箱"));
    // A numeral inside a brand with no measure word after it is not a quantity.
    check("统一 冰红茶", "统一 冰红茶", None, None);
}

#[test]
fn leading_and_trailing_bare_numbers() {
    check("2 aqua 600ml", "aqua 600ml", Some(2), None);
    check("indomie goreng 5", "indomie goreng", Some(5), None);
    check("aqua 600", "aqua 600", None, None);
}

#[test]
fn a_packaging_word_without_a_quantity_is_still_the_unit() {
    check("aqua 600ml dus", "aqua 600ml", None, Some("dus"));
    // ... but not one that belongs to names.
    check("sosro teh botol", "sosro teh botol", None, None);
    check("teh botol sosro 450ml", "teh botol sosro 450ml", None, None);
}

#[test]
fn barcodes_and_huge_numbers_are_not_quantities() {
    check("8992761111113", "8992761111113", None, None);
    check("aqua 99999999 dus", "aqua 99999999", None, Some("dus"));
}

#[test]
fn punctuation_and_empty_input() {
    check("aqua 600ml, 2 dus", "aqua 600ml", Some(2), Some("dus"));
    check("", "", None, None);
    check("  2 dus ", "", Some(2), Some("dus"));
}

#[test]
fn decimal_quantities_are_exact() {
    let got = parse_order_line("beras 5kg 1,5 sak");
    assert_eq!(got.quantity, Some("1.5".parse().unwrap()));
    assert_eq!(got.unit.as_deref(), Some("sak"));
}

proptest! {
    #[test]
    fn never_panics_and_description_is_bounded(s in "\\PC{0,300}") {
        let line = parse_order_line(&s);
        prop_assert!(line.description.chars().count() <= crate::normalize::fold::MAX_INPUT_CHARS * 3);
        if let Some(q) = line.quantity {
            prop_assert!(q > Decimal::ZERO);
        }
    }

    #[test]
    fn never_panics_on_order_like_input(
        words in proptest::collection::vec("[a-z]{1,8}|[0-9]{1,5}([.,][0-9]{1,2})?|x|@|ml|dus|一|两|箱|十|雪碧", 0..12)
    ) {
        let line = parse_order_line(&words.join(" "));
        let glued = parse_order_line(&words.concat());
        prop_assert!(line.description.len() <= words.join(" ").len() * 3);
        prop_assert!(glued.description.len() <= words.concat().len() * 3);
    }
}
