//! One conformance suite for the Store port, run against every adapter. Each story takes a fresh,
//! migrated store; a new backend adds one `adapter!` line.

use std::sync::Arc;

use chrono::{Duration, Utc};
use domain::{ErrorCode, Role};
use store::{NewApiKey, NewUser, Store};
use uuid::Uuid;

async fn sqlite() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = config::DatabaseUrl::Sqlite { path: dir.path().join("conformance.db") };
    let store = store::open(&url).await.unwrap();
    store.migrate().await.unwrap();
    (store, dir)
}

fn new_user(name: &str) -> NewUser {
    NewUser {
        id: Uuid::now_v7(),
        username: name.into(),
        password_hash: "$argon2id$placeholder".into(),
        role: Role::Staff,
        created_at: Utc::now(),
    }
}

fn new_key(name: &str, hash: &[u8]) -> NewApiKey {
    NewApiKey {
        id: Uuid::now_v7(),
        name: name.into(),
        key_hash: hash.to_vec(),
        prefix: "atk_abc".into(),
        role: Role::Manager,
        created_at: Utc::now(),
        expires_at: Some(Utc::now() + Duration::days(1)),
    }
}

async fn users_are_unique_case_insensitively(store: Arc<dyn Store>) {
    let ana = store.create_user(new_user("Ana")).await.unwrap();
    let dup = store.create_user(new_user("ana")).await.unwrap_err();
    assert_eq!(dup.code(), ErrorCode::Conflict);
    let found = store.user_by_username("ANA").await.unwrap().unwrap();
    assert_eq!(found.id, ana.id);
    assert_eq!(found.username, "Ana", "the display spelling is kept");
    assert_eq!(store.user_by_id(ana.id).await.unwrap().unwrap().role, Role::Staff);
    assert!(store.user_by_username("nobody").await.unwrap().is_none());
    assert_eq!(store.count_users().await.unwrap(), 1);
}

async fn login_sessions_are_revoked_once(store: Arc<dyn Store>) {
    let user = store.create_user(new_user("sam")).await.unwrap();
    let id = Uuid::now_v7();
    let expires = Utc::now() + Duration::hours(1);
    store.create_login_session(id, user.id, Utc::now(), expires).await.unwrap();
    let session = store.login_session(id).await.unwrap().unwrap();
    assert_eq!(session.user_id, user.id);
    assert_eq!(session.username, "sam");
    assert!(!session.revoked);
    assert_eq!(session.expires_at.timestamp_millis(), expires.timestamp_millis());
    assert!(store.revoke_login_session(id, Utc::now()).await.unwrap());
    assert!(!store.revoke_login_session(id, Utc::now()).await.unwrap(), "a second revocation finds nothing live");
    assert!(store.login_session(id).await.unwrap().unwrap().revoked);
    assert!(store.login_session(Uuid::now_v7()).await.unwrap().is_none());
}

async fn api_key_names_are_unique_among_live_keys(store: Arc<dyn Store>) {
    let first = store.create_api_key(new_key("ci", b"hash-1")).await.unwrap();
    let clash = store.create_api_key(new_key("ci", b"hash-2")).await.unwrap_err();
    assert_eq!(clash.code(), ErrorCode::Conflict);
    let found = store.api_key_by_hash(b"hash-1").await.unwrap().unwrap();
    assert_eq!(found.id, first.id);
    assert_eq!(found.role, Role::Manager);
    assert!(found.expires_at.is_some() && found.revoked_at.is_none());

    assert!(store.revoke_api_key("ci", Utc::now()).await.unwrap());
    assert!(!store.revoke_api_key("ci", Utc::now()).await.unwrap());
    assert!(store.api_key_by_hash(b"hash-1").await.unwrap().unwrap().revoked_at.is_some());
    // The name is free again once its key is revoked.
    store.create_api_key(new_key("ci", b"hash-3")).await.unwrap();
    assert_eq!(store.list_api_keys().await.unwrap().len(), 2);
}

