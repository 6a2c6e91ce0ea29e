//! Objects as files under one root (`DATA_DIR/objects` by default). A write goes to a temporary
//! file in `root/.tmp`, is fsynced, then renamed into place, so a crash never leaves a
//! half-written object under a real key.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use domain::Result;
use futures::StreamExt as _;
use tokio::io::AsyncWriteExt as _;
use uuid::Uuid;

use super::{ObjectBody, ObjectInfo, ObjectKey, ObjectStore, ObjectWriter, io_error};

const TMP: &str = ".tmp";

pub struct LocalObjects {
    root: PathBuf,
}

impl LocalObjects {
    pub async fn open(root: &Path) -> Result<Self> {
        tokio::fs::create_dir_all(root.join(TMP)).await.map_err(io_error)?;
        Ok(Self { root: root.to_owned() })
    }

    /// Keys are validated on construction, so joining cannot escape the root.
    fn path(&self, key: &ObjectKey) -> PathBuf {
        self.root.join(key.as_str())
    }
}

struct LocalWriter {
    file: Option<tokio::fs::File>,
    tmp: PathBuf,
    dest: PathBuf,
    size: u64,
}

impl Drop for LocalWriter {
    fn drop(&mut self) {
        // Neither committed nor aborted: the request was cancelled. Remove the partial file now;
        // the sweeper catches whatever a crash leaves behind.
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[async_trait]
impl ObjectWriter for LocalWriter {
    async fn write(&mut self, chunk: Bytes) -> Result<()> {
        let file = self.file.as_mut().ok_or_else(|| domain::Error::internal(std::io::Error::other("writer closed")))?;
        file.write_all(&chunk).await.map_err(io_error)?;
        self.size += chunk.len() as u64;
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> Result<u64> {
        let mut file =
            self.file.take().ok_or_else(|| domain::Error::internal(std::io::Error::other("writer closed")))?;
        let result = async {
            file.flush().await?;
            file.sync_all().await?;
            drop(file);
            if let Some(parent) = self.dest.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
            tokio::fs::rename(&self.tmp, &self.dest).await?;
            // Make the rename itself durable.
            if let Some(parent) = self.dest.parent() {
                tokio::fs::File::open(parent).await?.sync_all().await?;
            }
            Ok::<_, std::io::Error>(())
        }
        .await;
        if let Err(err) = result {
            let _ = tokio::fs::remove_file(&self.tmp).await;
            return Err(io_error(err));
        }
        Ok(self.size)
    }

    async fn abort(mut self: Box<Self>) -> Result<()> {
        self.file.take();
        match tokio::fs::remove_file(&self.tmp).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error(e)),
        }
    }
}

#[async_trait]
impl ObjectStore for LocalObjects {
    async fn writer(&self, key: &ObjectKey) -> Result<Box<dyn ObjectWriter>> {
        let tmp = self.root.join(TMP).join(format!("{}.part", Uuid::now_v7().simple()));
        let file = tokio::fs::OpenOptions::new().write(true).create_new(true).open(&tmp).await.map_err(io_error)?;
        Ok(Box::new(LocalWriter { file: Some(file), tmp, dest: self.path(key), size: 0 }))
    }

    async fn get(&self, key: &ObjectKey) -> Result<ObjectBody> {
        let file = tokio::fs::File::open(self.path(key)).await.map_err(io_error)?;
        let size = file.metadata().await.map_err(io_error)?.len();
        let stream = tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024).boxed();
        Ok(ObjectBody { size, stream })
    }

    async fn delete(&self, key: &ObjectKey) -> Result<()> {
        match tokio::fs::remove_file(self.path(key)).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error(e)),
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>> {
        let root = self.root.clone();
        let prefix = prefix.to_owned();
        tokio::task::spawn_blocking(move || list_blocking(&root, &prefix)).await.map_err(domain::Error::internal)?
    }

    async fn sweep_incomplete(&self, older_than: DateTime<Utc>) -> Result<u64> {
        let mut removed = 0;
        let mut entries = tokio::fs::read_dir(self.root.join(TMP)).await.map_err(io_error)?;
        while let Some(entry) = entries.next_entry().await.map_err(io_error)? {
            let modified = entry.metadata().await.and_then(|m| m.modified()).map(DateTime::<Utc>::from);
            if modified.is_ok_and(|m| m < older_than) && tokio::fs::remove_file(entry.path()).await.is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }

    async fn ping(&self) -> Result<()> {
        let meta = tokio::fs::metadata(self.root.join(TMP)).await.map_err(io_error)?;
        if meta.is_dir() {
            Ok(())
        } else {
            Err(domain::Error::unavailable(std::io::Error::other("object root is not a directory")))
        }
    }
}

fn list_blocking(root: &Path, prefix: &str) -> Result<Vec<ObjectInfo>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_error(e)),
        };
        for entry in entries {
            let entry = entry.map_err(io_error)?;
            let path = entry.path();
            let meta = entry.metadata().map_err(io_error)?;
            if meta.is_dir() {
                if entry.file_name() != TMP {
                    stack.push(path);
                }
                continue;
            }
            let Some(rel) = path.strip_prefix(root).ok().and_then(|p| p.to_str()) else { continue };
            let Some(key) = ObjectKey::parse(rel) else { continue };
            if key.as_str().starts_with(prefix) {
                out.push(ObjectInfo {
                    key,
                    size: meta.len(),
                    last_modified: meta.modified().map(DateTime::<Utc>::from).unwrap_or_else(|_| Utc::now()),
                });
            }
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}
