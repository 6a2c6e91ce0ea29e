//! Item vector stories: kept per (SKU, model), replaced by key, exact bytes back, bad input refused.

use std::sync::Arc;

use chrono::Utc;
use domain::ErrorCode;
use store::{ItemVector, MAX_VECTOR_DIMS, Store};

use super::fixtures::{actor, item};

fn vector(sku: &str, model: &str, hash: u8, values: &[f32]) -> ItemVector {
    ItemVector { sku: sku.into(), model: model.into(), text_hash: vec![hash; 32], vector: values.to_vec() }
}

fn skus(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn sorted(mut found: Vec<ItemVector>) -> Vec<ItemVector> {
    found.sort_by(|a, b| a.sku.cmp(&b.sku));
    found
}

pub async fn item_vectors_are_kept_per_model_and_replaced_by_key(store: Arc<dyn Store>) {
    store.import_items(&[item("A"), item("B"), item("C")], &actor(), Utc::now()).await.unwrap();
    assert!(store.item_vectors("m1", &skus(&["A", "B"])).await.unwrap().is_empty(), "none until stored");

    // Values that only survive as exact bits: tiny, negative, and one dimension at the maximum.
    let precise = [1.0e-38, -0.333_333_34, 123_456.79, 0.0];
    let wide: Vec<f32> = (0..MAX_VECTOR_DIMS).map(|i| i as f32 / 7.0).collect();
    let batch = [vector("A", "m1", 1, &precise), vector("B", "m1", 2, &wide), vector("A", "m2", 3, &[9.0, 8.0])];
    store.upsert_item_vectors(&batch, Utc::now()).await.unwrap();
    let found = sorted(store.item_vectors("m1", &skus(&["A", "B", "C", "ZZ"])).await.unwrap());
    assert_eq!(found, [batch[0].clone(), batch[1].clone()], "exact bytes back, only this model's, only stored ones");
    assert_eq!(store.item_vectors("m2", &skus(&["A"])).await.unwrap(), [batch[2].clone()]);
    assert!(store.item_vectors("m1", &[]).await.unwrap().is_empty());

    // A re-embedded text replaces the row of its (SKU, model) and leaves the other model's alone;
    // for a key given twice in one batch, the last wins.
    let again = [vector("A", "m1", 4, &[0.5]), vector("C", "m1", 5, &[0.25]), vector("A", "m1", 6, &[0.75])];
    store.upsert_item_vectors(&again, Utc::now()).await.unwrap();
    let found = sorted(store.item_vectors("m1", &skus(&["A", "B", "C"])).await.unwrap());
    assert_eq!(found.len(), 3);
    assert_eq!((found[0].text_hash[0], found[0].vector.clone()), (6, vec![0.75]));
    assert_eq!(found[1], batch[1], "untouched");
    assert_eq!(found[2].vector, [0.25]);
    assert_eq!(store.item_vectors("m2", &skus(&["A"])).await.unwrap()[0].vector, [9.0, 8.0]);
    store.upsert_item_vectors(&[], Utc::now()).await.unwrap();

    // Many SKUs in one read (more than one statement's worth on SQLite).
    let many: Vec<_> = (0..1_100).map(|i| item(&format!("V{i:04}"))).collect();
    store.import_items(&many, &actor(), Utc::now()).await.unwrap();
    let vectors: Vec<_> = many.iter().map(|it| vector(&it.sku, "m1", 7, &[1.0, 2.0])).collect();
    store.upsert_item_vectors(&vectors, Utc::now()).await.unwrap();
    let wanted: Vec<String> = many.iter().map(|it| it.sku.clone()).collect();
    assert_eq!(store.item_vectors("m1", &wanted).await.unwrap().len(), 1_100);
}

pub async fn bad_item_vectors_are_refused_and_write_nothing(store: Arc<dyn Store>) {
    store.import_items(&[item("A")], &actor(), Utc::now()).await.unwrap();
    let good = vector("A", "m", 1, &[1.0]);
    for bad in [
        vector("A", "m", 1, &[f32::NAN]),
        vector("A", "m", 1, &[f32::INFINITY]),
        vector("A", "m", 1, &[]),
        vector("A", "m", 1, &vec![0.5; MAX_VECTOR_DIMS + 1]),
        vector("A", "", 1, &[1.0]),
    ] {
        let err = store.upsert_item_vectors(&[good.clone(), bad], Utc::now()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Validation, "{}", err.detail());
    }
    // A SKU outside the catalog fails the whole batch, the good row with it.
    let err = store.upsert_item_vectors(&[good.clone(), vector("NOPE", "m", 1, &[1.0])], Utc::now()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert!(store.item_vectors("m", &skus(&["A", "NOPE"])).await.unwrap().is_empty(), "nothing was written");
}
