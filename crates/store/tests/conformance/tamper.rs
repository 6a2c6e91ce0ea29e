//! Someone with direct access to the database edits the audit log behind the store's back: on
//! SQLite with the file, on PostgreSQL through a connection as the table's owner. Each kind of
//! tampering must show in `verify_audit`, on both backends. The edits are one SQL text for both.

use std::path::PathBuf;

use chrono::Utc;
use domain::audit::{NewAuditEntry, Problem, Report};
use secrecy::{ExposeSecret as _, SecretString};
use sqlx::Connection as _;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

use super::backends::{self, Guard};
use super::fixtures::actor;

const ENTRIES: u64 = 12;

#[derive(Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

/// A way into the store's database that bypasses the store.
enum Raw {
    Sqlite(PathBuf),
    Postgres(SecretString),
}

impl Raw {
    fn of(guard: &Guard) -> Raw {
        match guard {
            Guard::Dir(dir) => Raw::Sqlite(dir.path().join(backends::SQLITE_FILE)),
            Guard::Database(db) => Raw::Postgres(db.url()),
        }
    }

    /// Checks that the database itself refuses edits to the log, then applies `edit` with the
    /// append-only triggers out of the way, as an attacker with that access would.
    async fn tamper(&self, edit: &str) {
        const REFUSED: [&str; 2] = ["UPDATE audit_log SET target = 'x' WHERE seq = 1", "DELETE FROM audit_log"];
        match self {
            Raw::Sqlite(path) => {
                let raw = SqlitePool::connect_with(SqliteConnectOptions::new().filename(path)).await.unwrap();
                for sql in REFUSED {
                    assert!(sqlx::raw_sql(sql).execute(&raw).await.is_err(), "the database refuses {sql:?}");
                }
                let drop = "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;";
                sqlx::raw_sql(drop).execute(&raw).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(edit.to_owned())).execute(&raw).await.unwrap();
                raw.close().await;
            }
            Raw::Postgres(url) => {
                let mut raw = sqlx::PgConnection::connect(url.expose_secret()).await.unwrap();
                for sql in REFUSED.into_iter().chain(["TRUNCATE audit_log"]) {
                    assert!(sqlx::raw_sql(sql).execute(&mut raw).await.is_err(), "the database refuses {sql:?}");
                }
                // SQLite's randomblob, so the edits read the same on both.
                let setup = "ALTER TABLE audit_log DISABLE TRIGGER USER;
                    CREATE FUNCTION randomblob(n integer) RETURNS bytea LANGUAGE sql
                        AS $$ SELECT substring(sha256(random()::text::bytea) FROM 1 FOR n) $$;";
                sqlx::raw_sql(setup).execute(&mut raw).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(edit.to_owned())).execute(&mut raw).await.unwrap();
                raw.close().await.unwrap();
            }
        }
    }
}

/// A store with a dozen entries, `edit` applied behind its back, and the verification report;
/// `None` when the backend is not available here.
async fn after(backend: Backend, edit: &'static str) -> Option<Report> {
    let fixture = match backend {
        Backend::Sqlite => backends::sqlite().await,
        Backend::Postgres => backends::postgres().await,
    };
    let raw = Raw::of(&fixture.as_ref()?.1);
    let (report, received) = tokio::sync::oneshot::channel();
    backends::run(fixture, move |store| async move {
        let who = actor();
        for i in 0..ENTRIES {
            let entry = NewAuditEntry::new(&who, "price.update", format!("price:default/A{i}"), Utc::now())
                .with_old(serde_json::json!({"amount": "3500", "version": i}))
                .with_new(serde_json::json!({"amount": "3600", "version": i + 1}));
            store.append_audit(&entry).await.unwrap();
        }
        assert!(store::verify_audit(&*store).await.unwrap().is_intact());
        raw.tamper(edit).await;
        let _ = report.send(store::verify_audit(&*store).await.unwrap());
    })
    .await;
    received.await.ok()
}

/// Each test, once per backend.
macro_rules! on_both {
    ($($test:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $test() { super::$test(super::Backend::Sqlite).await; })+
        }
        mod postgres {
            $(#[tokio::test] async fn $test() { super::$test(super::Backend::Postgres).await; })+
        }
    };
}

