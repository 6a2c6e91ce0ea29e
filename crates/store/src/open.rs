use std::sync::Arc;

use config::DatabaseUrl;
use domain::Result;

use crate::{PostgresStore, SqliteStore, Store};

/// Opens the store named by `DATABASE_URL`. The URL was validated by the config crate; here the
/// remaining rules are that SQLite creates nothing outside a directory that already exists, and
/// PostgreSQL answers within the pool's acquire timeout (else `unavailable`).
pub async fn open(url: &DatabaseUrl) -> Result<Arc<dyn Store>> {
    match url {
        DatabaseUrl::Sqlite { path } => Ok(Arc::new(SqliteStore::open(path).await?)),
        DatabaseUrl::Postgres { url } => Ok(Arc::new(PostgresStore::open(url).await?)),
    }
}
