//! Making an archive: snapshot the tables into the spool, then write the manifest, the objects
//! (streamed from the object store, checked against their rows) and the spooled tables.

use std::path::Path;

use chrono::Utc;
use domain::{Error, ErrorCode, Result};
use futures::StreamExt as _;
use sha2::{Digest as _, Sha256};
use tokio::io::{AsyncReadExt as _, AsyncWrite};

use super::manifest::{self, Manifest, Member};
use super::spool::{ObjectRef, Spool, Spooled};
use super::tar::{TarError, TarWriter};
use super::{Backend, Database, latest_migration};
use crate::objects::{ObjectStore, io_error};

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub tables: usize,
    pub rows: u64,
    pub objects: usize,
    pub object_bytes: u64,
    pub migration_version: i64,
}

/// Writes an archive of `db` and the objects its rows reference to `out`. Table rows are spooled
/// to temporary files in `spool_dir` (keep it on the same private disk as the output). On error
/// `out` holds a partial archive: the caller discards it.
pub async fn create(
    db: &Database,
    objects: &dyn ObjectStore,
    spool_dir: &Path,
    out: &mut (dyn AsyncWrite + Unpin + Send),
) -> Result<BackupSummary> {
    let created_at = Utc::now();
    let mut spool = Spool::new(spool_dir);
    let migration_version = match &db.0 {
        Backend::Sqlite(store) => super::sqlite::snapshot(store, &mut spool).await?,
        Backend::Postgres(store) => super::postgres::snapshot(store, &mut spool).await?,
    };
    if migration_version != latest_migration() {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!(
                "the database is at migration {migration_version} but this build's schema is at {}: run `agent-team migrate`, or back up with the release that matches the database",
                latest_migration()
            ),
        ));
    }
    spool.objects.sort_by(|a, b| a.key.cmp(&b.key));
    let mut members: Vec<Member> = spool
        .objects
        .iter()
        .map(|o| Member { name: manifest::object_member(&o.key), size: o.size, sha256: o.sha256.clone(), rows: None })
        .collect();
    members.extend(spool.tables.iter().map(|t| Member {
        name: t.table.member(),
        size: t.size,
        sha256: t.sha256.clone(),
        rows: Some(t.rows),
    }));
    let manifest = Manifest {
        format: manifest::FORMAT.into(),
        format_version: manifest::FORMAT_VERSION,
        source_backend: db.backend().into(),
        migration_version,
        created_at,
        app_version: env!("CARGO_PKG_VERSION").into(),
        members,
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).map_err(Error::internal)?;

    let mut tar = TarWriter::new(out, created_at.timestamp());
    tar.start(manifest::MEMBER, manifest_bytes.len() as u64).await.map_err(write_error)?;
    tar.write(&manifest_bytes).await.map_err(write_error)?;
    tar.end_member().await.map_err(write_error)?;
    for object in &spool.objects {
        copy_object(&mut tar, objects, object).await?;
    }
    for table in &mut spool.tables {
        copy_table(&mut tar, table).await?;
    }
    tar.finish().await.map_err(write_error)?;
    Ok(BackupSummary {
        tables: spool.tables.len(),
        rows: spool.tables.iter().map(|t| t.rows).sum(),
        objects: spool.objects.len(),
        object_bytes: spool.objects.iter().map(|o| o.size).sum(),
        migration_version,
    })
}

fn write_error(err: TarError) -> Error {
    match err {
        TarError::Io(err) => io_error(err),
        TarError::Damaged(text) => Error::internal(std::io::Error::other(text)),
    }
}

async fn copy_object(tar: &mut TarWriter<'_>, objects: &dyn ObjectStore, object: &ObjectRef) -> Result<()> {
    let upload = object.upload_id;
    let body = objects.get(&object.key).await.map_err(|err| {
        if err.code() == ErrorCode::NotFound {
            Error::new(
                ErrorCode::Conflict,
                format!(
                    "the object of upload {upload} vanished during the backup (deleted after the snapshot?); nothing was kept: run the backup again"
                ),
            )
        } else {
            err
        }
    })?;
    let mismatch = || {
        Error::new(
            ErrorCode::Conflict,
            format!(
                "the object of upload {upload} does not match the size and checksum its row recorded (changed or damaged in the object store); nothing was kept"
            ),
        )
    };
    if body.size != object.size {
        return Err(mismatch());
    }
    tar.start(&manifest::object_member(&object.key), object.size).await.map_err(write_error)?;
    let mut hasher = Sha256::new();
    let mut seen: u64 = 0;
    let mut stream = body.stream;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(io_error)?;
        seen += chunk.len() as u64;
        if seen > object.size {
            return Err(mismatch());
        }
        hasher.update(&chunk);
        tar.write(&chunk).await.map_err(write_error)?;
    }
    if seen != object.size || hex::encode(hasher.finalize()) != object.sha256 {
        return Err(mismatch());
    }
    tar.end_member().await.map_err(write_error)
}

async fn copy_table(tar: &mut TarWriter<'_>, table: &mut Spooled) -> Result<()> {
    tar.start(&table.table.member(), table.size).await.map_err(write_error)?;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = table.file.read(&mut buf).await.map_err(io_error)?;
        if n == 0 {
            break;
        }
        tar.write(&buf[..n]).await.map_err(write_error)?;
    }
    tar.end_member().await.map_err(write_error)
}
