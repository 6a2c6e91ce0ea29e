use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use chrono::Utc;
use domain::{Error, ErrorCode, Principal, Result, Role};
use files::sniff::{FileKind, Sniffer};
use futures::{Stream, StreamExt as _};
use sha2::{Digest as _, Sha256};
use store::objects::{ObjectBody, ObjectKey, ObjectStore, ObjectWriter};
use store::{Store, UploadRecord};

use super::slots::{Slots, UploadSlot};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct UploadLimits {
    pub max_bytes: u64,
    pub allowed: Vec<FileKind>,
    pub quota_bytes: u64,
    pub quota_count: u64,
    /// A client that sends nothing for this long is cut off (a stalled body holds resources).
    pub idle_timeout: Duration,
    pub max_concurrent: usize,
    pub max_concurrent_per_owner: usize,
}

impl UploadLimits {
    pub fn from_settings(settings: &config::Settings) -> Self {
        Self {
            max_bytes: settings.upload_max_bytes,
            allowed: settings.upload_allowed_types.iter().filter_map(|k| FileKind::parse(k)).collect(),
            quota_bytes: settings.upload_quota_bytes,
            quota_count: settings.upload_quota_count,
            idle_timeout: settings.upload_idle_timeout,
            max_concurrent: settings.upload_max_concurrent,
            max_concurrent_per_owner: settings.upload_max_concurrent_per_owner,
        }
    }
}

#[derive(Clone)]
pub struct UploadService {
    store: Arc<dyn Store>,
    objects: Arc<dyn ObjectStore>,
    limits: Arc<UploadLimits>,
    slots: Arc<Slots>,
}

/// Received and stored, but not yet visible: the channel commits it once the rest of the request
/// checks out. Dropping it discards the bytes.
pub struct PendingUpload {
    writer: Box<dyn ObjectWriter>,
    record: UploadRecord,
}

impl PendingUpload {
    pub fn record(&self) -> &UploadRecord {
        &self.record
    }

    pub async fn abort(self) {
        if let Err(err) = self.writer.abort().await {
            tracing::warn!(error = %err, "could not discard an aborted upload; the reconciler will");
        }
    }
}

fn too_large(max: u64) -> Error {
    Error::new(ErrorCode::PayloadTooLarge, format!("the file is larger than the limit of {max} bytes"))
}

fn unsupported() -> Error {
    Error::new(
        ErrorCode::UnsupportedMediaType,
        "this kind of file is not accepted (order sheets: xlsx, xls, csv; PDF; PNG, JPEG, WebP; plain text)",
    )
}

impl UploadService {
    pub fn new(store: Arc<dyn Store>, objects: Arc<dyn ObjectStore>, limits: UploadLimits) -> Self {
        let slots = Slots::new(limits.max_concurrent, limits.max_concurrent_per_owner);
        Self { store, objects, limits: Arc::new(limits), slots }
    }

    pub fn limits(&self) -> &UploadLimits {
        &self.limits
    }

    /// Reserves an upload slot for `owner`; hold it for the whole request.
    pub fn slot(&self, owner: &Principal) -> Result<UploadSlot> {
        self.slots.acquire(owner.id)
    }

