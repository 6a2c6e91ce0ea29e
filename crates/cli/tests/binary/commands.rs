use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::{Served, http, run, stderr, stdout};

#[tokio::test]
async fn create_key_prints_the_key_alone_on_the_last_line_and_revoke_reaches_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &[],
        &["admin", "create-key", "--name", "deploy-bot", "--role", "manager", "--expires-in", "90d"],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let key = text.lines().last().unwrap().to_owned();
    assert!(key.starts_with("atk_") && !key.contains(' '), "the last line is the key alone: {text}");
    assert!(!stderr(&out).contains(&key), "the key is not logged");

    let served = Served::start(dir.path(), &[]);
    let client = http();
    let me: serde_json::Value =
        client.get(format!("{}/api/v1/me", served.base)).bearer_auth(&key).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["name"], "deploy-bot");
    assert_eq!(me["role"], "manager");

    // Revoked by another process: the running server must refuse it within 5 s.
    let out = run(dir.path(), &[], &["admin", "revoke-key", "--name", "deploy-bot"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let revoked_at = Instant::now();
    loop {
        let status = client.get(format!("{}/api/v1/me", served.base)).bearer_auth(&key).send().await.unwrap().status();
        if status == 401 {
            break;
        }
        assert!(revoked_at.elapsed() < Duration::from_secs(5), "still accepted 5 s after revocation");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!served.output().contains(&key), "the key never appears in the server's logs");

    let again = run(dir.path(), &[], &["admin", "revoke-key", "--name", "deploy-bot"], None);
    assert!(!again.status.success(), "revoking twice says there is no such live key");
}

#[tokio::test]
async fn create_user_reads_the_password_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &[],
        &["admin", "create-user", "--username", "ana", "--role", "admin"],
        Some("a long enough password\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).contains("a long enough password"));
    let served = Served::start(dir.path(), &[]);
    let response = http()
        .post(format!("{}/api/v1/auth/login", served.base))
        .json(&json!({"username": "ana", "password": "a long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let token = response.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let output = served.output();
    assert!(!output.contains(&token), "tokens are never logged");
    assert!(!output.contains("a long enough password"), "passwords are never logged");
}

#[tokio::test]
async fn create_user_without_a_password_generates_one_shown_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &[], &["admin", "create-user", "--username", "boss", "--role", "admin"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let password = stdout(&out).lines().last().unwrap().to_owned();
    assert!(password.len() >= 24, "{password}");
    let served = Served::start(dir.path(), &[]);
    let response = http()
        .post(format!("{}/api/v1/auth/login", served.base))
        .json(&json!({"username": "boss", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[test]
fn admin_commands_refuse_bad_input_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let weak = run(dir.path(), &[], &["admin", "create-user", "--username", "ana", "--role", "staff"], Some("short\n"));
    assert!(!weak.status.success());
    assert!(stderr(&weak).contains("at least 12"), "{}", stderr(&weak));
    let role = run(dir.path(), &[], &["admin", "create-key", "--name", "k", "--role", "root"], None);
    assert!(!role.status.success());
    assert!(stderr(&role).contains("unknown role"), "{}", stderr(&role));
    let expiry =
        run(dir.path(), &[], &["admin", "create-key", "--name", "k", "--role", "staff", "--expires-in", "soon"], None);
    assert!(!expiry.status.success());
    let first = run(dir.path(), &[], &["admin", "create-key", "--name", "dup", "--role", "staff"], None);
    assert!(first.status.success());
    let dup = run(dir.path(), &[], &["admin", "create-key", "--name", "dup", "--role", "staff"], None);
    assert!(!dup.status.success());
    assert!(stderr(&dup).contains("already exists"), "{}", stderr(&dup));
    assert!(stdout(&dup).is_empty());
}

#[test]
fn migrate_applies_migrations_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let out = run(dir.path(), &[], &["migrate"], None);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert!(dir.path().join("data/agent-team.db").is_file(), "the database lives under DATA_DIR");
}
