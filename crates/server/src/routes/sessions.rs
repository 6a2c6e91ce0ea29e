use std::convert::Infallible;

use futures::StreamExt as _;

use app::App;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::Error;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::{ChatMessageRecord, ChatSessionRecord};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::json::Json;
use crate::http::path_id::{PathId, PathIds};
use crate::http::problem::ApiResult;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSession {
    /// `chat` or `work`.
    mode: String,
    title: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SessionBody {
    id: Uuid,
    mode: String,
    title: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// The latest messages, oldest first (in the detail view only).
    #[serde(skip_serializing_if = "Option::is_none")]
    messages: Option<Vec<MessageBody>>,
}

#[derive(Serialize, ToSchema)]
pub struct MessageBody {
    seq: u64,
    role: String,
    content: String,
    #[schema(value_type = Option<Object>)]
    meta: Option<Value>,
    created_at: DateTime<Utc>,
}

impl From<ChatMessageRecord> for MessageBody {
    fn from(m: ChatMessageRecord) -> Self {
        Self { seq: m.seq, role: m.role, content: m.content, meta: m.meta, created_at: m.created_at }
    }
}

fn session_body(s: ChatSessionRecord, messages: Option<Vec<ChatMessageRecord>>) -> SessionBody {
    SessionBody {
        id: s.id,
        mode: s.mode,
        title: s.title,
        created_at: s.created_at,
        updated_at: s.updated_at,
        messages: messages.map(|m| m.into_iter().map(MessageBody::from).collect()),
    }
}

#[derive(Serialize, ToSchema)]
pub struct SessionList {
    sessions: Vec<SessionBody>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// At most this many, most recently active first (1–500, default 100).
    limit: Option<u32>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    content: String,
    upload_ids: Option<Vec<Uuid>>,
}

#[derive(Serialize, ToSchema)]
pub struct Reply {
    session_id: Uuid,
    message: MessageBody,
    /// Set when the language model degraded: a stable code such as `llm_timeout`.
    degraded: Option<String>,
    /// A change the assistant proposes; it runs only once a person approves this exact call.
    #[schema(value_type = Option<Object>)]
    pending_approval: Option<Value>,
}

/// Opens a session.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "chat", request_body = NewSession,
    responses((status = 201, description = "Created", body = SessionBody)))]
pub async fn create(
    State(app): State<App>,
    Caller(caller): Caller,
    Json(body): Json<NewSession>,
) -> ApiResult<(StatusCode, axum::Json<SessionBody>)> {
    let session = app.chat.create(&caller, &body.mode, body.title).await?;
    Ok((StatusCode::CREATED, axum::Json(session_body(session, None))))
}

/// The caller's own sessions.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "chat", params(ListQuery),
    responses((status = 200, description = "Sessions", body = SessionList)))]
pub async fn list(
    State(app): State<App>,
    Caller(caller): Caller,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<axum::Json<SessionList>> {
    let Query(query) = query.map_err(|_| Error::validation("`limit` must be a whole number from 1 to 500"))?;
    let sessions = app.chat.list(&caller, query.limit.unwrap_or(100)).await?;
    Ok(axum::Json(SessionList { sessions: sessions.into_iter().map(|s| session_body(s, None)).collect() }))
}

/// A session with its latest messages (its owner, or a manager or admin).
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "chat", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The session", body = SessionBody),
              (status = 404, description = "No such session (or not yours)", content_type = "application/problem+json")))]
pub async fn get(
    State(app): State<App>,
    Caller(caller): Caller,
    PathId(id): PathId,
) -> ApiResult<axum::Json<SessionBody>> {
    let session = app.chat.get(&caller, id).await?;
    let messages = app.chat.messages(&caller, id, 100).await?;
    Ok(axum::Json(session_body(session, Some(messages))))
}

/// Deletes a session and its messages (its owner only).
#[utoipa::path(delete, path = "/api/v1/sessions/{id}", tag = "chat", params(("id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"),
              (status = 404, description = "No such session (or not yours)", content_type = "application/problem+json")))]
pub async fn delete(State(app): State<App>, Caller(caller): Caller, PathId(id): PathId) -> ApiResult<StatusCode> {
    app.chat.delete(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a message; answers with the assistant's reply, or streams it as server-sent events
/// (`message.delta` then `message.done`) when asked with `Accept: text/event-stream`.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/messages", tag = "chat", params(("id" = Uuid, Path)), request_body = NewMessage,
    responses((status = 200, description = "The reply (JSON, or an SSE stream)", body = Reply),
              (status = 429, description = "The daily language-model budget is spent", content_type = "application/problem+json")))]
