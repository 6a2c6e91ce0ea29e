use std::sync::Arc;

use config::DatabaseUrl;
use domain::{Error, Result};

use crate::{SqliteStore, Store};

/// Opens the store named by `DATABASE_URL`. The URL was validated by the config crate; here the
/// remaining rule is that nothing is created outside a directory that already exists.
pub async fn open(url: &DatabaseUrl) -> Result<Arc<dyn Store>> {
    match url {
        DatabaseUrl::Sqlite { path } => Ok(Arc::new(SqliteStore::open(path).await?)),
        DatabaseUrl::Postgres { .. } => Err(Error::new(
            domain::ErrorCode::Unavailable,
            "DATABASE_URL: the PostgreSQL adapter is not part of this build yet; use sqlite://",
        )),
    }
}
