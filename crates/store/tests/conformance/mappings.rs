//! Mapping stories: stored under the normalised wording, unique per customer, replace and delete
//! audited.

use std::sync::Arc;

use chrono::Utc;
use domain::ErrorCode;
use domain::sales::{MappingSource, NewMapping};
use store::{AuditQuery, Store};

use super::fixtures::{actor, customer, item};

fn new(customer: &str, wording: &str, sku: &str, source: MappingSource) -> NewMapping {
    NewMapping { customer: customer.into(), wording: wording.into(), sku: sku.into(), source }
}

pub async fn mappings_are_unique_per_customer_and_normalised_wording(store: Arc<dyn Store>) {
    store.import_items(&[item("A"), item("B")], &actor(), Utc::now()).await.unwrap();
    store.import_customers(&[customer("C1", None), customer("C2", None)], &actor(), Utc::now()).await.unwrap();

    let manual = new("C1", "  AQUA  600ml ", "A", MappingSource::Manual);
    let first = store.upsert_mapping(&manual, &actor(), Utc::now()).await.unwrap();
    assert_eq!((first.wording.as_str(), first.sku.as_str()), ("aqua 600ml", "A"));
    assert_eq!(store.mapping("C1", "Aqua\u{3000}６００ML").await.unwrap().unwrap().sku, "A", "looked up normalised");
    assert!(store.mapping("C2", "aqua 600ml").await.unwrap().is_none(), "per customer");

    // The same wording again replaces the SKU: still one mapping, the change audited.
    let replaced = store
        .upsert_mapping(&new("C1", "aqua 600ML", "B", MappingSource::Learned), &actor(), Utc::now())
        .await
        .unwrap();
    assert_eq!((replaced.sku.as_str(), replaced.source), ("B", MappingSource::Learned));
    assert_eq!(replaced.created_at.timestamp_millis(), first.created_at.timestamp_millis());
    assert_eq!(store.list_mappings("C1", None, 10).await.unwrap().len(), 1);
    let query = AuditQuery { action: Some("mapping.".into()), limit: 10, ..Default::default() };
    let log = store.list_audit(&query).await.unwrap();
    assert_eq!(log[0].target, "mapping:C1/aqua 600ml");
    assert_eq!(
        (log[0].old_value().unwrap()["sku"].clone(), log[0].new_value().unwrap()["sku"].clone()),
        ("A".into(), "B".into())
    );

    for (bad, code) in [
        (new("C9", "x", "A", MappingSource::Manual), ErrorCode::NotFound),
        (new("C1", "x", "ZZ", MappingSource::Manual), ErrorCode::NotFound),
        (new("C1", " \t ", "A", MappingSource::Manual), ErrorCode::Validation),
    ] {
        assert_eq!(store.upsert_mapping(&bad, &actor(), Utc::now()).await.unwrap_err().code(), code);
    }

    // Many hands creating the same mapping at once still leave one.
    let racers = (0..6).map(|i| {
        let store = store.clone();
        let sku = if i % 2 == 0 { "A" } else { "B" };
        tokio::spawn(async move {
            store.upsert_mapping(&new("C2", "indomie goreng", sku, MappingSource::Learned), &actor(), Utc::now()).await
        })
    });
    for racer in racers.collect::<Vec<_>>() {
        racer.await.unwrap().unwrap();
    }
    assert_eq!(store.list_mappings("C2", None, 10).await.unwrap().len(), 1);

    for w in ["b", "c", "d"] {
        store.upsert_mapping(&new("C1", w, "A", MappingSource::Manual), &actor(), Utc::now()).await.unwrap();
    }
    let page: Vec<_> = store.list_mappings("C1", Some("b"), 2).await.unwrap().into_iter().map(|m| m.wording).collect();
    assert_eq!(page, ["c", "d"], "in wording order after the cursor");

    assert!(store.delete_mapping("C1", "AQUA 600ML", &actor(), Utc::now()).await.unwrap());
    assert!(!store.delete_mapping("C1", "aqua 600ml", &actor(), Utc::now()).await.unwrap());
    assert!(store.mapping("C1", "aqua 600ml").await.unwrap().is_none());
    let log = store.list_audit(&query).await.unwrap();
    assert_eq!(log[0].action, "mapping.delete");
    assert_eq!(log[0].new, None);
    assert_eq!(log.iter().filter(|e| e.action == "mapping.delete").count(), 1, "a delete of nothing is not audited");
}
