//! SQLite only: someone with the database file edits the audit log behind the store's back.
//! Each kind of tampering must show in `verify_audit`.

use chrono::Utc;
use domain::audit::{NewAuditEntry, Problem, Report};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

use super::fixtures::actor;

const ENTRIES: u64 = 12;

/// A store with a dozen entries, the raw edit applied with the append-only triggers dropped
/// (as an attacker with the file would), and the verification report.
async fn after(edit: &'static str) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tamper.db");
    let store = store::open(&config::DatabaseUrl::Sqlite { path: path.clone() }).await.unwrap();
    store.migrate().await.unwrap();
    let who = actor();
    for i in 0..ENTRIES {
        let entry = NewAuditEntry::new(&who, "price.update", format!("price:default/A{i}"), Utc::now())
            .with_old(serde_json::json!({"amount": "3500", "version": i}))
            .with_new(serde_json::json!({"amount": "3600", "version": i + 1}));
        store.append_audit(&entry).await.unwrap();
    }
    assert!(store::verify_audit(&*store).await.unwrap().is_intact());

    let raw = SqlitePool::connect_with(SqliteConnectOptions::new().filename(&path)).await.unwrap();
    let refused = sqlx::raw_sql("UPDATE audit_log SET target = 'x' WHERE seq = 1").execute(&raw).await;
    assert!(refused.is_err(), "the database itself refuses edits to the log");
    sqlx::raw_sql("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;").execute(&raw).await.unwrap();
    sqlx::raw_sql(edit).execute(&raw).await.unwrap();
    raw.close().await;
    store::verify_audit(&*store).await.unwrap()
}

#[tokio::test]
async fn a_changed_field_is_detected() {
    let report = after("UPDATE audit_log SET new = '{\"amount\":\"1\",\"version\":6}' WHERE seq = 5").await;
    assert_eq!(report.problems, [Problem::HashMismatch { seq: 5 }]);
    let report = after("UPDATE audit_log SET actor_name = 'mallory' WHERE seq = 2").await;
    assert_eq!(report.problems, [Problem::HashMismatch { seq: 2 }]);
}

#[tokio::test]
async fn an_inserted_entry_is_detected() {
    // Make room after seq 6, then slip in a copy of 6 with another target, linked to 6.
    // Every entry after it moved, so none of them hashes right any more either.
    let report = after(
        "UPDATE audit_log SET seq = seq + 1000 WHERE seq > 6;
         UPDATE audit_log SET seq = seq - 999 WHERE seq > 1000;
         INSERT INTO audit_log
           SELECT 7, at, actor_id, actor_kind, actor_name, action, 'price:default/FORGED', old, new, hash, randomblob(32)
           FROM audit_log WHERE seq = 6;",
    )
    .await;
    assert!(report.problems.contains(&Problem::HashMismatch { seq: 7 }), "{report:?}");
    assert!(report.problems.contains(&Problem::PrevHashMismatch { seq: 8 }), "{report:?}");
    assert!(
        report.problems.contains(&Problem::HeadMismatch { head_seq: Some(ENTRIES), last_seq: Some(ENTRIES + 1) }),
        "the walk goes past a head no append moved: {report:?}"
    );
    // Appended at the end without moving the head.
    let report = after(
        "INSERT INTO audit_log SELECT seq + 1, at, actor_id, actor_kind, actor_name, action, target, old, new, hash,
           randomblob(32) FROM audit_log WHERE seq = 12",
    )
    .await;
    assert!(report.problems.contains(&Problem::HeadMismatch { head_seq: Some(ENTRIES), last_seq: Some(ENTRIES + 1) }));
}

#[tokio::test]
async fn a_deleted_middle_entry_is_detected() {
    let report = after("DELETE FROM audit_log WHERE seq = 4").await;
    assert_eq!(report.problems, [Problem::SeqGap { expected: 4, found: 5 }, Problem::PrevHashMismatch { seq: 5 }]);
    // Renumbered to hide the gap: the chain link still breaks.
    let report = after("DELETE FROM audit_log WHERE seq = 4; UPDATE audit_log SET seq = seq - 1 WHERE seq > 4;").await;
    assert!(report.problems.contains(&Problem::PrevHashMismatch { seq: 4 }), "{report:?}");
}

#[tokio::test]
async fn a_deleted_tail_is_detected_by_the_head() {
    let report = after("DELETE FROM audit_log WHERE seq > 9").await;
    assert_eq!(report.problems, [Problem::HeadMismatch { head_seq: Some(ENTRIES), last_seq: Some(9) }]);
    let report = after("DELETE FROM audit_log").await;
    assert_eq!(report.problems, [Problem::HeadMismatch { head_seq: Some(ENTRIES), last_seq: None }]);
}

#[tokio::test]
async fn reordered_entries_are_detected() {
    let report = after(
        "UPDATE audit_log SET seq = -3 WHERE seq = 3;
         UPDATE audit_log SET seq = 3 WHERE seq = 4;
         UPDATE audit_log SET seq = 4 WHERE seq = -3;",
    )
    .await;
    for problem in [
        Problem::HashMismatch { seq: 3 },
        Problem::PrevHashMismatch { seq: 3 },
        Problem::HashMismatch { seq: 4 },
        Problem::PrevHashMismatch { seq: 4 },
    ] {
        assert!(report.problems.contains(&problem), "{problem:?} in {report:?}");
    }
}
