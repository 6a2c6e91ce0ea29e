//! `agent-team backup` and `agent-team restore` on real deployments: SQLite files, PostgreSQL
//! databases, local objects or an S3 server. A round trip restores every row and object (a second
//! backup of the restored deployment holds the same rows), the audit chain still verifies, and the
//! restored users and keys work against the served binary.

use std::path::Path;

use crate::archive_file::{manifest, members, objects, tables};
use crate::backup_data::{PASSWORD, login, populate, upload};
use crate::deployment::Deployment;
use crate::support::{http, stderr, stdout};

fn ok(out: &std::process::Output) {
    assert!(out.status.success(), "{}{}", stdout(out), stderr(out));
}

fn backup(dep: &Deployment, name: &str) -> std::path::PathBuf {
    let file = dep.path().join(name);
    ok(&dep.run(&["backup", "--out", &file.display().to_string()], None));
    file
}

fn restore(dep: &Deployment, archive: &Path) -> std::process::Output {
    dep.run(&["restore", &archive.display().to_string()], None)
}

fn audit_intact(dep: &Deployment) {
    let out = dep.run(&["audit", "verify"], None);
    ok(&out);
    assert!(stdout(&out).contains("audit log intact"), "{}", stdout(&out));
}

/// Populates `source`, backs it up, restores into the empty `target`, and checks the target.
/// Returns the source's archive.
async fn round_trip(source: &Deployment, target: &Deployment) -> std::path::PathBuf {
    let populated = populate(source).await;
    let archive = backup(source, "backup.tar");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&archive).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the archive holds password hashes");
    }
    let before = members(&archive);
    let listed = manifest(&before);
    assert_eq!(listed["source_backend"], source.backend);
    for (table, rows) in tables(&before) {
        assert!(!rows.is_empty(), "the story puts a row in every table; {table} has none");
        let entry = listed["members"].as_array().unwrap().iter().find(|m| m["name"] == format!("tables/{table}.jsonl"));
        assert_eq!(entry.unwrap()["rows"], rows.len(), "{table}");
    }
    assert_eq!(objects(&before).len(), populated.uploads.len());

    let out = restore(target, &archive);
    ok(&out);
    assert!(stdout(&out).contains("restored"), "{}", stdout(&out));
    audit_intact(target);

    let after = members(&backup(target, "again.tar"));
    if source.backend == target.backend {
        assert_eq!(before[1..], after[1..], "the restored deployment backs up to the same rows and objects");
    } else {
        assert_eq!(tables(&before), tables(&after), "the same rows on the other backend");
        assert_eq!(objects(&before), objects(&after));
    }

    let served = target.serve();
    assert_eq!(login(&served.base, "boss", PASSWORD).await.status(), 200, "a restored user logs in");
    let me = http().get(format!("{}/api/v1/me", served.base)).bearer_auth(&populated.key).send().await.unwrap();
    assert_eq!(me.status(), 200, "a restored API key works under the same AUTH_SECRET");
    for (id, bytes) in &populated.uploads {
        let url = format!("{}/api/v1/uploads/{id}/content", served.base);
        let content = http().get(url).bearer_auth(&populated.key).send().await.unwrap();
        assert_eq!(content.status(), 200);
        assert_eq!(&content.bytes().await.unwrap()[..], &bytes[..], "upload {id} has its bytes back");
    }
    archive
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_deployment_round_trips_into_a_fresh_one() {
    round_trip(&Deployment::sqlite(), &Deployment::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_deployment_round_trips_into_a_fresh_one() {
    let (Some(source), Some(target)) = (Deployment::postgres().await, Deployment::postgres().await) else { return };
    round_trip(&source, &target).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_restores_into_postgres_and_back() {
    let Some(postgres) = Deployment::postgres().await else { return };
    let sqlite = Deployment::sqlite();
    let archive = round_trip(&sqlite, &postgres).await;
    let from_postgres = postgres.path().join("again.tar");
    let back = Deployment::sqlite();
    ok(&restore(&back, &from_postgres));
    audit_intact(&back);
    let original = members(&archive);
    let returned = members(&backup(&back, "back.tar"));
    assert_eq!(tables(&original), tables(&returned));
    assert_eq!(objects(&original), objects(&returned));
}

/// Restoring into a deployment that holds data exits 2 and changes nothing; a deployment that
/// was only migrated counts as empty.
async fn refused_when_not_empty(source: Deployment, target: Deployment, migrated: Deployment) {
    ok(&source.run(&["admin", "create-user", "--username", "boss", "--role", "admin"], Some(PASSWORD)));
    let archive = backup(&source, "backup.tar");
    ok(&target.run(&["admin", "create-user", "--username", "other", "--role", "staff"], Some(PASSWORD)));
    let before = members(&backup(&target, "before.tar"));

    let out = restore(&target, &archive);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("not empty (table users has rows)"), "{}", stderr(&out));
    let after = members(&backup(&target, "after.tar"));
    assert_eq!(before[1..], after[1..], "nothing changed");

    ok(&migrated.run(&["migrate"], None));
    ok(&restore(&migrated, &archive));
    let restored = tables(&members(&backup(&migrated, "restored.tar")));
    assert_eq!(restored["users"].len(), 1);
    assert_eq!(restored["users"][0]["username"], "boss");
}

#[tokio::test]
async fn restore_into_a_sqlite_deployment_with_data_is_refused() {
    refused_when_not_empty(Deployment::sqlite(), Deployment::sqlite(), Deployment::sqlite()).await;
}

#[tokio::test]
async fn restore_into_a_postgres_deployment_with_data_is_refused() {
    let Some(target) = Deployment::postgres().await else { return };
    let Some(migrated) = Deployment::postgres().await else { return };
    refused_when_not_empty(Deployment::sqlite(), target, migrated).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_to_stdout_and_a_vanished_object_fails_without_leaving_a_file() {
    let dep = Deployment::sqlite();
    ok(&dep.run(&["admin", "create-user", "--username", "boss", "--role", "admin"], Some(PASSWORD)));
    let made = dep.run(&["admin", "create-key", "--name", "erp", "--role", "staff"], None);
    let key = stdout(&made).lines().last().unwrap().trim().to_owned();
    let served = dep.serve();
    let id = upload(&served.base, &key, "order.csv", b"sku,qty\nAQ-600,2\n").await;
    drop(served);

    let piped = dep.run(&["backup", "--out", "-"], None);
    ok(&piped);
    assert!(stderr(&piped).contains("backup written to stdout"), "{}", stderr(&piped));
    std::fs::write(dep.path().join("piped.tar"), &piped.stdout).unwrap();
    let from_stdout = members(&dep.path().join("piped.tar"));
    let from_file = members(&backup(&dep, "file.tar"));
    assert_eq!(from_stdout[1..], from_file[1..]);

    // The object goes, the row stays: what a delete racing the backup would leave.
    std::fs::remove_file(dep.data_dir().join("objects/uploads").join(id.replace('-', ""))).unwrap();
    let out = dep.run(&["backup", "--out", &dep.path().join("failed.tar").display().to_string()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(&format!("the object of upload {id} vanished")), "{}", stderr(&out));
    let left: Vec<_> = std::fs::read_dir(dep.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("failed"))
        .collect();
    assert!(left.is_empty(), "no archive and no partial file: {left:?}");
}

/// Backups taken while the served binary logs users in and stores uploads: each is one
/// committed state (the audit head matches the log's last entry, every upload row has its
/// object), restores, and verifies.
async fn consistent_while_writing(dep: Deployment) {
    ok(&dep.run(&["admin", "create-user", "--username", "boss", "--role", "admin"], Some(PASSWORD)));
    let made = dep.run(&["admin", "create-key", "--name", "erp", "--role", "staff"], None);
    let key = stdout(&made).lines().last().unwrap().trim().to_owned();
    let served = dep.serve();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (base, stop) = (served.base.clone(), stop.clone());
        tokio::spawn(async move {
            let mut i = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                assert_eq!(login(&base, "boss", PASSWORD).await.status(), 200);
                upload(&base, &key, "order.csv", format!("sku,qty\nAQ-600,{i}\n").as_bytes()).await;
                i += 1;
            }
            i
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mut archives = Vec::new();
    for n in 0..3 {
        archives.push(backup(&dep, &format!("during-{n}.tar")));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let rounds = writer.await.unwrap();
    // One more audited write after the last snapshot, however slowly the writer went (on a busy
    // machine its last round may have ended before the last backup began).
    assert_eq!(login(&served.base, "boss", PASSWORD).await.status(), 200);
    drop(served);
    let final_seq = tables(&members(&backup(&dep, "final.tar")))["audit_head"][0]["seq"].as_i64().unwrap();

    for archive in &archives {
        let all = members(archive);
        let t = tables(&all);
        let head = t["audit_head"][0]["seq"].as_i64().unwrap();
        let last = t["audit_log"].last().and_then(|e| e["seq"].as_i64()).unwrap();
        assert_eq!(head, last, "the head and the log come from one snapshot");
        assert!(head < final_seq, "a snapshot, not the final state ({head} < {final_seq})");
        assert_eq!(t["uploads"].len(), objects(&all).len());
        let target = Deployment::sqlite();
        ok(&restore(&target, archive));
        audit_intact(&target);
    }
    assert!(rounds > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backups_taken_while_the_server_writes_are_consistent() {
    consistent_while_writing(Deployment::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backups_taken_while_the_server_writes_are_consistent() {
    let Some(dep) = Deployment::postgres().await else { return };
    consistent_while_writing(dep).await;
}
