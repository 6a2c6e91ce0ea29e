//! The ObjectStore port: uploaded bytes, streamed in and out, on local files or S3.
//!
//! Keys are chosen by the server ([`ObjectKey`]); a client-supplied name can never reach a path.
//! A write is invisible until committed, and a writer dropped without commit (a client that
//! disconnected, a timed-out request) cleans up after itself.

mod key;
mod local;
mod s3;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use domain::Result;
use futures::stream::BoxStream;

pub use key::ObjectKey;
pub use local::LocalObjects;
pub use s3::S3Objects;

/// An object being read: its size and its bytes as a stream.
pub struct ObjectBody {
    pub size: u64,
    pub stream: BoxStream<'static, std::io::Result<Bytes>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub key: ObjectKey,
    pub size: u64,
    pub last_modified: DateTime<Utc>,
}

#[async_trait]
pub trait ObjectWriter: Send {
    async fn write(&mut self, chunk: Bytes) -> Result<()>;
    /// Makes the object visible under its key; returns its size.
    async fn commit(self: Box<Self>) -> Result<u64>;
    /// Discards everything written. Dropping the writer does the same, best effort.
    async fn abort(self: Box<Self>) -> Result<()>;
}

#[async_trait]
pub trait ObjectStore: Send + Sync + 'static {
    async fn writer(&self, key: &ObjectKey) -> Result<Box<dyn ObjectWriter>>;
    /// `not_found` when there is no such object.
    async fn get(&self, key: &ObjectKey) -> Result<ObjectBody>;
    /// Idempotent: deleting a missing object succeeds.
    async fn delete(&self, key: &ObjectKey) -> Result<()>;
    /// Every committed object under `prefix`.
    async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>>;
    /// Removes leftovers of interrupted writes older than `older_than` (temporary files; S3
    /// multipart parts are left to the bucket's lifecycle rule). Returns how many went.
    async fn sweep_incomplete(&self, older_than: DateTime<Utc>) -> Result<u64>;
    /// The store answers.
    async fn ping(&self) -> Result<()>;
}

/// Opens the store named by `OBJECT_STORE_URL` (validated by the config crate).
pub async fn open(url: &str, s3: &config::S3Settings) -> Result<std::sync::Arc<dyn ObjectStore>> {
    let parsed = url::Url::parse(url).map_err(|_| invalid_url())?;
    match parsed.scheme() {
        "file" => {
            let root = parsed.to_file_path().map_err(|()| invalid_url())?;
            Ok(std::sync::Arc::new(LocalObjects::open(&root).await?))
        }
        "s3" => {
            let bucket = parsed.host_str().ok_or_else(invalid_url)?;
            let prefix = parsed.path().trim_matches('/');
            Ok(std::sync::Arc::new(S3Objects::new(bucket, prefix, s3)?))
        }
        _ => Err(invalid_url()),
    }
}

fn invalid_url() -> domain::Error {
    domain::Error::new(domain::ErrorCode::Unavailable, "OBJECT_STORE_URL: not a usable file:// or s3:// URL")
}

/// Maps an I/O failure: a full or over-quota disk is `insufficient_storage` (the caller learns
/// that much, never the path), anything else is internal.
pub(crate) fn io_error(err: std::io::Error) -> domain::Error {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::StorageFull | ErrorKind::FileTooLarge | ErrorKind::QuotaExceeded => {
            domain::Error::new(domain::ErrorCode::InsufficientStorage, "the server has no room to store this file")
                .with_source(err)
        }
        ErrorKind::NotFound => domain::Error::not_found("object").with_source(err),
        _ => domain::Error::internal(err),
    }
}