    /// Streams `body` into the object store. On any failure the partial object is discarded
    /// before the error is returned.
    pub async fn receive<S>(&self, owner: &Principal, raw_name: Option<&str>, body: S) -> Result<PendingUpload>
    where
        S: Stream<Item = Result<Bytes>> + Send,
    {
        let usage = self.store.upload_usage(owner.id).await?;
        if usage.count >= self.limits.quota_count {
            return Err(Error::new(
                ErrorCode::QuotaCountExceeded,
                "you have reached your upload count quota; delete some uploads first",
            ));
        }
        let id = Uuid::now_v7();
        let key = ObjectKey::for_upload(id);
        let mut writer = self.objects.writer(&key).await?;
        match self.stream_into(&mut writer, body, self.limits.quota_bytes.saturating_sub(usage.bytes)).await {
            Ok((size, sha256, kind)) => {
                let filename = files::filename::sanitize(raw_name.unwrap_or_default());
                Ok(PendingUpload {
                    writer,
                    record: UploadRecord {
                        id,
                        owner_id: owner.id,
                        content_type: content_type(kind, &filename).to_owned(),
                        filename,
                        size,
                        kind: kind.as_str().to_owned(),
                        sha256,
                        object_key: key.as_str().to_owned(),
                        created_at: Utc::now(),
                    },
                })
            }
            Err(err) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(error = %abort, "could not discard a failed upload; the reconciler will");
                }
                Err(err)
            }
        }
    }

    async fn stream_into<S>(
        &self,
        writer: &mut Box<dyn ObjectWriter>,
        body: S,
        quota_left: u64,
    ) -> Result<(u64, String, FileKind)>
    where
        S: Stream<Item = Result<Bytes>> + Send,
    {
        let mut body = std::pin::pin!(body);
        let mut hasher = Sha256::new();
        let mut sniffer = Sniffer::new();
        let mut size: u64 = 0;
        loop {
            let next = tokio::time::timeout(self.limits.idle_timeout, body.next()).await.map_err(|_| {
                Error::new(ErrorCode::RequestTimeout, "the upload stalled; no data arrived for a while")
            })?;
            let Some(chunk) = next else { break };
            let chunk = chunk?;
            size += chunk.len() as u64;
            if size > self.limits.max_bytes {
                return Err(too_large(self.limits.max_bytes));
            }
            if size > quota_left {
                return Err(Error::new(ErrorCode::QuotaBytesExceeded, "this file would exceed your storage quota"));
            }
            sniffer.feed(&chunk).map_err(|_| unsupported())?;
            hasher.update(&chunk);
            writer.write(chunk).await?;
        }
        if size == 0 {
            return Err(Error::validation("the file is empty"));
        }
        let kind = sniffer.finish().map_err(|_| unsupported())?;
        if !self.limits.allowed.contains(&kind) {
            return Err(unsupported());
        }
        Ok((size, hex::encode(hasher.finalize()), kind))
    }

    /// Makes a received upload visible: the object first, then its row, so a crash in between
    /// leaves only an orphan object that the reconciler removes. Runs as its own task: if the
    /// client goes away mid-commit, the commit still completes instead of stopping between the
    /// two steps.
    pub async fn commit(&self, pending: PendingUpload) -> Result<UploadRecord> {
        let this = self.clone();
        tokio::spawn(async move { this.commit_now(pending).await }).await.map_err(Error::internal)?
    }

    async fn commit_now(&self, pending: PendingUpload) -> Result<UploadRecord> {
        let PendingUpload { writer, record } = pending;
        writer.commit().await?;
        let limits = &self.limits;
        let inserted = self.store.insert_upload_within_quota(&record, limits.quota_count, limits.quota_bytes).await;
        if let Ok(true) = inserted {
            tracing::info!(upload_id = %record.id, owner = %record.owner_id, size = record.size, kind = %record.kind, "upload stored");
            return Ok(record);
        }
        self.discard(&record.object_key).await;
        inserted?;
        // Lost a race with a concurrent upload of the same owner: say which quota it hit.
        let usage = self.store.upload_usage(record.owner_id).await?;
        if usage.count >= limits.quota_count {
            Err(Error::new(
                ErrorCode::QuotaCountExceeded,
                "you have reached your upload count quota; delete some uploads first",
            ))
        } else {
            Err(Error::new(ErrorCode::QuotaBytesExceeded, "this file would exceed your storage quota"))
        }
    }

    async fn discard(&self, key: &str) {
        if let Some(key) = ObjectKey::parse(key)
            && let Err(err) = self.objects.delete(&key).await
        {
            tracing::warn!(error = %err, "could not delete an orphan object; the reconciler will");
        }
    }

    /// The upload if `caller` may see it; another owner's upload is `not_found`, exactly like a
    /// missing one, unless the caller is a manager or admin.
    pub async fn get(&self, caller: &Principal, id: Uuid) -> Result<UploadRecord> {
        self.store
            .upload(id)
            .await?
            .filter(|u| caller.can_read_owned_by(u.owner_id, Role::Manager))
            .ok_or_else(|| Error::not_found("upload"))
    }

    pub async fn content(&self, caller: &Principal, id: Uuid) -> Result<(UploadRecord, ObjectBody)> {
        let record = self.get(caller, id).await?;
        let key = ObjectKey::parse(&record.object_key)
            .ok_or_else(|| Error::internal(std::io::Error::other("corrupt object key")))?;
        let body = self.objects.get(&key).await?;
        Ok((record, body))
    }

    pub async fn list(&self, caller: &Principal, limit: u32) -> Result<Vec<UploadRecord>> {
        self.store.list_uploads(caller.id, limit.clamp(1, 500)).await
    }

    /// Deletes the row first, then the object: a crash in between leaves an orphan object, never
    /// a row pointing at nothing.
    pub async fn delete(&self, caller: &Principal, id: Uuid) -> Result<()> {
        let record = self.get(caller, id).await?;
        if self.store.delete_upload(record.id).await? {
            self.discard(&record.object_key).await;
            tracing::info!(upload_id = %record.id, by = %caller.id, "upload deleted");
        }
        Ok(())
    }

    pub(crate) fn parts(&self) -> (&Arc<dyn Store>, &Arc<dyn ObjectStore>) {
        (&self.store, &self.objects)
    }
}

/// The stored content type comes from the sniffed kind; plain text named `.csv` is served as CSV.
fn content_type(kind: FileKind, filename: &str) -> &'static str {
    if kind == FileKind::Text && filename.to_ascii_lowercase().ends_with(".csv") {
        "text/csv; charset=utf-8"
    } else {
        kind.mime()
    }
}
