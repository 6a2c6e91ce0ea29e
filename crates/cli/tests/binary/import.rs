//! `agent-team import` on generated files: summaries, per-row errors, all or nothing, --partial.

use std::path::Path;

use crate::support::{run, stderr, stdout};

fn catalog(rows: usize) -> String {
    let mut csv = String::from("sku,name,unit,brand,stock,warehouse\n");
    for i in 0..rows {
        csv.push_str(&format!("SKU-{i:04},Produk Uji {i} 250ml,dus,Merek{},{},main\n", i % 5, i * 2));
    }
    csv
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

/// How many items the catalog in the command's SQLite file holds.
async fn count_items(dir: &Path) -> u64 {
    use store::Catalog as _;
    let store = store::SqliteStore::open(&dir.join("data/agent-team.db")).await.unwrap();
    store.count_items().await.unwrap()
}

#[tokio::test]
async fn a_generated_catalog_imports_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "catalog.csv", catalog(250).as_bytes());
    let out = run(dir.path(), &[], &["import", "catalog", &file], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stdout(&out);
    assert!(summary.contains("imported 250 catalog row(s)"), "{summary}");
    assert!(summary.contains("250 stock level(s)"), "{summary}");
    assert!(!stderr(&out).contains("row "), "no row errors: {}", stderr(&out));
    assert_eq!(count_items(dir.path()).await, 250);
}

#[tokio::test]
async fn a_bad_file_writes_nothing_and_names_each_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let wrong = write(dir.path(), "wrong.csv", b"code,title\nA,B\n");
    let out = run(dir.path(), &[], &["import", "catalog", &wrong], None);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("missing required column(s): sku, name, unit"), "{}", stderr(&out));

    // Row 3 of the sheet (the second data row) has a bad number; row 5 has no name.
    let mut csv = catalog(5);
    csv = csv.replacen(",2,main", ",two,main", 1);
    csv = csv.replacen("Produk Uji 3 250ml", "", 1);
    let bad = write(dir.path(), "bad.csv", csv.as_bytes());
    let out = run(dir.path(), &[], &["import", "catalog", &bad], None);
    assert!(!out.status.success(), "{}", stdout(&out));
    let errors = stderr(&out);
    assert!(errors.contains("row 3, column stock:"), "{errors}");
    assert!(errors.contains("row 5, column name:"), "{errors}");
    assert!(stdout(&out).contains("nothing imported"), "{}", stdout(&out));
    assert_eq!(count_items(dir.path()).await, 0, "all or nothing");

    let out = run(dir.path(), &[], &["import", "catalog", &bad, "--partial"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("imported 3 catalog row(s)"), "{}", stdout(&out));
    assert!(stderr(&out).contains("row 3, column stock:"), "the skipped rows are still listed");
    assert_eq!(count_items(dir.path()).await, 3);
}

#[tokio::test]
async fn a_csv_that_is_not_utf8_is_refused_with_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"sku,name,unit\nA-1,Kopi,dus\nA-2,Caf".to_vec();
    bytes.extend_from_slice(&[0xE9, b',', b'd', b'u', b's', b'\n']);
    let file = write(dir.path(), "latin1.csv", &bytes);
    let out = run(dir.path(), &[], &["import", "catalog", &file], None);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not UTF-8"), "{}", stderr(&out));
    assert_eq!(count_items(dir.path()).await, 0);
}

#[tokio::test]
async fn references_are_checked_per_row() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "catalog.csv", catalog(3).as_bytes());
    assert!(run(dir.path(), &[], &["import", "catalog", &file], None).status.success());
    let prices = write(
        dir.path(),
        "prices.csv",
        b"price_list,sku,price,currency\ndefault,SKU-0000,3500,IDR\ndefault,NOPE,1,IDR\ndefault,SKU-0001,2,USD\n",
    );
    let out = run(dir.path(), &[], &["import", "prices", &prices], None);
    assert!(!out.status.success());
    let errors = stderr(&out);
    assert!(errors.contains("row 3, column sku: no such item"), "{errors}");
    assert!(errors.contains("row 4, column currency:"), "{errors}");
    let out = run(dir.path(), &[], &["import", "prices", &prices, "--partial"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("imported 1 prices row(s)"), "{}", stdout(&out));
}
