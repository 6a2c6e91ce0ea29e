use std::collections::HashMap;

use secrecy::ExposeSecret;

use super::*;

fn load(vars: &[(&str, &str)], dir: &Path) -> Result<Settings, ConfigError> {
    let mut map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    map.entry("DATA_DIR".into()).or_insert_with(|| dir.join("data").display().to_string());
    Settings::load(EnvSource::from_vars(map, dir))
}

const STRONG: &str = "0123456789abcdef0123456789abcdef-strong";

#[test]
fn defaults_bind_loopback_on_8080_with_sqlite_under_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let s = load(&[], dir.path()).unwrap();
    assert_eq!(s.app_env, AppEnv::Dev);
    assert_eq!(s.host.to_string(), "127.0.0.1");
    assert_eq!(s.port, 8080);
    match &s.database_url {
        DatabaseUrl::Sqlite { path } => assert_eq!(path, &dir.path().join("data/agent-team.db")),
        other => panic!("unexpected {other:?}"),
    }
    assert!(s.object_store_url.starts_with("file://"));
    assert_eq!(s.rate_limit_per_minute, 120);
    assert_eq!(s.upload_max_bytes, 20_971_520);
}

#[test]
fn dev_generates_a_private_secret_once_and_reuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let first = load(&[], dir.path()).unwrap();
    let second = load(&[], dir.path()).unwrap();
    assert!(first.auth_secret.expose_secret().len() >= MIN_SECRET_BYTES);
    assert_eq!(first.auth_secret.expose_secret(), second.auth_secret.expose_secret());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path().join("data/auth_secret")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the generated secret must not be group/world readable");
    }
}

#[test]
fn api_port_is_an_alias_for_port() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(load(&[("API_PORT", "9000")], dir.path()).unwrap().port, 9000);
    assert_eq!(load(&[("API_PORT", "9000"), ("PORT", "9100")], dir.path()).unwrap().port, 9100);
}

#[test]
fn prod_refuses_a_missing_secret_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let err = load(&[("APP_ENV", "prod")], dir.path()).unwrap_err();
    assert_eq!(err.0.len(), 1, "{err}");
    assert!(err.0[0].starts_with("AUTH_SECRET:"), "{err}");
    assert!(!dir.path().join("data/auth_secret").exists(), "prod never generates a secret");
}

#[test]
fn prod_refuses_a_short_secret() {
    let dir = tempfile::tempdir().unwrap();
    let err = load(&[("APP_ENV", "prod"), ("AUTH_SECRET", "short")], dir.path()).unwrap_err();
    assert!(err.0[0].starts_with("AUTH_SECRET:") && err.0[0].contains("32"), "{err}");
    assert!(!err.to_string().contains("short"), "the secret itself is never echoed");
}

#[test]
fn prod_refuses_wildcard_cors_but_dev_allows_it() {
    let dir = tempfile::tempdir().unwrap();
    let err = load(&[("APP_ENV", "prod"), ("AUTH_SECRET", STRONG), ("CORS_ORIGINS", "*")], dir.path()).unwrap_err();
    assert!(err.0[0].starts_with("CORS_ORIGINS:"), "{err}");
    let dev = load(&[("CORS_ORIGINS", "*")], dir.path()).unwrap();
    assert_eq!(dev.cors_origins, Some(CorsOrigins::Any));
}

#[test]
fn prod_refuses_to_start_beside_a_dotenv_file_and_never_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "AUTH_SECRET=from-dotenv-0123456789abcdef0123456789\n").unwrap();
    let err = load(&[("APP_ENV", "prod"), ("AUTH_SECRET", STRONG)], dir.path()).unwrap_err();
    assert!(err.0[0].starts_with("APP_ENV:") && err.0[0].contains(".env"), "{err}");
}

#[test]
fn dotenv_is_read_in_dev_without_overriding_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "PORT=9999\nRATE_LIMIT_PER_MINUTE=7\nAPP_ENV=prod\n").unwrap();
    let s = load(&[("PORT", "8181")], dir.path()).unwrap();
    assert!(s.dotenv_loaded);
    assert_eq!(s.port, 8181, "the real environment wins");
    assert_eq!(s.rate_limit_per_minute, 7, ".env fills the gaps in dev");
    assert_eq!(s.app_env, AppEnv::Dev, "a .env cannot switch APP_ENV");
}