on_both!(
    a_changed_field_is_detected,
    an_inserted_entry_is_detected,
    a_deleted_middle_entry_is_detected,
    a_deleted_tail_is_detected_by_the_head,
    reordered_entries_are_detected,
);

async fn a_changed_field_is_detected(on: Backend) {
    let Some(report) = after(on, "UPDATE audit_log SET new = '{\"amount\":\"1\",\"version\":6}' WHERE seq = 5").await
    else {
        return;
    };
    assert_eq!(report.problems, [Problem::HashMismatch { seq: 5 }]);
    let Some(report) = after(on, "UPDATE audit_log SET actor_name = 'mallory' WHERE seq = 2").await else { return };
    assert_eq!(report.problems, [Problem::HashMismatch { seq: 2 }]);
}

async fn an_inserted_entry_is_detected(on: Backend) {
    // Make room after seq 6, then slip in a copy of 6 with another target, linked to 6.
    // Every entry after it moved, so none of them hashes right any more either.
    let Some(report) = after(
        on,
        "UPDATE audit_log SET seq = seq + 1000 WHERE seq > 6;
         UPDATE audit_log SET seq = seq - 999 WHERE seq > 1000;
         INSERT INTO audit_log
           SELECT 7, at, actor_id, actor_kind, actor_name, action, 'price:default/FORGED', old, new, hash, randomblob(32)
           FROM audit_log WHERE seq = 6;",
    )
    .await
    else {
        return;
    };
    assert!(report.problems.contains(&Problem::HashMismatch { seq: 7 }), "{report:?}");
    assert!(report.problems.contains(&Problem::PrevHashMismatch { seq: 8 }), "{report:?}");
    assert!(
        report.problems.contains(&Problem::HeadMismatch { head_seq: Some(ENTRIES), last_seq: Some(ENTRIES + 1) }),
        "the walk goes past a head no append moved: {report:?}"
    );
    // Appended at the end without moving the head.
    let Some(report) = after(
        on,
        "INSERT INTO audit_log SELECT seq + 1, at, actor_id, actor_kind, actor_name, action, target, old, new, hash,
           randomblob(32) FROM audit_log WHERE seq = 12",
    )
    .await
    else {
        return;
    };
    assert!(report.problems.contains(&Problem::HeadMismatch { head_seq: Some(ENTRIES), last_seq: Some(ENTRIES + 1) }));
}

async fn a_deleted_middle_entry_is_detected(on: Backend) {
    let Some(report) = after(on, "DELETE FROM audit_log WHERE seq = 4").await else { return };
    assert_eq!(report.problems, [Problem::SeqGap { expected: 4, found: 5 }, Problem::PrevHashMismatch { seq: 5 }]);
    // Renumbered to hide the gap: the chain link still breaks.
    let Some(report) = after(
        on,
        "DELETE FROM audit_log WHERE seq = 4;
         UPDATE audit_log SET seq = -seq WHERE seq > 4;
         UPDATE audit_log SET seq = -seq - 1 WHERE seq < 0;",
    )
    .await
    else {
        return;
    };
    assert!(report.problems.contains(&Problem::PrevHashMismatch { seq: 4 }), "{report:?}");
}

async fn a_deleted_tail_is_detected_by_the_head(on: Backend) {
    let Some(report) = after(on, "DELETE FROM audit_log WHERE seq > 9").await else { return };
    assert_eq!(report.problems, [Problem::HeadMismatch { head_seq: Some(ENTRIES), last_seq: Some(9) }]);
    let Some(report) = after(on, "DELETE FROM audit_log").await else { return };
    assert_eq!(report.problems, [Problem::HeadMismatch { head_seq: Some(ENTRIES), last_seq: None }]);
}

async fn reordered_entries_are_detected(on: Backend) {
    let Some(report) = after(
        on,
        "UPDATE audit_log SET seq = -3 WHERE seq = 3;
         UPDATE audit_log SET seq = 3 WHERE seq = 4;
         UPDATE audit_log SET seq = 4 WHERE seq = -3;",
    )
    .await
    else {
        return;
    };
    for problem in [
        Problem::HashMismatch { seq: 3 },
        Problem::PrevHashMismatch { seq: 3 },
        Problem::HashMismatch { seq: 4 },
        Problem::PrevHashMismatch { seq: 4 },
    ] {
        assert!(report.problems.contains(&problem), "{problem:?} in {report:?}");
    }
}
