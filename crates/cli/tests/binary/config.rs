use std::path::Path;

use crate::support::{STRONG_SECRET, run, stderr, stdout};

fn refused(dir: &Path, vars: &[(&str, &str)], variable: &str) {
    for args in [&["serve"][..], &["config", "check"][..]] {
        let out = run(dir, vars, args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?} must refuse: {}", stderr(&out));
        let err = stderr(&out);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 1, "one clear line: {err}");
        assert!(lines[0].starts_with(&format!("configuration error: {variable}:")), "{err}");
        assert!(stdout(&out).is_empty(), "nothing on stdout when refusing: {}", stdout(&out));
    }
}

#[test]
fn prod_refuses_to_start_without_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    refused(dir.path(), &[("APP_ENV", "prod")], "AUTH_SECRET");
}

#[test]
fn prod_refuses_a_short_secret_without_echoing_it() {
    let dir = tempfile::tempdir().unwrap();
    refused(dir.path(), &[("APP_ENV", "prod"), ("AUTH_SECRET", "tooshort-secret")], "AUTH_SECRET");
    let out = run(dir.path(), &[("APP_ENV", "prod"), ("AUTH_SECRET", "tooshort-secret")], &["serve"], None);
    assert!(!stderr(&out).contains("tooshort-secret"));
}

#[test]
fn prod_refuses_wildcard_cors() {
    let dir = tempfile::tempdir().unwrap();
    refused(dir.path(), &[("APP_ENV", "prod"), ("AUTH_SECRET", STRONG_SECRET), ("CORS_ORIGINS", "*")], "CORS_ORIGINS");
}

#[test]
fn prod_refuses_to_start_beside_a_dotenv_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "AUTH_SECRET=leaked-from-a-dotenv-file-0123456789abcdef\n").unwrap();
    refused(dir.path(), &[("APP_ENV", "prod"), ("AUTH_SECRET", STRONG_SECRET)], "APP_ENV");
}

#[test]
fn prod_refuses_an_unknown_database_scheme() {
    let dir = tempfile::tempdir().unwrap();
    refused(
        dir.path(),
        &[("APP_ENV", "prod"), ("AUTH_SECRET", STRONG_SECRET), ("DATABASE_URL", "mysql://root@db/agent")],
        "DATABASE_URL",
    );
}

#[test]
fn a_malformed_database_url_never_creates_a_file() {
    let dir = tempfile::tempdir().unwrap();
    for url in ["sqlite://", "sqlite::memory:", "sqlite://data/", "postgress://x", "agent-team.db"] {
        let out = run(dir.path(), &[("DATABASE_URL", url)], &["migrate"], None);
        assert_eq!(out.status.code(), Some(2), "{url}: {}", stderr(&out));
        assert!(stderr(&out).contains("DATABASE_URL:"), "{url}: {}", stderr(&out));
    }
    let out = run(dir.path(), &[("DATABASE_URL", "sqlite://no/such/dir/x.db")], &["migrate"], None);
    assert!(!out.status.success());
    assert!(!dir.path().join("no").exists(), "no directories are conjured up");
    let leftovers: Vec<_> = walk(dir.path()).into_iter().filter(|p| p.extension().is_some_and(|e| e == "db")).collect();
    assert!(leftovers.is_empty(), "no database files: {leftovers:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn config_check_prints_effective_settings_with_secrets_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let secret_file = dir.path().join("auth_secret");
    std::fs::write(&secret_file, STRONG_SECRET).unwrap();
    let out = run(
        dir.path(),
        &[
            ("APP_ENV", "staging"),
            ("AUTH_SECRET_FILE", secret_file.to_str().unwrap()),
            ("API_PORT", "9123"),
            ("REDIS_URL", "redis://:redis-pass-123@cache:6379"),
            ("LLM_BASE_URL", "https://llm.example/v1"),
            ("LLM_MODEL", "some-model"),
            ("LLM_API_KEY", "sk-llm-secret-456"),
            ("EMBEDDINGS_BASE_URL", "https://embed.example/v1"),
            ("EMBEDDINGS_MODEL", "embed-model"),
            ("EMBEDDINGS_API_KEY", "sk-embed-secret-789"),
        ],
        &["config", "check"],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for secret in [STRONG_SECRET, "redis-pass-123", "sk-llm-secret-456", "sk-embed-secret-789"] {
        assert!(!text.contains(secret), "config check printed a secret: {text}");
    }
    let shown: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(shown["PORT"], 9123);
    assert_eq!(shown["HOST"], "127.0.0.1");
    assert_eq!(shown["APP_ENV"], "staging");
    assert!(shown["AUTH_SECRET"].as_str().unwrap().contains("AUTH_SECRET_FILE"));
    assert_eq!(shown["REDIS_URL"], "[redacted]");
    assert_eq!(shown["LLM_API_KEY"], "[redacted]");
    assert_eq!(shown["EMBEDDINGS_API_KEY"], "[redacted]");
    assert_eq!(shown["EMBEDDINGS_BASE_URL"], "https://embed.example/v1");
    assert_eq!(shown["EMBEDDINGS_MODEL"], "embed-model");
}

#[test]
fn dev_reads_dotenv_but_staging_does_not() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "RATE_LIMIT_PER_MINUTE=42\n").unwrap();
    let dev: serde_json::Value =
        serde_json::from_slice(&run(dir.path(), &[], &["config", "check"], None).stdout).unwrap();
    assert_eq!(dev["RATE_LIMIT_PER_MINUTE"], 42);
    let out = run(dir.path(), &[("APP_ENV", "staging"), ("AUTH_SECRET", STRONG_SECRET)], &["config", "check"], None);
    let staging: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(staging["RATE_LIMIT_PER_MINUTE"], 120);
}