#[test]
fn staging_ignores_dotenv() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "RATE_LIMIT_PER_MINUTE=7\n").unwrap();
    let s = load(&[("APP_ENV", "staging"), ("AUTH_SECRET", STRONG)], dir.path()).unwrap();
    assert!(!s.dotenv_loaded);
    assert_eq!(s.rate_limit_per_minute, 120);
}

#[test]
fn secrets_are_read_from_name_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, format!("{STRONG}\n")).unwrap();
    let s = load(&[("APP_ENV", "prod"), ("AUTH_SECRET_FILE", file.to_str().unwrap())], dir.path()).unwrap();
    assert_eq!(s.auth_secret.expose_secret(), STRONG, "the trailing newline is not part of it");
    assert_eq!(s.auth_secret_source, "AUTH_SECRET_FILE");
}

#[test]
fn both_name_and_name_file_is_ambiguous() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, STRONG).unwrap();
    let err = load(&[("AUTH_SECRET", STRONG), ("AUTH_SECRET_FILE", file.to_str().unwrap())], dir.path()).unwrap_err();
    assert!(err.0[0].starts_with("AUTH_SECRET:"), "{err}");
}

#[test]
fn debug_output_masks_every_secret() {
    let dir = tempfile::tempdir().unwrap();
    let s = load(
        &[
            ("AUTH_SECRET", STRONG),
            ("DATABASE_URL", "postgres://u:pg-password-xyz@db/x"),
            ("REDIS_URL", "redis://:redis-password-xyz@cache:6379"),
            ("LLM_BASE_URL", "https://llm.example/v1"),
            ("LLM_MODEL", "m"),
            ("LLM_API_KEY", "sk-llm-key-xyz"),
            ("EMBEDDINGS_BASE_URL", "https://embed.example/v1"),
            ("EMBEDDINGS_MODEL", "e"),
            ("EMBEDDINGS_API_KEY", "sk-embed-key-xyz"),
            ("AWS_SECRET_ACCESS_KEY", "aws-secret-xyz"),
        ],
        dir.path(),
    )
    .unwrap();
    let debug = format!("{s:?}");
    let shown = s.redacted_json().to_string();
    for secret in [STRONG, "pg-password-xyz", "redis-password-xyz", "sk-llm-key-xyz", "sk-embed-key-xyz"] {
        assert!(!debug.contains(secret), "Debug leaked {secret}");
        assert!(!shown.contains(secret), "config check leaked {secret}");
    }
}

#[test]
fn every_problem_is_reported_on_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let err = load(
        &[
            ("APP_ENV", "prod"),
            ("DATABASE_URL", "mysql://x"),
            ("PORT", "eighty"),
            ("TRUSTED_PROXIES", "10.0.0.0/8, nonsense"),
        ],
        dir.path(),
    )
    .unwrap_err();
    let vars: Vec<&str> = err.0.iter().map(|l| l.split(':').next().unwrap()).collect();
    for expected in ["DATABASE_URL", "PORT", "TRUSTED_PROXIES", "AUTH_SECRET"] {
        assert!(vars.contains(&expected), "{expected} missing from {err}");
    }
}

#[test]
fn unknown_app_env_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = load(&[("APP_ENV", "production-ish")], dir.path()).unwrap_err();
    assert!(err.0[0].starts_with("APP_ENV:"));
}

#[test]
fn upload_types_are_validated_and_aliases_folded() {
    let dir = tempfile::tempdir().unwrap();
    let s = load(&[("UPLOAD_ALLOWED_TYPES", "csv, XLSX ,jpg,txt")], dir.path()).unwrap();
    assert_eq!(s.upload_allowed_types, ["text", "xlsx", "jpeg"]);
    let err = load(&[("UPLOAD_ALLOWED_TYPES", "xlsx,exe")], dir.path()).unwrap_err();
    assert!(err.0[0].starts_with("UPLOAD_ALLOWED_TYPES:"), "{err}");
    let default = load(&[], dir.path()).unwrap();
    assert_eq!(default.upload_allowed_types.len(), FILE_KINDS.len());
}

#[test]
fn processes_starting_together_agree_on_one_generated_secret() {
    let dir = tempfile::tempdir().unwrap();
    let secrets: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| load(&[], dir.path()).unwrap().auth_secret.expose_secret().to_owned()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(secrets.windows(2).all(|w| w[0] == w[1]), "every loader sees the same secret");
    let leftovers: Vec<_> =
        std::fs::read_dir(dir.path().join("data")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left: {leftovers:?}");
}

#[test]
fn a_malformed_dotenv_line_is_reported_without_its_content() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "GOOD=1\nAUTH_SECRET=\"unterminated-secret-value\n").unwrap();
    let err = load(&[], dir.path()).unwrap_err();
    assert!(err.0[0].starts_with(".env:"), "{err}");
    assert!(!err.to_string().contains("unterminated-secret-value"), "{err}");
}

