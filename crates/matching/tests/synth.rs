//! The generator is deterministic and makes what the benchmark claims it makes.

use std::collections::HashSet;

use matching::synth::{self, LineKind};
use matching::{CatalogEntry, normalize};

#[test]
fn same_seed_same_data_other_seed_other_lines() {
    let a = synth::catalog(7, 2_000);
    let b = synth::catalog(7, 2_000);
    assert_eq!(synth::entries(&a), synth::entries(&b));
    assert_ne!(synth::entries(&a), synth::entries(&synth::catalog(8, 2_000)));
    let lines = synth::order_lines(&a, 1, 300);
    assert_eq!(lines, synth::order_lines(&b, 1, 300));
    assert_ne!(lines, synth::order_lines(&a, 2, 300));
}

#[test]
fn a_catalog_has_the_size_asked_for_unique_skus_names_and_valid_barcodes() {
    let entries: Vec<CatalogEntry> = synth::entries(&synth::catalog(synth::CATALOG_SEED, 20_000));
    assert_eq!(entries.len(), 20_000);
    let skus: HashSet<&str> = entries.iter().map(|e| e.sku.as_str()).collect();
    assert_eq!(skus.len(), entries.len());
    let names: HashSet<String> = entries.iter().map(|e| e.name.to_lowercase()).collect();
    assert_eq!(names.len(), entries.len(), "every item has its own name");
    for e in &entries {
        let code = e.barcode.as_deref().unwrap();
        let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
        assert_eq!(digits.len(), 13, "{code}");
        let sum: u32 = digits.iter().enumerate().map(|(i, d)| if i % 2 == 0 { *d } else { 3 * d }).sum();
        assert_eq!(sum % 10, 0, "EAN-13 check digit of {code}");
        assert_eq!(normalize::analyze(&e.name).sizes.len(), 1, "one size in {:?}", e.name);
    }
}

#[test]
fn the_catalog_is_full_of_near_duplicates_and_has_chinese_aliases() {
    let entries = synth::entries(&synth::catalog(synth::CATALOG_SEED, 20_000));
    let brands: HashSet<&str> = entries.iter().filter_map(|e| e.brand.as_deref()).collect();
    assert!(brands.len() >= 150, "{} brands", brands.len());
    for real in ["Indomie", "Aqua", "Teh Botol Sosro", "Sprite", "Coca-Cola", "Kapal Api", "ABC"] {
        assert!(brands.contains(real), "{real}");
    }
    // The same words in another size: the name without its size is shared by several items.
    let without_size: Vec<String> = entries.iter().map(|e| normalize::analyze(&e.name).words.join(" ")).collect();
    let distinct: HashSet<&String> = without_size.iter().collect();
    assert!(distinct.len() * 3 < entries.len() * 2, "{} distinct of {}", distinct.len(), entries.len());
    let with_alias = entries.iter().filter(|e| e.aliases.iter().any(|a| a.chars().any(normalize::cjk::is_cjk))).count();
    assert!(with_alias >= 200, "{with_alias} Chinese aliases");
}

#[test]
fn lines_come_in_every_kind_and_name_real_skus() {
    let items = synth::catalog(synth::CATALOG_SEED, 5_000);
    let skus: HashSet<String> = items.iter().map(|i| i.entry.sku.clone()).collect();
    let lines = synth::order_lines(&items, synth::TEST_SEED, 3_000);
    assert_eq!(lines.len(), 3_000);
    assert!(lines.iter().all(|l| skus.contains(&l.sku) && !l.text.trim().is_empty()));
    for kind in LineKind::ALL {
        let n = lines.iter().filter(|l| l.kind == kind).count();
        assert!(n >= 60, "{} lines of kind {}", n, kind.as_str());
    }
    let chinese = lines.iter().filter(|l| l.kind == LineKind::Chinese);
    assert!(chinese.clone().all(|l| l.text.chars().any(normalize::cjk::is_cjk)));
    // Quantities and packaging surround most lines, as in real orders.
    let with_quantity = lines.iter().filter(|l| matching::parse_order_line(&l.text).quantity.is_some()).count();
    assert!(with_quantity * 2 > lines.len(), "{with_quantity}");
}
