//! Rows read from the snapshot, one table at a time, into unnamed temporary files (created 0600
//! and already unlinked, so nothing is left behind however the process ends). The tar format
//! needs each member's size before its bytes, and the snapshot should end before the objects
//! are copied; spooling gives both without holding a table in memory.

use std::path::{Path, PathBuf};

use domain::{Error, Result};
use sha2::{Digest as _, Sha256};
use tokio::io::{AsyncSeekExt as _, AsyncWriteExt as _, BufWriter};
use uuid::Uuid;

use super::manifest::is_sha256_hex;
use super::rows::{Cell, encode};
use super::schema::Table;
use crate::objects::{ObjectKey, io_error};

/// A table's rows in a temporary file.
pub(crate) struct Spooled {
    pub table: &'static Table,
    pub file: tokio::fs::File,
    pub size: u64,
    pub sha256: String,
    pub rows: u64,
}

/// An object a snapshot row references, with what the row says about it.
pub(crate) struct ObjectRef {
    pub upload_id: Uuid,
    pub key: ObjectKey,
    pub size: u64,
    pub sha256: String,
}

struct Current {
    table: &'static Table,
    out: BufWriter<tokio::fs::File>,
    hasher: Sha256,
    size: u64,
    rows: u64,
}

pub(crate) struct Spool {
    dir: PathBuf,
    current: Option<Current>,
    pub tables: Vec<Spooled>,
    pub objects: Vec<ObjectRef>,
}

impl Spool {
    pub fn new(dir: &Path) -> Self {
        Self { dir: dir.to_owned(), current: None, tables: Vec::new(), objects: Vec::new() }
    }

    pub fn begin(&mut self, table: &'static Table) -> Result<()> {
        let file = tempfile::tempfile_in(&self.dir).map_err(io_error)?;
        let out = BufWriter::with_capacity(256 * 1024, tokio::fs::File::from_std(file));
        self.current = Some(Current { table, out, hasher: Sha256::new(), size: 0, rows: 0 });
        Ok(())
    }

    pub async fn push(&mut self, cells: &[Cell]) -> Result<()> {
        let current = self.current.as_mut().ok_or_else(|| Error::internal(std::io::Error::other("no table begun")))?;
        if current.table.name == "uploads" {
            self.objects.push(object_ref(current.table, cells)?);
        }
        let line = encode(current.table, cells);
        current.hasher.update(&line);
        current.size += line.len() as u64;
        current.rows += 1;
        current.out.write_all(&line).await.map_err(io_error)
    }

    pub async fn end(&mut self) -> Result<()> {
        let Some(mut current) = self.current.take() else { return Ok(()) };
        current.out.flush().await.map_err(io_error)?;
        let mut file = current.out.into_inner();
        file.rewind().await.map_err(io_error)?;
        self.tables.push(Spooled {
            table: current.table,
            file,
            size: current.size,
            sha256: hex::encode(current.hasher.finalize()),
            rows: current.rows,
        });
        Ok(())
    }
}

/// What an upload row says about its object. A row that does not describe one (no valid key or
/// checksum) fails the backup: its bytes could not be checked or restored.
fn object_ref(table: &Table, cells: &[Cell]) -> Result<ObjectRef> {
    let cell = |name: &str| table.index_of(name).and_then(|i| cells.get(i));
    let upload_id = match cell("id") {
        Some(Cell::Uuid(id)) => *id,
        _ => return Err(crate::error::corrupt("upload id")),
    };
    let bad = |what: &str| Error::internal(std::io::Error::other(format!("upload {upload_id}: corrupt {what}")));
    let key = cell("object_key").and_then(Cell::as_text).and_then(ObjectKey::parse).ok_or_else(|| bad("object key"))?;
    let size = cell("size").and_then(Cell::as_int).and_then(|n| u64::try_from(n).ok()).ok_or_else(|| bad("size"))?;
    let sha256 =
        cell("sha256").and_then(Cell::as_text).filter(|s| is_sha256_hex(s)).ok_or_else(|| bad("checksum"))?.to_owned();
    Ok(ObjectRef { upload_id, key, size, sha256 })
}
