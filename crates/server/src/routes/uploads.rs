use app::App;
use axum::body::Body;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::{Error, ErrorCode};
use futures::StreamExt as _;
use serde::{Deserialize, Serialize};
use store::UploadRecord;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::path_id::PathId;
use crate::http::problem::{ApiError, ApiResult};

/// Multipart framing around the file: boundaries, part headers.
pub const MULTIPART_OVERHEAD: u64 = 64 * 1024;

#[derive(Serialize, ToSchema)]
pub struct UploadView {
    id: Uuid,
    /// The sanitised display name; never used as a path.
    filename: String,
    size: u64,
    /// Sniffed from the bytes, whatever the client declared.
    content_type: String,
    sha256: String,
    created_at: DateTime<Utc>,
}

impl From<UploadRecord> for UploadView {
    fn from(r: UploadRecord) -> Self {
        Self {
            id: r.id,
            filename: r.filename,
            size: r.size,
            content_type: r.content_type,
            sha256: r.sha256,
            created_at: r.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UploadList {
    uploads: Vec<UploadView>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// At most this many, newest first (1–500, default 100).
    limit: Option<u32>,
}

fn multipart_error(err: &MultipartError) -> Error {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::new(ErrorCode::PayloadTooLarge, "the request body is too large")
    } else {
        Error::new(ErrorCode::BadRequest, "the multipart body is malformed or was cut short")
    }
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

/// Uploads one file (multipart field `file`). The bytes stream to storage; the type is sniffed;
/// over the size limit the answer is 413 at once and nothing is kept.
#[utoipa::path(post, path = "/api/v1/uploads", tag = "uploads",
    request_body(content_type = "multipart/form-data", description = "One field named `file`"),
    responses(
        (status = 201, description = "Stored", body = UploadView),
        (status = 400, description = "Not exactly one `file` field", content_type = "application/problem+json"),
        (status = 413, description = "Too large, or over the bytes quota", content_type = "application/problem+json"),
        (status = 415, description = "Not an accepted file type", content_type = "application/problem+json"),
        (status = 422, description = "Empty file", content_type = "application/problem+json"),
        (status = 507, description = "No room left", content_type = "application/problem+json")
    ))]
pub async fn create(
    State(app): State<App>,
    Caller(caller): Caller,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    let limit = app.uploads.limits().max_bytes + MULTIPART_OVERHEAD;
    if declared_length(&headers).is_some_and(|n| n > limit) {
        return Err(ApiError(Error::new(
            ErrorCode::PayloadTooLarge,
            format!("the file is larger than the limit of {} bytes", app.uploads.limits().max_bytes),
        )));
    }
    let mut multipart = multipart.map_err(|_| {
        Error::new(ErrorCode::UnsupportedMediaType, "send the file as multipart/form-data with one field named `file`")
    })?;
    // Held until the answer: a trickling upload occupies one of a bounded number of slots.
    let _slot = app.uploads.slot(&caller)?;
    let idle = app.uploads.limits().idle_timeout;
    let mut pending = None;
    loop {
        // The framing around the file is bounded by the same idle timeout as the file itself.
        let next = tokio::time::timeout(idle, multipart.next_field())
            .await
            .map_err(|_| Error::new(ErrorCode::RequestTimeout, "the upload stalled; no data arrived for a while"))?;
        let Some(field) = next.map_err(|e| multipart_error(&e))? else { break };
        if field.name() != Some("file") || pending.is_some() {
            if let Some(p) = pending.take() {
                app::uploads::PendingUpload::abort(p).await;
            }
            return Err(ApiError(Error::new(
                ErrorCode::BadRequest,
                "send exactly one field, named `file`, holding one file",
            )));
        }
        let name = field.file_name().map(str::to_owned);
        let body = field.map(|chunk| chunk.map_err(|e| multipart_error(&e)));
        pending = Some(app.uploads.receive(&caller, name.as_deref(), body).await?);
    }
    let pending = pending.ok_or_else(|| Error::new(ErrorCode::BadRequest, "the form has no field named `file`"))?;
    let record = app.uploads.commit(pending).await?;
    let location = format!("/api/v1/uploads/{}", record.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], axum::Json(UploadView::from(record))).into_response())
}

/// The caller's own uploads, newest first.
#[utoipa::path(get, path = "/api/v1/uploads", tag = "uploads", params(ListQuery),
    responses((status = 200, description = "The caller's uploads", body = UploadList)))]
pub async fn list(
    State(app): State<App>,
    Caller(caller): Caller,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<axum::Json<UploadList>> {
    let Query(query) = query.map_err(|_| Error::validation("`limit` must be a whole number from 1 to 500"))?;
    let uploads = app.uploads.list(&caller, query.limit.unwrap_or(100)).await?;
    Ok(axum::Json(UploadList { uploads: uploads.into_iter().map(UploadView::from).collect() }))
}

/// An upload's metadata (its owner, or a manager or admin).
#[utoipa::path(get, path = "/api/v1/uploads/{id}", tag = "uploads", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The upload", body = UploadView),
              (status = 404, description = "No such upload (or not yours)", content_type = "application/problem+json")))]
pub async fn get(
    State(app): State<App>,
    Caller(caller): Caller,
    PathId(id): PathId,
) -> ApiResult<axum::Json<UploadView>> {
    Ok(axum::Json(app.uploads.get(&caller, id).await?.into()))
}

/// The bytes, as an attachment with the sniffed type and `nosniff`.
#[utoipa::path(get, path = "/api/v1/uploads/{id}/content", tag = "uploads", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
              (status = 404, description = "No such upload (or not yours)", content_type = "application/problem+json")))]
pub async fn content(State(app): State<App>, Caller(caller): Caller, PathId(id): PathId) -> ApiResult<Response> {
    let (record, body) = app.uploads.content(&caller, id).await?;
    let mut response = Response::new(Body::from_stream(body.stream));
    let headers = response.headers_mut();
    let content_type =
        HeaderValue::from_str(&record.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.size));
    if let Ok(disposition) = HeaderValue::from_str(&files::filename::content_disposition(&record.filename)) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    } else {
        headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment"));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Even if a browser were tricked into rendering it, nothing in it could run.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox; frame-ancestors 'none'"),
    );
    Ok(response)
}

/// Deletes an upload (its owner, or a manager or admin).
#[utoipa::path(delete, path = "/api/v1/uploads/{id}", tag = "uploads", params(("id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"),
              (status = 404, description = "No such upload (or not yours)", content_type = "application/problem+json")))]
pub async fn delete(State(app): State<App>, Caller(caller): Caller, PathId(id): PathId) -> ApiResult<StatusCode> {
    app.uploads.delete(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