async fn throttle_counts_within_a_window_and_locks(store: Arc<dyn Store>) {
    let now = Utc::now();
    let window_start = now - Duration::minutes(15);
    for expected in 1..=3 {
        let state = store.record_failure("user:ana", now, window_start).await.unwrap();
        assert_eq!(state.failures, expected);
    }
    // A window that started before the cut-off restarts the count.
    let later = now + Duration::minutes(20);
    let state = store.record_failure("user:ana", later, later - Duration::minutes(15)).await.unwrap();
    assert_eq!(state.failures, 1);

    let until = now + Duration::minutes(15);
    store.lock("user:ana", until).await.unwrap();
    let keys = vec!["user:ana".to_owned(), "ip:10.0.0.1".to_owned()];
    let states = store.throttle_state(&keys).await.unwrap();
    assert_eq!(states.len(), 1);
    assert_eq!(states[0].1.locked_until.unwrap().timestamp_millis(), until.timestamp_millis());
    store.forgive("user:ana").await.unwrap();
    store.forgive("user:ana").await.unwrap();
    let states = store.throttle_state(&keys).await.unwrap();
    assert_eq!(states[0].1.failures, 0, "forgiving never goes below zero");
    store.clear("user:ana").await.unwrap();
    assert!(store.throttle_state(&keys).await.unwrap().is_empty());
}

async fn purge_removes_only_what_expired(store: Arc<dyn Store>) {
    let user = store.create_user(new_user("old")).await.unwrap();
    let now = Utc::now();
    let (dead, live) = (Uuid::now_v7(), Uuid::now_v7());
    store.create_login_session(dead, user.id, now - Duration::hours(2), now - Duration::hours(1)).await.unwrap();
    store.create_login_session(live, user.id, now, now + Duration::hours(1)).await.unwrap();
    store.record_failure("ip:stale", now - Duration::hours(1), now - Duration::hours(2)).await.unwrap();
    store.record_failure("ip:fresh", now, now - Duration::minutes(15)).await.unwrap();
    let purged = store.purge_expired(now, now - Duration::minutes(15)).await.unwrap();
    assert_eq!(purged, 2);
    assert!(store.login_session(dead).await.unwrap().is_none());
    assert!(store.login_session(live).await.unwrap().is_some());
    assert_eq!(store.throttle_state(&["ip:fresh".into(), "ip:stale".into()]).await.unwrap().len(), 1);
}

async fn health_reports_migrations(store: Arc<dyn Store>) {
    store.ping().await.unwrap();
    assert!(store.migrations_applied().await.unwrap());
    store.migrate().await.unwrap();
    assert!(store.migrations_applied().await.unwrap(), "migrating twice is a no-op");
}

macro_rules! adapter {
    ($backend:ident, $($story:ident),+ $(,)?) => {
        mod $backend {
            $(
                #[tokio::test]
                async fn $story() {
                    let (store, _guard) = super::$backend().await;
                    super::$story(store).await;
                }
            )+
        }
    };
}

adapter!(
    sqlite,
    users_are_unique_case_insensitively,
    login_sessions_are_revoked_once,
    api_key_names_are_unique_among_live_keys,
    throttle_counts_within_a_window_and_locks,
    purge_removes_only_what_expired,
    health_reports_migrations,
);

#[tokio::test]
async fn an_unmigrated_sqlite_store_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let url = config::DatabaseUrl::Sqlite { path: dir.path().join("fresh.db") };
    let store = store::open(&url).await.unwrap();
    assert!(!store.migrations_applied().await.unwrap());
}

#[tokio::test]
async fn sqlite_refuses_a_database_in_a_missing_directory() {
    let dir = tempfile::tempdir().unwrap();
    let url = config::DatabaseUrl::Sqlite { path: dir.path().join("missing/x.db") };
    assert!(store::open(&url).await.is_err());
    assert!(!dir.path().join("missing").exists());
}
