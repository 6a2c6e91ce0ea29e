//! `agent-team audit verify` on a real SQLite file, intact and after tampering the way an
//! attacker with the file would: drop the append-only triggers, then change an entry.

use std::path::Path;

use crate::support::{run, stderr, stdout};

async fn tamper(dir: &Path, sql: &[&str]) {
    use sqlx::ConnectOptions as _;
    let path = dir.join("data/agent-team.db");
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new().filename(path).connect().await.unwrap();
    for statement in sql {
        sqlx::query(sqlx::AssertSqlSafe(*statement)).execute(&mut conn).await.unwrap();
    }
}

#[tokio::test]
async fn verify_passes_on_an_intact_log_and_names_the_broken_entry_after_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "sku,name,unit\nA-1,Kopi Bubuk,dus\nA-2,Teh Celup,krt\n";
    std::fs::write(dir.path().join("c.csv"), csv).unwrap();
    let file = dir.path().join("c.csv").display().to_string();
    for _ in 0..3 {
        assert!(run(dir.path(), &[], &["import", "catalog", &file], None).status.success());
    }
    let out = run(dir.path(), &[], &["admin", "create-key", "--name", "bot", "--role", "staff"], None);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = run(dir.path(), &[], &["audit", "verify"], None);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("audit log intact: 4 entries, last seq 4"), "{}", stdout(&out));

    tamper(
        dir.path(),
        &["DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET actor_name = 'mallory' WHERE seq = 2"],
    )
    .await;
    let out = run(dir.path(), &[], &["audit", "verify"], None);
    assert!(!out.status.success(), "a changed entry fails verification");
    let text = stdout(&out);
    assert!(text.contains("seq 2: hash_mismatch"), "{text}");
    assert!(text.contains("BROKEN"), "{text}");
}

#[tokio::test]
async fn verify_finds_a_deleted_tail() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.csv"), "sku,name,unit\nA-1,Kopi,dus\n").unwrap();
    let file = dir.path().join("c.csv").display().to_string();
    for _ in 0..3 {
        assert!(run(dir.path(), &[], &["import", "catalog", &file], None).status.success());
    }
    tamper(dir.path(), &["DROP TRIGGER audit_log_no_delete", "DELETE FROM audit_log WHERE seq = 3"]).await;
    let out = run(dir.path(), &[], &["audit", "verify"], None);
    assert!(!out.status.success());
    assert!(
        stdout(&out).contains("head_mismatch: the head record names seq 3 but the log ends at seq 2"),
        "{}",
        stdout(&out)
    );
}
