//! The shared services a multi-instance deployment runs on, for tests: a PostgreSQL database of
//! the test's own (dropped afterwards), the test Redis and a fresh bucket on the S3-compatible
//! server. Each is required when `CI` is set; elsewhere a missing one skips the test.

use sqlx::Connection as _;

fn required(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => Some(value),
        _ if std::env::var_os("CI").is_some() => panic!("CI needs {var} (see .ci/run)"),
        _ => {
            eprintln!("skipped: {var} is not set");
            None
        }
    }
}

/// A database created for one test and dropped when this is dropped.
pub struct TestDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl TestDatabase {
    pub async fn create() -> Option<Self> {
        let admin_url = required("AGENT_TEAM_TEST_POSTGRES_URL")?;
        let name = format!("agent_team_scale_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(&admin_url).await.expect("connect to the test PostgreSQL");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
        let (base, _) = admin_url.rsplit_once('/').expect("a database URL names its database");
        let url = format!("{base}/{name}");
        Some(Self { admin_url, name, url })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs outside any runtime it could use: a thread of its own does the async work.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                        .execute(&mut conn)
                        .await;
                }
            });
        })
        .join();
    }
}

pub fn redis_url() -> Option<String> {
    required("AGENT_TEAM_TEST_REDIS_URL")
}

/// The environment for objects in a new bucket on the test S3-compatible server.
pub async fn s3_bucket() -> Option<Vec<(&'static str, String)>> {
    let endpoint = required("AGENT_TEAM_TEST_S3_ENDPOINT")?;
    let bucket = format!("scale-{}", uuid::Uuid::now_v7().simple());
    let created = crate::support::http().put(format!("{endpoint}/{bucket}")).send().await.unwrap();
    assert!(created.status().is_success(), "create the test bucket");
    Some(vec![
        ("OBJECT_STORE_URL", format!("s3://{bucket}/agent-team")),
        ("AWS_ENDPOINT_URL", endpoint),
        ("AWS_ACCESS_KEY_ID", "test".into()),
        ("AWS_SECRET_ACCESS_KEY", "test".into()),
    ])
}
