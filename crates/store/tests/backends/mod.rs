//! The databases the Store suites run against: SQLite in a temporary directory, and PostgreSQL in
//! a database of its own, created on the server named by `AGENT_TEAM_TEST_POSTGRES_URL` and dropped
//! after the story, even when the story panics.

use std::future::Future;
use std::sync::Arc;

use secrecy::SecretString;
use sqlx::Connection as _;
use store::Store;

pub const POSTGRES_URL_VAR: &str = "AGENT_TEAM_TEST_POSTGRES_URL";
/// The SQLite fixture's database file, in its temporary directory.
pub const SQLITE_FILE: &str = "conformance.db";

/// Keeps a backend's storage alive for one story; `release` removes it.
pub enum Guard {
    Dir(tempfile::TempDir),
    Database(TestDatabase),
}

impl Guard {
    pub async fn release(self) {
        match self {
            Guard::Dir(dir) => drop(dir),
            Guard::Database(db) => db.drop_database().await,
        }
    }
}

pub async fn sqlite() -> Option<(Arc<dyn Store>, Guard)> {
    let dir = tempfile::tempdir().unwrap();
    let url = config::DatabaseUrl::Sqlite { path: dir.path().join(SQLITE_FILE) };
    let store = store::open(&url).await.unwrap();
    store.migrate().await.unwrap();
    Some((store, Guard::Dir(dir)))
}

pub async fn postgres() -> Option<(Arc<dyn Store>, Guard)> {
    let db = TestDatabase::create().await?;
    let store = store::open(&config::DatabaseUrl::Postgres { url: db.url() }).await.unwrap();
    store.migrate().await.unwrap();
    Some((store, Guard::Database(db)))
}

/// Runs one story on a fixture, then releases the fixture whatever the story did; a story's
/// panic is raised again afterwards so the test still fails with it.
pub async fn run<F, Fut>(fixture: Option<(Arc<dyn Store>, Guard)>, story: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some((store, guard)) = fixture else { return };
    finally_release(guard, story(store)).await;
}

/// A fresh database on the test server for `body`, dropped afterwards, whatever `body` did.
pub async fn with_database<F, Fut>(body: F)
where
    F: FnOnce(TestDatabase) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(db) = TestDatabase::create().await else { return };
    let story = body(db.clone());
    finally_release(Guard::Database(db), story).await;
}

async fn finally_release<Fut>(guard: Guard, body: Fut)
where
    Fut: Future<Output = ()> + Send + 'static,
{
    let outcome = tokio::spawn(body).await;
    guard.release().await;
    if let Err(err) = outcome {
        match err.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(err) => panic!("the story did not finish: {err}"),
        }
    }
}

/// The PostgreSQL server to test against. Unset means skip, except in CI, where every story must
/// run on both backends.
pub fn postgres_server() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) => {
            panic!("CI is set but {POSTGRES_URL_VAR} is not: the PostgreSQL stories must run in CI")
        }
        _ => {
            eprintln!("skipped: set {POSTGRES_URL_VAR} (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run");
            None
        }
    }
}

/// A uniquely named database on the test server.
#[derive(Clone)]
pub struct TestDatabase {
    admin_url: String,
    name: String,
    url: url::Url,
}

impl TestDatabase {
    pub async fn create() -> Option<Self> {
        let admin_url = postgres_server()?;
        let name = format!("at_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("connect to the test server");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await.unwrap();
        admin.close().await.unwrap();
        let mut url = url::Url::parse(&admin_url).expect("a postgres:// URL");
        url.set_path(&name);
        Some(Self { admin_url, name, url })
    }

    pub fn url(&self) -> SecretString {
        SecretString::from(self.url.to_string())
    }

    /// The database's URL with another host and port, e.g. a proxy in front of the server.
    pub fn url_via(&self, host: &str, port: u16) -> SecretString {
        let mut url = self.url.clone();
        url.set_host(Some(host)).unwrap();
        url.set_port(Some(port)).unwrap();
        SecretString::from(url.to_string())
    }

    /// Where the server listens.
    pub fn server_addr(&self) -> String {
        format!("{}:{}", self.url.host_str().unwrap_or("127.0.0.1"), self.url.port().unwrap_or(5432))
    }

    /// An admin connection, for what a story does behind the store's back.
    pub async fn admin(&self) -> sqlx::PgConnection {
        sqlx::PgConnection::connect(&self.admin_url).await.expect("connect to the test server")
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Drops the database, ending any connection still open to it.
    async fn drop_database(self) {
        let mut admin = self.admin().await;
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(err) = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await {
            eprintln!("could not drop test database {}: {err}", self.name);
        }
        let _ = admin.close().await;
    }
}
