//! `agent-team restore` on archives that are damaged, foreign or forged: each is refused with a
//! reason, exit 1, before the database or the object store is even opened, so nothing is written
//! anywhere (and no member name ever becomes a path).

use serde_json::Value;

use crate::archive_file::{members, tar_of};
use crate::backup_data::{PASSWORD, upload};
use crate::deployment::Deployment;
use crate::support::{stderr, stdout};

type Members = Vec<(String, Vec<u8>)>;

fn with_manifest(members: &Members, change: impl Fn(&mut Value)) -> Members {
    let mut out = members.clone();
    let mut manifest: Value = serde_json::from_slice(&out[0].1).unwrap();
    change(&mut manifest);
    out[0].1 = serde_json::to_vec(&manifest).unwrap();
    out
}

/// Renames the first object, in the manifest and in the archive alike.
fn renamed_object(members: &Members, name: &str) -> Members {
    let mut out = with_manifest(members, |m| m["members"][0]["name"] = name.into());
    out[1].0 = name.to_owned();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_foreign_or_forged_archives_are_refused_before_anything_is_written() {
    let source = Deployment::sqlite();
    let ok = |o: &std::process::Output| assert!(o.status.success(), "{}{}", stdout(o), stderr(o));
    ok(&source.run(&["admin", "create-user", "--username", "boss", "--role", "admin"], Some(PASSWORD)));
    let made = source.run(&["admin", "create-key", "--name", "erp", "--role", "staff"], None);
    let key = stdout(&made).lines().last().unwrap().trim().to_owned();
    let served = source.serve();
    upload(&served.base, &key, "order.csv", b"sku,qty\nAQ-600,2\n").await;
    drop(served);
    let archive = source.path().join("good.tar");
    ok(&source.run(&["backup", "--out", &archive.display().to_string()], None));
    let good = std::fs::read(&archive).unwrap();
    let parts = members(&archive);
    assert!(parts[1].0.starts_with("objects/"), "the first member after the manifest is the object");

    let escape = source.path().join("escaped");
    let absolute = format!("/{}", escape.display().to_string().trim_start_matches('/'));
    let mut flipped = good.clone();
    let users = parts.iter().position(|(n, _)| n == "tables/users.jsonl").unwrap();
    let at = find(&good, &parts[users].1) + parts[users].1.iter().position(|&b| b == b'$').unwrap() + 1;
    flipped[at] ^= 0x01;
    let mut extra = parts.clone();
    extra.push(("tables/extra.jsonl".into(), b"{}\n".to_vec()));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated", good[..good.len() / 2].to_vec(), "truncated"),
        ("flipped", flipped, "tables/users.jsonl\" does not match its checksum"),
        (
            "newer",
            tar_of(&with_manifest(&parts, |m| m["format_version"] = 99.into())),
            "unknown backup format version 99",
        ),
        ("climbing", tar_of(&renamed_object(&parts, "objects/../../escaped")), "not a valid object name"),
        ("absolute", tar_of(&renamed_object(&parts, &absolute)), "expected the member for table users"),
        ("unlisted", tar_of(&extra), "members its manifest does not list"),
        (
            "miscounted",
            tar_of(&with_manifest(&parts, |m| {
                let users = m["members"].as_array_mut().unwrap().iter_mut().find(|e| e["name"] == "tables/users.jsonl");
                users.unwrap()["rows"] = 2.into();
            })),
            "tables/users.jsonl holds fewer rows than its manifest says",
        ),
        ("foreign", b"sku,qty\nnot an archive\n".repeat(100), "damaged"),
    ];
    for (name, bytes, expected) in cases {
        let target = Deployment::sqlite();
        let file = target.path().join(format!("{name}.tar"));
        std::fs::write(&file, bytes).unwrap();
        let out = target.run(&["restore", &file.display().to_string()], None);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let text = stderr(&out);
        assert!(text.contains("nothing restored") && text.contains(expected), "{name}: {text}");
        assert!(!target.data_dir().join("agent-team.db").exists(), "{name}: no database was created");
        assert!(!target.data_dir().join("objects").exists(), "{name}: no object store was created");
        assert!(!escape.exists(), "{name}: nothing was written outside");
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).position(|w| w == needle).unwrap()
}
