//! Out-of-stock requests with an idempotency key: a replay (a Work run resumed after a crash)
//! changes nothing and gets the registration as it is now, also when replays race each other.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use domain::ErrorCode;
use domain::sales::{NewOos, Oos, OosStatus};
use rust_decimal::Decimal;
use store::{AuditQuery, Store};
use uuid::Uuid;

use super::fixtures::{actor, customer, date, dec, item};

fn keyed(key: Option<&str>, sku: &str, day: NaiveDate, quantity: &str) -> NewOos {
    NewOos {
        id: Uuid::now_v7(),
        customer: "C1".into(),
        sku: sku.into(),
        day,
        quantity: dec(quantity),
        note: None,
        idempotency_key: key.map(Into::into),
    }
}

async fn create(store: &Arc<dyn Store>, request: NewOos) -> Oos {
    store.create_oos(&request, &actor(), Utc::now()).await.unwrap()
}

async fn creates_audited(store: &Arc<dyn Store>) -> usize {
    let query = AuditQuery { action: Some("oos.create".into()), limit: 1_000, ..Default::default() };
    store.list_audit(&query).await.unwrap().len()
}

pub async fn a_keyed_out_of_stock_request_is_applied_once(store: Arc<dyn Store>) {
    store.import_items(&[item("A"), item("B"), item("C")], &actor(), Utc::now()).await.unwrap();
    store.import_customers(&[customer("C1", None)], &actor(), Utc::now()).await.unwrap();
    let d1 = date(2026, 4, 1);

    let first = create(&store, keyed(Some("run:1/line:3"), "A", d1, "2")).await;
    assert_eq!(first.quantity, dec("2"));
    // The replay carries another quantity on purpose: nothing of it may be applied.
    let replay = create(&store, keyed(Some("run:1/line:3"), "A", d1, "7")).await;
    assert_eq!((replay.id, replay.quantity), (first.id, dec("2")), "the same key adds nothing");
    assert_eq!(creates_audited(&store).await, 1, "and audits nothing");

    // Without a key every request counts; with another key it counts too.
    assert_eq!(create(&store, keyed(None, "A", d1, "1")).await.quantity, dec("3"));
    assert_eq!(create(&store, keyed(None, "A", d1, "1")).await.quantity, dec("4"));
    assert_eq!(create(&store, keyed(Some("run:1/line:4"), "A", d1, "0.5")).await.quantity, dec("4.5"));
    let again = create(&store, keyed(Some("run:1/line:3"), "A", d1, "2")).await;
    assert_eq!((again.id, again.quantity), (first.id, dec("4.5")), "a replay sees the registration as it is now");
    assert_eq!(creates_audited(&store).await, 4);

    // A replay after the registration was resolved does not open a new one.
    store.resolve_oos(first.id, Some("restocked"), &actor(), Utc::now()).await.unwrap();
    let late = create(&store, keyed(Some("run:1/line:4"), "A", d1, "0.5")).await;
    assert_eq!((late.id, late.status), (first.id, OosStatus::Resolved));
    let open = store::OosQuery { status: Some(OosStatus::Open), limit: 50, ..Default::default() };
    assert!(store.list_oos(&open).await.unwrap().is_empty());

    // Eight tasks replaying one request at once, beside four with keys of their own: the keyed
    // request lands once, each of the others once.
    let mut racers = tokio::task::JoinSet::new();
    for i in 0..12 {
        let store = store.clone();
        let key = if i % 3 == 0 { format!("own:{i}") } else { "run:2/line:1".to_owned() };
        racers.spawn(async move { create(&store, keyed(Some(&key), "B", d1, "1.25")).await });
    }
    let results = racers.join_all().await;
    let ids: std::collections::HashSet<_> = results.iter().map(|o| o.id).collect();
    assert_eq!(ids.len(), 1, "one open registration for the customer, item and day");
    let b = store.oos(results[0].id).await.unwrap().unwrap();
    assert_eq!(b.quantity, dec("1.25") * Decimal::from(5));
    assert_eq!(creates_audited(&store).await, 4 + 5);

    // Keys are capped, and a bad request is refused before any key is looked up.
    let long = "k".repeat(129);
    let err = store.create_oos(&keyed(Some(&long), "C", d1, "1"), &actor(), Utc::now()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    let err = store.create_oos(&keyed(Some("run:1/line:3"), "C", d1, "0"), &actor(), Utc::now()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert!(store::verify_audit(&*store).await.unwrap().is_intact());
}
