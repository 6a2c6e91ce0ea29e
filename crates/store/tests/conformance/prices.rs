//! Price stories: reading by effective date, versioned changes with If-Match semantics, audit.

use std::sync::Arc;

use chrono::Utc;
use domain::ErrorCode;
use domain::sales::{PriceChange, PriceRow};
use store::{AuditQuery, Store};

use super::fixtures::{actor, date, dec, item};

fn row(list: &str, sku: &str, from: chrono::NaiveDate, amount: &str) -> PriceRow {
    PriceRow { price_list: list.into(), sku: sku.into(), effective_from: from, amount: dec(amount) }
}

pub async fn prices_are_read_by_effective_date(store: Arc<dyn Store>) {
    store.import_items(&[item("A"), item("B")], &actor(), Utc::now()).await.unwrap();
    let rows = [
        row("default", "A", date(2026, 1, 1), "3500"),
        row("default", "A", date(2026, 3, 1), "3750.1234"),
        row("grosir", "A", date(2026, 1, 1), "3400"),
    ];
    assert_eq!(store.import_prices(&rows, &actor(), Utc::now()).await.unwrap().rows, 3);
    let on = |d| {
        let store = store.clone();
        async move { store.price_on("default", "A", d).await.unwrap().map(|p| p.amount) }
    };
    assert_eq!(on(date(2025, 12, 31)).await, None, "before the first effective date");
    assert_eq!(on(date(2026, 1, 1)).await, Some(dec("3500")), "on the effective date");
    assert_eq!(on(date(2026, 2, 28)).await, Some(dec("3500")));
    assert_eq!(on(date(2026, 3, 1)).await, Some(dec("3750.1234")), "exact to the ten-thousandth");
    assert_eq!(on(date(2030, 1, 1)).await, Some(dec("3750.1234")));
    assert_eq!(store.price_on("grosir", "A", date(2026, 6, 1)).await.unwrap().unwrap().amount, dec("3400"));
    assert_eq!(store.price_on("default", "B", date(2026, 6, 1)).await.unwrap(), None);
    assert_eq!(store.price_lists().await.unwrap(), ["default", "grosir"]);

    // Unknown SKU or a key twice: the whole file is refused and nothing changes.
    let bad = [row("default", "A", date(2026, 1, 1), "1"), row("default", "ZZ", date(2026, 1, 1), "1")];
    let err = store.import_prices(&bad, &actor(), Utc::now()).await.unwrap_err();
    assert_eq!((err.code(), err.detail()), (ErrorCode::Validation, "row 2: unknown sku \"ZZ\""));
    let twice = [row("new", "A", date(2026, 1, 1), "1"), row("new", "A", date(2026, 1, 1), "2")];
    assert!(store.import_prices(&twice, &actor(), Utc::now()).await.is_err());
    assert_eq!(on(date(2026, 1, 1)).await, Some(dec("3500")));
    assert_eq!(store.price_lists().await.unwrap(), ["default", "grosir"], "no list from a failed import");

    // Re-importing the same amount keeps the version; a changed amount moves it on.
    let again = [row("default", "A", date(2026, 1, 1), "3500.00"), row("default", "A", date(2026, 3, 1), "3800")];
    store.import_prices(&again, &actor(), Utc::now()).await.unwrap();
    let schedule = store.price_schedule("default", "A").await.unwrap();
    let seen: Vec<_> = schedule.iter().map(|p| (p.effective_from, p.amount, p.version)).collect();
    assert_eq!(seen, [(date(2026, 1, 1), dec("3500"), 1), (date(2026, 3, 1), dec("3800"), 2)]);
}

fn change(amount: &str, expected: Option<u64>) -> PriceChange {
    PriceChange {
        price_list: "default".into(),
        sku: "A".into(),
        effective_from: date(2026, 1, 1),
        amount: dec(amount),
        expected_version: expected,
    }
}

pub async fn a_stale_price_version_is_refused_and_writes_nothing(store: Arc<dyn Store>) {
    store.import_items(&[item("A")], &actor(), Utc::now()).await.unwrap();
    let who = actor();
    let created = store.update_price(&change("3500", None), &who, Utc::now()).await.unwrap();
    assert_eq!((created.amount, created.version), (dec("3500"), 1));
    let updated = store.update_price(&change("3600", Some(1)), &who, Utc::now()).await.unwrap();
    assert_eq!((updated.amount, updated.version), (dec("3600"), 2));

    let audits = || async {
        store.list_audit(&AuditQuery { action: Some("price.update".into()), limit: 10, ..Default::default() }).await
    };
    let log = audits().await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].target, "price:default/A/2026-01-01");
    assert_eq!(log[0].old_value().unwrap()["amount"], "3500", "old value, exact, as a string");
    assert_eq!(log[0].new_value().unwrap()["amount"], "3600");
    assert_eq!(log[0].new_value().unwrap()["version"], 2);
    assert_eq!(log[0].actor, who);
    assert_eq!(log[1].old, None, "a created price has no old value");

    let stale = store.update_price(&change("9999", Some(1)), &who, Utc::now()).await.unwrap_err();
    assert_eq!(stale.code(), ErrorCode::PreconditionFailed);
    assert_eq!(stale.code().as_str(), "precondition_failed");
    let blind = store.update_price(&change("9999", None), &who, Utc::now()).await.unwrap_err();
    assert_eq!(blind.code(), ErrorCode::PreconditionRequired);
    let mut elsewhere = change("1", Some(1));
    elsewhere.effective_from = date(2027, 1, 1);
    assert_eq!(store.update_price(&elsewhere, &who, Utc::now()).await.unwrap_err().code(), ErrorCode::NotFound);
    let mut unknown = change("1", None);
    unknown.sku = "ZZ".into();
    assert_eq!(store.update_price(&unknown, &who, Utc::now()).await.unwrap_err().code(), ErrorCode::NotFound);
    let current = store.price_on("default", "A", date(2026, 1, 1)).await.unwrap().unwrap();
    assert_eq!((current.amount, current.version), (dec("3600"), 2), "refused changes wrote nothing");
    assert_eq!(audits().await.unwrap().len(), 2, "and audited nothing");

    // Two editors holding version 2 at once: exactly one wins.
    let editors = ["3700", "3800"].map(|amount| {
        let store = store.clone();
        let who = who.clone();
        tokio::spawn(async move { store.update_price(&change(amount, Some(2)), &who, Utc::now()).await })
    });
    let mut won = 0;
    for editor in editors {
        match editor.await.unwrap() {
            Ok(price) => {
                won += 1;
                assert_eq!(price.version, 3);
            }
            Err(err) => assert_eq!(err.code(), ErrorCode::PreconditionFailed),
        }
    }
    assert_eq!(won, 1);
    assert!(store::verify_audit(&*store).await.unwrap().is_intact());
}
