//! Restoring an archive into an empty deployment: check it all, then write it all or nothing.

use std::collections::HashMap;
use std::path::Path;

use bytes::Bytes;
use domain::{Error, Result};

use super::archive::{Archive, damaged};
use super::manifest::Manifest;
use super::rows::Cell;
use super::{Backend, Database, latest_migration};
use crate::error::db;
use crate::objects::{ObjectKey, ObjectStore};
use crate::postgres::error::db as pg;

const CHUNK: usize = 256 * 1024;

/// What a restore wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    pub tables: usize,
    pub rows: u64,
    pub objects: usize,
    pub source_backend: String,
}

/// An archive [`verify`] read in full and found sound; [`restore`] takes it.
#[derive(Debug, Clone)]
pub struct Verified {
    manifest: Manifest,
}

impl Verified {
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }
}

/// Reads the whole archive and checks it: the manifest, every member's name, size and
/// checksum, every row against its table, that upload rows and objects match one to one, and
/// that this build can restore its schema. Touches no database or object store. Errors are
/// `validation` (a damaged or foreign archive) with a message safe to print.
pub async fn verify(path: &Path) -> Result<Verified> {
    let mut archive = Archive::open(path).await?;
    let mut objects: HashMap<String, (u64, String, bool)> = HashMap::new();
    let mut buf = vec![0u8; CHUNK];
    while let Some(member) = archive.peek().filter(|m| m.object_key().is_some()).cloned() {
        archive.enter().await?;
        while archive.chunk(&mut buf).await? > 0 {}
        archive.leave(&member)?;
        if let Some(key) = member.object_key() {
            objects.insert(key.as_str().to_owned(), (member.size, member.sha256.clone(), false));
        }
    }
    while let Some((table, batch)) = archive.rows(|_| 1024).await? {
        if table.name != "uploads" {
            continue;
        }
        let at = |name: &str| table.index_of(name).unwrap_or(usize::MAX);
        let (key_at, size_at, sha_at) = (at("object_key"), at("size"), at("sha256"));
        for row in &batch {
            let key = row.get(key_at).and_then(Cell::as_text).unwrap_or_default();
            let Some((size, sha, used)) = objects.get_mut(key) else {
                return Err(damaged("an upload row names an object the archive does not hold"));
            };
            let size_ok = row.get(size_at).and_then(Cell::as_int).and_then(|n| u64::try_from(n).ok()) == Some(*size);
            if !size_ok || row.get(sha_at).and_then(Cell::as_text) != Some(sha.as_str()) || *used {
                return Err(damaged("an upload row does not match its object's size and checksum"));
            }
            *used = true;
        }
    }
    archive.end().await?;
    if objects.values().any(|(_, _, used)| !used) {
        return Err(damaged("it holds an object no upload row names"));
    }
    let manifest = archive.manifest;
    if manifest.migration_version != latest_migration() {
        return Err(damaged(format!(
            "it was made at migration {} and this build's schema is at {}: restore with the release that made it, then upgrade",
            manifest.migration_version,
            latest_migration()
        )));
    }
    Ok(Verified { manifest })
}

/// Restores the archive at `path`, already [`verify`]-ed, into `db` and `objects`, which must
/// be empty: `conflict` naming a table otherwise, with nothing changed. The database is migrated,
/// the objects written and every row inserted in one transaction, the archive being read and
/// checked again on the way (it may have changed since it was verified). On any failure the
/// transaction is rolled back and the objects written are deleted again.
pub async fn restore(
    db: &Database,
    objects: &dyn ObjectStore,
    path: &Path,
    verified: Verified,
) -> Result<RestoreSummary> {
    let manifest = verified.manifest;
    if let Some(table) = first_non_empty(db).await? {
        return Err(not_empty(table));
    }
    match &db.0 {
        Backend::Sqlite(store) => crate::Health::migrate(store).await?,
        Backend::Postgres(store) => crate::Health::migrate(&**store).await?,
    }
    let mut written = Vec::new();
    let result = write_all(db, objects, path, &manifest, &mut written).await;
    if result.is_err() {
        for key in &written {
            if let Err(err) = objects.delete(key).await {
                tracing::warn!(error = %err, "could not delete an object of a failed restore");
            }
        }
    }
    result?;
    let rows = manifest.members.iter().filter_map(|m| m.rows).sum();
    Ok(RestoreSummary {
        tables: manifest.members.iter().filter(|m| m.rows.is_some()).count(),
        rows,
        objects: written.len(),
        source_backend: manifest.source_backend,
    })
}

pub(crate) fn not_empty(table: &str) -> Error {
    Error::conflict(format!(
        "the deployment is not empty (table {table} has rows): restore only into a new, empty database"
    ))
}

async fn first_non_empty(database: &Database) -> Result<Option<&'static str>> {
    match &database.0 {
        Backend::Sqlite(store) => super::sqlite::first_non_empty(&mut *store.pool.acquire().await.map_err(db)?).await,
        Backend::Postgres(store) => {
            super::postgres::first_non_empty(&mut *store.pool.acquire().await.map_err(pg)?).await
        }
    }
}

async fn write_all(
    db: &Database,
    objects: &dyn ObjectStore,
    path: &Path,
    verified: &Manifest,
    written: &mut Vec<ObjectKey>,
) -> Result<()> {
    let mut archive = Archive::open(path).await?;
    if &archive.manifest != verified {
        return Err(damaged("the file changed while it was being restored"));
    }
    let mut buf = vec![0u8; CHUNK];
    while let Some(key) = archive.peek().and_then(|m| m.object_key()) {
        let member = archive.enter().await?;
        let mut writer = objects.writer(&key).await?;
        let copied = async {
            loop {
                let n = archive.chunk(&mut buf).await?;
                if n == 0 {
                    break;
                }
                writer.write(Bytes::copy_from_slice(&buf[..n])).await?;
            }
            archive.leave(&member)
        }
        .await;
        if let Err(err) = copied {
            let _ = writer.abort().await;
            return Err(err);
        }
        writer.commit().await?;
        written.push(key);
    }
    match &db.0 {
        Backend::Sqlite(store) => super::sqlite::load(store, &mut archive).await,
        Backend::Postgres(store) => super::postgres::load(store, &mut archive).await,
    }
}
