//! Objects in any S3-compatible service (AWS, MinIO, R2, OSS) through the `object_store` crate.
//! Small objects go up in one PUT; larger ones stream as a multipart upload that is aborted on
//! failure or cancellation. Configure a lifecycle rule that aborts incomplete multipart uploads
//! after a day, for the parts a crashed process could not abort.

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use domain::{Error, ErrorCode, Result};
use futures::{StreamExt as _, TryStreamExt as _};
use object_store::WriteMultipart;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ObjectStore as _, ObjectStoreExt as _, PutPayload};
use secrecy::ExposeSecret as _;

use super::{ObjectBody, ObjectInfo, ObjectKey, ObjectStore, ObjectWriter};

/// S3's minimum part size (except the last).
const PART: usize = 5 * 1024 * 1024;
/// Parts in flight per upload: bounds memory to about PART × (this + 1).
const IN_FLIGHT: usize = 2;

pub struct S3Objects {
    inner: Arc<dyn object_store::ObjectStore>,
    prefix: String,
}

fn s3_error(err: object_store::Error) -> Error {
    match err {
        object_store::Error::NotFound { .. } => Error::not_found("object").with_source(err),
        other => {
            Error::new(ErrorCode::Unavailable, "the object store is unavailable; try again shortly").with_source(other)
        }
    }
}

impl S3Objects {
    /// Explicit settings (from the configuration) over the AWS defaults chain. A custom endpoint
    /// (MinIO-like services) switches to path-style addressing.
    pub fn new(bucket: &str, prefix: &str, s3: &config::S3Settings) -> Result<Self> {
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        if let Some(endpoint) = &s3.endpoint {
            builder = builder
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false)
                .with_endpoint(endpoint);
        }
        builder = builder.with_region(s3.region.as_deref().unwrap_or("us-east-1"));
        if let Some(id) = &s3.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &s3.secret_access_key {
            builder = builder.with_secret_access_key(secret.expose_secret());
        }
        Self::from_builder(builder, prefix)
    }

    pub fn from_builder(builder: AmazonS3Builder, prefix: &str) -> Result<Self> {
        let store = builder.build().map_err(|e| {
            Error::new(ErrorCode::Unavailable, "OBJECT_STORE_URL: the S3 configuration is incomplete").with_source(e)
        })?;
        Ok(Self { inner: Arc::new(store), prefix: prefix.trim_matches('/').to_owned() })
    }

    fn path(&self, key: &ObjectKey) -> Path {
        if self.prefix.is_empty() {
            Path::from(key.as_str())
        } else {
            Path::from(format!("{}/{}", self.prefix, key.as_str()))
        }
    }

    fn key_of(&self, path: &Path) -> Option<ObjectKey> {
        let s = path.as_ref();
        let rel = if self.prefix.is_empty() { s } else { s.strip_prefix(&self.prefix)?.strip_prefix('/')? };
        ObjectKey::parse(rel)
    }
}

enum State {
    Buffering(Vec<u8>),
    Streaming(WriteMultipart),
    Done,
}

struct S3Writer {
    store: Arc<dyn object_store::ObjectStore>,
    path: Path,
    state: State,
    size: u64,
}

impl Drop for S3Writer {
    fn drop(&mut self) {
        // Cancelled mid-upload: abort the multipart upload so its parts do not linger.
        if let State::Streaming(upload) = std::mem::replace(&mut self.state, State::Done)
            && let Ok(handle) = tokio::runtime::Handle::try_current()
        {
            handle.spawn(async move {
                let _ = upload.abort().await;
            });
        }
    }
}

#[async_trait]
impl ObjectWriter for S3Writer {
    async fn write(&mut self, chunk: Bytes) -> Result<()> {
        self.size += chunk.len() as u64;
        match &mut self.state {
            State::Buffering(buf) => {
                buf.extend_from_slice(&chunk);
                if buf.len() >= PART {
                    let upload = self.store.put_multipart(&self.path).await.map_err(s3_error)?;
                    let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
                    writer.write(buf);
                    self.state = State::Streaming(writer);
                }
                Ok(())
            }
            State::Streaming(writer) => {
                writer.wait_for_capacity(IN_FLIGHT).await.map_err(s3_error)?;
                writer.write(&chunk);
                Ok(())
            }
            State::Done => Err(Error::internal(std::io::Error::other("writer closed"))),
        }
    }

    async fn commit(mut self: Box<Self>) -> Result<u64> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Buffering(buf) => {
                self.store.put(&self.path, PutPayload::from(buf)).await.map_err(s3_error)?;
            }
            State::Streaming(writer) => {
                writer.finish().await.map_err(s3_error)?;
            }
            State::Done => return Err(Error::internal(std::io::Error::other("writer closed"))),
        }
        Ok(self.size)
    }

    async fn abort(mut self: Box<Self>) -> Result<()> {
        if let State::Streaming(writer) = std::mem::replace(&mut self.state, State::Done) {
            writer.abort().await.map_err(s3_error)?;
        }
        Ok(())
    }
}

#[async_trait]
impl ObjectStore for S3Objects {
    async fn writer(&self, key: &ObjectKey) -> Result<Box<dyn ObjectWriter>> {
        Ok(Box::new(S3Writer {
            store: self.inner.clone(),
            path: self.path(key),
            state: State::Buffering(Vec::new()),
            size: 0,
        }))
    }

    async fn get(&self, key: &ObjectKey) -> Result<ObjectBody> {
        let result = self.inner.get(&self.path(key)).await.map_err(s3_error)?;
        let size = result.meta.size;
        let stream = result.into_stream().map_err(std::io::Error::other).boxed();
        Ok(ObjectBody { size, stream })
    }

    async fn delete(&self, key: &ObjectKey) -> Result<()> {
        match self.inner.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(s3_error(e)),
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>> {
        let base = if self.prefix.is_empty() { None } else { Some(Path::from(self.prefix.as_str())) };
        let metas: Vec<_> = self.inner.list(base.as_ref()).try_collect().await.map_err(s3_error)?;
        let mut out: Vec<ObjectInfo> = metas
            .into_iter()
            .filter_map(|m| {
                let key = self.key_of(&m.location)?;
                key.as_str().starts_with(prefix).then_some(ObjectInfo {
                    key,
                    size: m.size,
                    last_modified: m.last_modified,
                })
            })
            .collect();
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    async fn sweep_incomplete(&self, _older_than: DateTime<Utc>) -> Result<u64> {
        // object_store cannot list multipart uploads; the bucket lifecycle rule does this job.
        Ok(0)
    }

    async fn ping(&self) -> Result<()> {
        let base = if self.prefix.is_empty() { None } else { Some(Path::from(self.prefix.as_str())) };
        self.inner.list_with_delimiter(base.as_ref()).await.map_err(s3_error)?;
        Ok(())
    }
}
