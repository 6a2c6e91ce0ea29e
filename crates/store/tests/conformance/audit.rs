//! Audit stories: the chain holds under many and concurrent appends; listing and paging.

use std::sync::Arc;

use chrono::Utc;
use domain::audit::{NewAuditEntry, action};
use store::{AuditQuery, Store};

use super::fixtures::actor;

pub async fn the_audit_chain_holds_over_many_and_concurrent_appends(store: Arc<dyn Store>) {
    assert!(store::verify_audit(&*store).await.unwrap().is_intact(), "an empty log is intact");
    let who = actor();
    for i in 0..150 {
        let act = if i % 3 == 0 { action::AUTH_LOGIN } else { action::KEY_CREATE };
        let entry = NewAuditEntry::new(&who, act, format!("key:{i}"), Utc::now())
            .with_new(serde_json::json!({"i": i, "amount": "3500.25"}));
        assert_eq!(store.append_audit(&entry).await.unwrap().seq, i + 1);
    }
    let writers = (0..4).map(|w| {
        let store = store.clone();
        let who = who.clone();
        tokio::spawn(async move {
            for i in 0..25 {
                let entry = NewAuditEntry::new(&who, action::APPROVAL_GRANT, format!("run:{w}/{i}"), Utc::now());
                store.append_audit(&entry).await.unwrap();
            }
        })
    });
    for w in writers.collect::<Vec<_>>() {
        w.await.unwrap();
    }
    let report = store::verify_audit(&*store).await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!((report.entries, report.last_seq), (250, Some(250)));
    assert_eq!(store.audit_head().await.unwrap().unwrap().seq, 250);

    let newest = store.list_audit(&AuditQuery { limit: 3, ..Default::default() }).await.unwrap();
    assert_eq!(newest.iter().map(|e| e.seq).collect::<Vec<_>>(), [250, 249, 248]);
    let query = AuditQuery { action: Some("auth.login".into()), before_seq: Some(10), limit: 100 };
    let logins = store.list_audit(&query).await.unwrap();
    assert_eq!(logins.iter().map(|e| e.seq).collect::<Vec<_>>(), [7, 4, 1]);
    assert_eq!(logins[0].new_value().unwrap()["amount"], "3500.25");
    assert_eq!(logins[0].actor, who);
    let family = AuditQuery { action: Some("key.".into()), limit: 1_000, ..Default::default() };
    assert_eq!(store.list_audit(&family).await.unwrap().len(), 100);
    let oldest = store.audit_after(0, 2).await.unwrap();
    assert_eq!(oldest.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2]);
}
