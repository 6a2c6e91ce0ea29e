//! Out-of-stock stories: one open registration per customer, item and day, also under
//! concurrency; resolving; filtered, paged listing; every change audited.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use domain::ErrorCode;
use domain::sales::{NewOos, OosStatus};
use store::{AuditQuery, OosQuery, Store};
use uuid::Uuid;

use super::fixtures::{actor, customer, date, dec, item};

fn new(customer: &str, sku: &str, day: NaiveDate, quantity: &str) -> NewOos {
    NewOos {
        id: Uuid::now_v7(),
        customer: customer.into(),
        sku: sku.into(),
        day,
        quantity: dec(quantity),
        note: Some("asked by phone".into()),
        idempotency_key: None,
    }
}

pub async fn an_open_out_of_stock_is_one_row_per_customer_item_and_day(store: Arc<dyn Store>) {
    store.import_items(&[item("A"), item("B")], &actor(), Utc::now()).await.unwrap();
    store.import_customers(&[customer("C1", None), customer("C2", None)], &actor(), Utc::now()).await.unwrap();
    let (d1, d2) = (date(2026, 4, 1), date(2026, 4, 2));

    let first = store.create_oos(&new("C1", "A", d1, "2"), &actor(), Utc::now()).await.unwrap();
    assert_eq!((first.status, first.quantity), (OosStatus::Open, dec("2")));
    let repeat = store.create_oos(&new("C1", "A", d1, "3.5"), &actor(), Utc::now()).await.unwrap();
    assert_eq!((repeat.id, repeat.quantity), (first.id, dec("5.5")), "a repeat adds quantity, not a row");
    let other_day = store.create_oos(&new("C1", "A", d2, "1"), &actor(), Utc::now()).await.unwrap();
    let other_customer = store.create_oos(&new("C2", "A", d1, "1"), &actor(), Utc::now()).await.unwrap();
    assert!(other_day.id != first.id && other_customer.id != first.id);

    // Eight requests at once for the same customer, item and day: one row holding the sum.
    let racers = (0..8).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.create_oos(&new("C1", "B", d1, "1.25"), &actor(), Utc::now()).await })
    });
    let mut ids = std::collections::HashSet::new();
    for racer in racers.collect::<Vec<_>>() {
        ids.insert(racer.await.unwrap().unwrap().id);
    }
    assert_eq!(ids.len(), 1);
    let query = OosQuery { customer: Some("C1".into()), from: Some(d1), to: Some(d1), limit: 50, ..Default::default() };
    let listed = store.list_oos(&query).await.unwrap();
    let b: Vec<_> = listed.iter().filter(|o| o.sku == "B").collect();
    assert_eq!((b.len(), b[0].quantity), (1, dec("10")));

    for (bad, code) in [
        (new("C9", "A", d1, "1"), ErrorCode::NotFound),
        (new("C1", "ZZ", d1, "1"), ErrorCode::NotFound),
        (new("C1", "A", d1, "0"), ErrorCode::Validation),
    ] {
        assert_eq!(store.create_oos(&bad, &actor(), Utc::now()).await.unwrap_err().code(), code);
    }

    // Resolved once; afterwards the same request opens a new registration.
    let resolved = store.resolve_oos(first.id, Some(" restocked "), &actor(), Utc::now()).await.unwrap();
    assert_eq!((resolved.status, resolved.resolution.as_deref()), (OosStatus::Resolved, Some("restocked")));
    assert!(resolved.resolved_at.is_some());
    let again = store.resolve_oos(first.id, None, &actor(), Utc::now()).await.unwrap_err();
    assert_eq!(again.code(), ErrorCode::Conflict);
    let missing = store.resolve_oos(Uuid::now_v7(), None, &actor(), Utc::now()).await.unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
    let reopened = store.create_oos(&new("C1", "A", d1, "1"), &actor(), Utc::now()).await.unwrap();
    assert!(reopened.id != first.id && reopened.quantity == dec("1"));

    // Filters and pages, newest first.
    let open = OosQuery { status: Some(OosStatus::Open), limit: 50, ..Default::default() };
    assert_eq!(store.list_oos(&open).await.unwrap().len(), 4);
    let done = OosQuery { status: Some(OosStatus::Resolved), limit: 50, ..Default::default() };
    assert_eq!(store.list_oos(&done).await.unwrap().iter().map(|o| o.id).collect::<Vec<_>>(), [first.id]);
    let c2 = OosQuery { customer: Some("C2".into()), limit: 50, ..Default::default() };
    assert_eq!(store.list_oos(&c2).await.unwrap().iter().map(|o| o.id).collect::<Vec<_>>(), [other_customer.id]);
    let later = OosQuery { from: Some(d2), limit: 50, ..Default::default() };
    assert_eq!(store.list_oos(&later).await.unwrap().iter().map(|o| o.id).collect::<Vec<_>>(), [other_day.id]);
    let mut paged = Vec::new();
    let mut before = None;
    loop {
        let page = store.list_oos(&OosQuery { before, limit: 2, ..Default::default() }).await.unwrap();
        let Some(last) = page.last() else { break };
        before = Some(last.id);
        paged.extend(page.iter().map(|o| o.id));
    }
    assert_eq!(paged.len(), 5);
    assert!(paged.windows(2).all(|w| w[0] > w[1]), "newest first");

    // Every create (repeats too) and the resolution are audited; the chain holds.
    let creates = AuditQuery { action: Some("oos.create".into()), limit: 100, ..Default::default() };
    let log = store.list_audit(&creates).await.unwrap();
    assert_eq!(log.len(), 1 + 1 + 1 + 1 + 8 + 1);
    let repeat_entry = log.iter().find(|e| e.old_value().is_some_and(|o| o["quantity"] == "2")).unwrap();
    assert_eq!(repeat_entry.new_value().unwrap()["quantity"], "5.5");
    let resolves = AuditQuery { action: Some("oos.resolve".into()), limit: 10, ..Default::default() };
    assert_eq!(store.list_audit(&resolves).await.unwrap()[0].target, format!("oos:{}", first.id));
    assert!(store::verify_audit(&*store).await.unwrap().is_intact());
}