pub async fn send(
    State(app): State<App>,
    Caller(caller): Caller,
    PathId(id): PathId,
    headers: HeaderMap,
    Json(body): Json<NewMessage>,
) -> ApiResult<Response> {
    for upload in body.upload_ids.iter().flatten().take(21) {
        app.uploads.get(&caller, *upload).await?;
    }
    if body.upload_ids.as_ref().is_some_and(|ids| ids.len() > 20) {
        return Err(Error::validation("at most 20 uploads per message").into());
    }
    let pending = app.chat.begin(&caller, id, &body.content).await?;
    let wants_stream = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/event-stream"));
    if !wants_stream {
        let turn = pending.finish(None).await?;
        return Ok(axum::Json(reply(id, turn)).into_response());
    }
    // The turn runs on its own task so it completes and is stored even if the client goes away;
    // its text streams as `message.delta` events while the model writes it, then `message.done`
    // carries the whole stored reply (the same frames the WebSocket gateway uses).
    let (deltas, received) = tokio::sync::mpsc::channel::<String>(32);
    let turn = tokio::spawn(async move { pending.finish(Some(&deltas)).await });
    let request_id = crate::http::context::current_request_id();
    let text = futures::stream::unfold(received, |mut received| async move {
        let text = received.recv().await?;
        Some((text, received))
    })
    .map(move |text| {
        Ok(Event::default().event("message.delta").data(json!({"session_id": id, "text": text}).to_string()))
    });
    let done = futures::stream::once(async move {
        let event = match turn.await {
            Ok(Ok(turn)) => Event::default().event("message.done").data(json!(reply(id, turn)).to_string()),
            Ok(Err(err)) => stream_error(&err, &request_id),
            Err(join) => stream_error(&Error::internal(join), &request_id),
        };
        Ok::<_, Infallible>(event)
    });
    Ok(Sse::new(text.chain(done)).into_response())
}

fn reply(session_id: Uuid, turn: app::chat::Turn) -> Reply {
    Reply {
        session_id,
        message: MessageBody {
            seq: turn.seq,
            role: "assistant".into(),
            content: turn.content,
            meta: None,
            created_at: Utc::now(),
        },
        degraded: turn.degraded,
        pending_approval: turn.pending_approval,
    }
}

/// A failure after the stream started can no longer be a problem document: it becomes an `error`
/// event with the same client-safe fields; the cause goes to the log.
fn stream_error(err: &Error, request_id: &str) -> Event {
    if err.code().is_internal() || err.code() == domain::ErrorCode::Unavailable {
        tracing::error!(code = err.code().as_str(), error = %err, request_id, "streamed chat turn failed");
    }
    Event::default()
        .event("error")
        .data(json!({"code": err.code().as_str(), "message": err.detail(), "request_id": request_id}).to_string())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDecision {
    /// `true` applies the proposed change; `false` declines it.
    approve: bool,
    /// The `args_hash` of the proposal being decided: an approval names the exact arguments it approves.
    args_hash: String,
}

/// Decides a change the assistant proposed in this session (`pending_approval` of a reply). Approved, it
/// runs once, as the approver, whose role must allow the tool; the outcome is the session's next message.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/approvals/{approval_id}", tag = "chat",
    params(("id" = Uuid, Path), ("approval_id" = Uuid, Path)), request_body = NewDecision,
    responses((status = 200, description = "Decided; the assistant's message saying what happened", body = Reply),
              (status = 404, description = "No such session or proposal (or not yours)", content_type = "application/problem+json"),
              (status = 409, description = "Already decided (`approval_used`), expired (`approval_expired`) or for other arguments (`approval_arguments_changed`)", content_type = "application/problem+json")))]
pub async fn decide(
    State(app): State<App>,
    Caller(caller): Caller,
    PathIds(id, approval_id): PathIds,
    Json(body): Json<NewDecision>,
) -> ApiResult<axum::Json<Reply>> {
    if body.args_hash.len() > 128 {
        return Err(Error::validation("`args_hash` is not a hash").into());
    }
    let verdict = app::chat::Verdict { approve: body.approve, args_hash: body.args_hash };
    let turn = app.chat.decide(&caller, id, approval_id, &verdict).await?;
    Ok(axum::Json(reply(id, turn)))
}
