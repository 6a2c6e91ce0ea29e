//! Backups and restores of a whole deployment: every table and every object the rows reference,
//! in one archive file.
//!
//! # Format
//!
//! A POSIX tar (`tar tvf` lists it) whose first member is `manifest.json`: the format and its
//! version, the source backend, the source's newest migration, when the snapshot was taken, and
//! every other member in order with its size and SHA-256 (and a table's row count). Then the
//! objects, as `objects/<key>`, in key order; then one `tables/<name>.jsonl` per table, parents
//! before children, one JSON object per row. Values are backend-neutral (UUIDs and times as
//! text, hashes as hex, JSON documents as their text; see [`schema`]), so an archive made on
//! SQLite restores into PostgreSQL and back.
//!
//! Why not the backends' own dumps (`VACUUM INTO`, `pg_dump`): they cannot cross backends, they
//! cannot carry the objects in the same file with one checksum list, and a restore could not
//! check them row by row before writing. The price is that the archive follows this build's
//! schema: a restore needs the migration the archive names (it refuses others, saying so).
//!
//! # Consistency
//!
//! Every table is read inside one read transaction (SQLite: a deferred transaction, whose first
//! read pins a WAL snapshot; PostgreSQL: `REPEATABLE READ READ ONLY`), so the archive holds one
//! committed state however busy the server is. Rows are spooled to unnamed temporary files and
//! the transaction ends before any object is copied, so a slow bucket never holds a snapshot
//! open. The objects copied are exactly those the snapshot's upload rows name, each checked
//! against the size and SHA-256 its row recorded. An object that vanished since the snapshot (an
//! upload deleted meanwhile) fails the backup, naming the upload: the archive would otherwise
//! hold a row without its bytes. Run the backup again; the next snapshot will not have that row.
//!
//! # Restore
//!
//! Only into an empty deployment (no row in any table; migrated or not). The whole archive is
//! read and checked first (the manifest, every member's name, size and checksum, every row
//! against its table's columns, every upload row against its object) and nothing is written
//! before that passes. Then the objects are written, then every row is inserted in one
//! transaction, reading the archive again and checking it again as it goes: any failure rolls
//! the transaction back and deletes the objects written. Member names are only ever compared
//! with the manifest; an object's key is parsed by [`ObjectKey`](crate::objects::ObjectKey),
//! which refuses anything that could climb out of the store.

mod archive;
mod create;
mod manifest;
mod postgres;
mod restore;
mod rows;
pub mod schema;
mod spool;
mod sqlite;
mod tar;

use config::DatabaseUrl;
use domain::{Error, ErrorCode, Result};

pub use create::{BackupSummary, create};
pub use manifest::{Manifest, Member};
pub use restore::{RestoreSummary, Verified, restore, verify};

use crate::{PostgresStore, SqliteStore};

/// The database a backup reads or a restore writes, by backend.
pub struct Database(Backend);

enum Backend {
    Sqlite(SqliteStore),
    Postgres(Box<PostgresStore>),
}

impl Database {
    /// Opens the database a backup reads. A SQLite file that does not exist is an error here,
    /// not an empty database created on the spot.
    pub async fn open_existing(url: &DatabaseUrl) -> Result<Self> {
        if let DatabaseUrl::Sqlite { path } = url
            && !path.is_file()
        {
            return Err(Error::new(ErrorCode::NotFound, "DATABASE_URL: the sqlite database does not exist"));
        }
        Self::open(url).await
    }

    /// Opens (for SQLite: creating) the database a restore fills.
    pub async fn open(url: &DatabaseUrl) -> Result<Self> {
        Ok(Self(match url {
            DatabaseUrl::Sqlite { path } => Backend::Sqlite(SqliteStore::open(path).await?),
            DatabaseUrl::Postgres { url } => Backend::Postgres(Box::new(PostgresStore::open(url).await?)),
        }))
    }

    pub fn backend(&self) -> &'static str {
        match self.0 {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }
}

/// The newest migration this build knows (the same on both backends).
fn latest_migration() -> i64 {
    crate::sqlite::MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_backends_know_the_same_migrations() {
        let versions = |m: &sqlx::migrate::Migrator| m.iter().map(|m| m.version).collect::<Vec<_>>();
        assert_eq!(versions(&crate::sqlite::MIGRATOR), versions(&crate::postgres::MIGRATOR));
    }
}