#[test]
fn work_workers_default_to_two_and_stay_within_bounds() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(load(&[], dir.path()).unwrap().work_workers, 2);
    assert_eq!(load(&[("WORK_WORKERS", "8")], dir.path()).unwrap().work_workers, 8);
    for bad in ["0", "65", "many"] {
        let err = load(&[("WORK_WORKERS", bad)], dir.path()).unwrap_err();
        assert!(err.0.iter().any(|p| p.starts_with("WORK_WORKERS")), "{bad}: {:?}", err.0);
    }
}

#[test]
fn redis_fails_open_unless_told_closed_and_anything_else_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(load(&[], dir.path()).unwrap().redis_fail_mode, RedisFailMode::Open);
    let closed = load(&[("REDIS_FAIL_MODE", " Closed ")], dir.path()).unwrap();
    assert_eq!(closed.redis_fail_mode, RedisFailMode::Closed);
    let err = load(&[("REDIS_FAIL_MODE", "sometimes")], dir.path()).unwrap_err();
    assert!(err.0.iter().any(|p| p.starts_with("REDIS_FAIL_MODE")), "{:?}", err.0);
}

#[test]
fn an_overlong_model_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let long = "m".repeat(257);
    let vars = [("EMBEDDINGS_BASE_URL", "http://127.0.0.1:9/v1"), ("EMBEDDINGS_MODEL", long.as_str())];
    let err = load(&vars, dir.path()).unwrap_err();
    assert!(err.0.iter().any(|p| p.starts_with("EMBEDDINGS_MODEL")), "{:?}", err.0);
    let fits = "m".repeat(256);
    assert!(load(&[vars[0], ("EMBEDDINGS_MODEL", fits.as_str())], dir.path()).is_ok());
}

#[test]
fn embeddings_are_off_by_default_and_configured_like_the_llm() {
    let dir = tempfile::tempdir().unwrap();
    assert!(load(&[], dir.path()).unwrap().embeddings.is_none(), "off unless configured");
    let s = load(
        &[
            ("EMBEDDINGS_BASE_URL", " http://127.0.0.1:1234/v1 "),
            ("EMBEDDINGS_MODEL", "nomic-embed"),
            ("EMBEDDINGS_API_KEY", "sk-embed"),
        ],
        dir.path(),
    )
    .unwrap();
    let e = s.embeddings.unwrap();
    assert_eq!((e.base_url.as_str(), e.model.as_str()), ("http://127.0.0.1:1234/v1", "nomic-embed"));
    assert_eq!(e.api_key.unwrap().expose_secret(), "sk-embed");
    assert!(s.llm.is_none(), "independent of the language model");
    let shown = load(&[("EMBEDDINGS_BASE_URL", "http://x/v1"), ("EMBEDDINGS_MODEL", "m")], dir.path()).unwrap();
    assert!(shown.embeddings.unwrap().api_key.is_none(), "a local server needs no key");
}

#[test]
fn embeddings_settings_are_validated_together() {
    let dir = tempfile::tempdir().unwrap();
    for (vars, variable) in [
        (&[("EMBEDDINGS_BASE_URL", "http://x/v1")][..], "EMBEDDINGS_MODEL"),
        (&[("EMBEDDINGS_MODEL", "m")][..], "EMBEDDINGS_BASE_URL"),
        (&[("EMBEDDINGS_BASE_URL", "ftp://x/v1"), ("EMBEDDINGS_MODEL", "m")][..], "EMBEDDINGS_BASE_URL"),
        (&[("EMBEDDINGS_BASE_URL", "http://x/v1"), ("EMBEDDINGS_MODEL", " ")][..], "EMBEDDINGS_MODEL"),
        (&[("EMBEDDINGS_API_KEY", "sk-lonely-key")][..], "EMBEDDINGS_API_KEY"),
    ] {
        let err = load(vars, dir.path()).unwrap_err();
        assert_eq!(err.0.len(), 1, "{err}");
        assert!(err.0[0].starts_with(&format!("{variable}:")), "{vars:?}: {err}");
        assert!(!err.to_string().contains("sk-lonely-key"), "a key is never echoed");
    }
}
