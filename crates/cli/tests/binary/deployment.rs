//! A deployment for the backup stories: its own directory, database and object store, on
//! SQLite and local files, or on a PostgreSQL database of its own (created on the server named
//! by `AGENT_TEAM_TEST_POSTGRES_URL`, dropped afterwards) with a fresh S3 bucket when
//! `AGENT_TEAM_TEST_S3_ENDPOINT` names a server. Every deployment shares one `AUTH_SECRET`, as a
//! restore onto a new host would.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;

use secrecy::SecretString;
use sqlx::Connection as _;
use store::Store;

use crate::support::{Served, run};

pub const SECRET: &str = "backup-stories-share-this-auth-secret-0123456789";
const POSTGRES_URL_VAR: &str = "AGENT_TEAM_TEST_POSTGRES_URL";

pub struct Deployment {
    pub dir: tempfile::TempDir,
    pub backend: &'static str,
    vars: Vec<(String, String)>,
    database: Option<PgDatabase>,
}

impl Deployment {
    pub fn sqlite() -> Self {
        Self::with(tempfile::tempdir().unwrap(), "sqlite", Vec::new(), None)
    }

    /// `None` (skipped, saying so) without a PostgreSQL server, except in CI, where that fails.
    pub async fn postgres() -> Option<Self> {
        let database = PgDatabase::create().await?;
        let mut vars = vec![("DATABASE_URL".to_owned(), database.url.to_string())];
        match std::env::var("AGENT_TEAM_TEST_S3_ENDPOINT") {
            Ok(endpoint) if !endpoint.is_empty() => {
                let bucket = format!("backup-{}", uuid::Uuid::now_v7().simple());
                let made = reqwest::Client::new().put(format!("{endpoint}/{bucket}")).send().await.unwrap();
                assert!(made.status().is_success(), "cannot create bucket: {}", made.status());
                vars.extend([
                    ("OBJECT_STORE_URL".to_owned(), format!("s3://{bucket}/agent-team")),
                    ("AWS_ENDPOINT_URL".to_owned(), endpoint.clone()),
                    ("AWS_ACCESS_KEY_ID".to_owned(), "test".to_owned()),
                    ("AWS_SECRET_ACCESS_KEY".to_owned(), "test".to_owned()),
                    ("AWS_REGION".to_owned(), "us-east-1".to_owned()),
                ]);
            }
            _ => eprintln!("note: AGENT_TEAM_TEST_S3_ENDPOINT is not set; objects on local files"),
        }
        Some(Self::with(tempfile::tempdir().unwrap(), "postgres", vars, Some(database)))
    }

    fn with(
        dir: tempfile::TempDir,
        backend: &'static str,
        mut vars: Vec<(String, String)>,
        database: Option<PgDatabase>,
    ) -> Self {
        vars.extend([
            ("AUTH_SECRET".to_owned(), SECRET.to_owned()),
            ("RATE_LIMIT_PER_MINUTE".to_owned(), "100000".to_owned()),
        ]);
        Self { dir, backend, vars, database }
    }

    pub fn vars(&self) -> Vec<(&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        run(self.dir.path(), &self.vars(), args, stdin)
    }

    pub fn serve(&self) -> Served {
        Served::start(self.dir.path(), &self.vars())
    }

    fn database_url(&self) -> ::config::DatabaseUrl {
        match &self.database {
            Some(db) => ::config::DatabaseUrl::Postgres { url: SecretString::from(db.url.to_string()) },
            None => ::config::DatabaseUrl::Sqlite { path: self.data_dir().join("agent-team.db") },
        }
    }

    /// The deployment's store, as the server opens it.
    pub async fn store(&self) -> Arc<dyn Store> {
        store::open(&self.database_url()).await.unwrap()
    }
}

/// A uniquely named database, dropped (with any connection still open) when this goes.
struct PgDatabase {
    admin_url: String,
    name: String,
    url: url::Url,
}

impl PgDatabase {
    async fn create() -> Option<Self> {
        let admin_url = match std::env::var(POSTGRES_URL_VAR) {
            Ok(url) if !url.trim().is_empty() => url,
            _ if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) => {
                panic!("CI is set but {POSTGRES_URL_VAR} is not: the PostgreSQL backup stories must run in CI")
            }
            _ => {
                eprintln!("skipped: set {POSTGRES_URL_VAR} (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run");
                return None;
            }
        };
        let name = format!("at_backup_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("connect to the test server");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await.unwrap();
        admin.close().await.unwrap();
        let mut url = url::Url::parse(&admin_url).expect("a postgres:// URL");
        url.set_path(&name);
        Some(Self { admin_url, name, url })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // A runtime of its own on a thread of its own: this may run inside a test's runtime.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await?;
                admin.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}
