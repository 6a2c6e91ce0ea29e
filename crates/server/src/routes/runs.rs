use std::convert::Infallible;
use std::time::Duration;

use app::App;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::{DateTime, Utc};
use domain::Error;
use futures::{Stream, StreamExt as _};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::RunRecord;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::json::Json;
use crate::http::path_id::PathId;
use crate::http::problem::ApiResult;

/// Uploads one run may refer to.
const MAX_UPLOADS_PER_RUN: usize = 20;
/// An event stream ends after this long at most; clients reconnect with `Last-Event-ID`.
const STREAM_LIMIT: Duration = Duration::from_secs(30 * 60);

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartRun {
    task: String,
    #[serde(default = "empty_object")]
    #[schema(value_type = Object)]
    input: Value,
    upload_ids: Option<Vec<Uuid>>,
    session_id: Option<Uuid>,
}

fn empty_object() -> Value {
    json!({})
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Resume {
    #[schema(value_type = Object)]
    answer: Value,
}

#[derive(Serialize, ToSchema)]
pub struct RunBody {
    id: Uuid,
    task: String,
    /// queued, running, waiting, succeeded, failed, cancelled or expired.
    status: String,
    #[schema(value_type = Option<Object>)]
    progress: Option<Value>,
    /// The pending question, while waiting.
    #[schema(value_type = Option<Object>)]
    question: Option<Value>,
    /// When waiting: when the run expires unanswered.
    expires_at: Option<DateTime<Utc>>,
    #[schema(value_type = Option<Object>)]
    result: Option<Value>,
    /// A stable code, when failed.
    error: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<RunRecord> for RunBody {
    fn from(r: RunRecord) -> Self {
        let waiting = r.status == domain::RunStatus::Waiting;
        Self {
            id: r.id,
            task: r.task,
            status: r.status.as_str().to_owned(),
            progress: r.progress,
            question: r.question.filter(|_| waiting),
            expires_at: r.expires_at.filter(|_| waiting),
            result: r.result,
            error: r.error_code,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Starts a Work run: `202` with its id and status; it executes in the background.
#[utoipa::path(post, path = "/api/v1/runs", tag = "runs", request_body = StartRun,
    responses((status = 202, description = "Queued", body = RunBody),
              (status = 422, description = "Unknown task or invalid input", content_type = "application/problem+json")))]
pub async fn start(
    State(app): State<App>,
    Caller(caller): Caller,
    Json(body): Json<StartRun>,
) -> ApiResult<(StatusCode, axum::Json<RunBody>)> {
    let run = start_run(&app, &caller, &body.task, body.input, body.upload_ids, body.session_id).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(run.into())))
}

/// Starting a run as both HTTP and the WebSocket gateway do it: the uploads it names must be
/// the caller's own and few, and join its input as `upload_ids`.
pub(crate) async fn start_run(
    app: &App,
    caller: &domain::Principal,
    task: &str,
    mut input: Value,
    upload_ids: Option<Vec<Uuid>>,
    session_id: Option<Uuid>,
) -> domain::Result<RunRecord> {
    if let Some(ids) = upload_ids {
        if ids.len() > MAX_UPLOADS_PER_RUN {
            return Err(Error::validation(format!("at most {MAX_UPLOADS_PER_RUN} uploads per run")));
        }
        for id in &ids {
            // Someone else's upload is as absent as a missing one.
            app.uploads.get(caller, *id).await?;
        }
        let Some(object) = input.as_object_mut() else {
            return Err(Error::validation("`input` must be an object when `upload_ids` is given"));
        };
        object.insert("upload_ids".into(), json!(ids));
    }
    app.runs.start(caller, task, input, session_id).await
}

/// A run's status, progress, pending question and result.
#[utoipa::path(get, path = "/api/v1/runs/{id}", tag = "runs", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The run", body = RunBody),
              (status = 404, description = "No such run (or not yours)", content_type = "application/problem+json")))]
pub async fn get(State(app): State<App>, Caller(caller): Caller, PathId(id): PathId) -> ApiResult<axum::Json<RunBody>> {
    Ok(axum::Json(app.runs.get(&caller, id).await?.into()))
}

/// Answers a waiting run; it continues on whichever instance claims it. 409 when not waiting.
#[utoipa::path(post, path = "/api/v1/runs/{id}/resume", tag = "runs", params(("id" = Uuid, Path)), request_body = Resume,
    responses((status = 202, description = "Queued again", body = RunBody),
              (status = 409, description = "Not waiting", content_type = "application/problem+json")))]
pub async fn resume(
    State(app): State<App>,
    Caller(caller): Caller,
    PathId(id): PathId,
    Json(body): Json<Resume>,
) -> ApiResult<(StatusCode, axum::Json<RunBody>)> {
    let run = app.runs.resume(&caller, id, body.answer).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(run.into())))
}

/// Cancels a run that has not finished. 409 when it has.
#[utoipa::path(post, path = "/api/v1/runs/{id}/cancel", tag = "runs", params(("id" = Uuid, Path)),
    responses((status = 200, description = "Cancelled", body = RunBody),
              (status = 409, description = "Already finished", content_type = "application/problem+json")))]
pub async fn cancel(
    State(app): State<App>,
    Caller(caller): Caller,
    PathId(id): PathId,
) -> ApiResult<axum::Json<RunBody>> {
    Ok(axum::Json(app.runs.cancel(&caller, id).await?.into()))
}

/// How often a followed run's log is read when no wake-up arrived (the bus announces every
/// change; this covers a Redis outage or instances without Redis).
pub const RUN_POLL_FALLBACK: Duration = Duration::from_secs(1);

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// Replay events after this sequence number (like `Last-Event-ID`).
    after: Option<u64>,
}

/// The run's events as server-sent events, replayable from `Last-Event-ID`; the stream ends
/// when the run has finished and every event was sent.
#[utoipa::path(get, path = "/api/v1/runs/{id}/events", tag = "runs", params(("id" = Uuid, Path), EventsQuery),
    responses((status = 200, description = "Event stream", content_type = "text/event-stream"),
              (status = 404, description = "No such run (or not yours)", content_type = "application/problem+json")))]
pub async fn events(
    State(app): State<App>,
    Caller(caller): Caller,
    PathId(id): PathId,
    headers: HeaderMap,
    query: Result<Query<EventsQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let Query(query) = query.map_err(|_| Error::validation("`after` must be a whole number"))?;
    let from_header = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok());
    let after = from_header.or(query.after).unwrap_or(0);
    app.runs.get(&caller, id).await?;
    let deadline = tokio::time::Instant::now() + STREAM_LIMIT;
    let wakeup = app::coord::Wakeup::new(&app.bus, app::coord::topics::run(id), RUN_POLL_FALLBACK);
    let state = (after, 0u8, wakeup);
    let stream = futures::stream::unfold(state, move |(mut after, mut quiet_terminal, mut wakeup)| {
        let runs = app.runs.clone();
        let caller = caller.clone();
        async move {
            loop {
                if tokio::time::Instant::now() > deadline || quiet_terminal >= 2 {
                    return None;
                }
                let (run, batch) = runs.events(&caller, id, after, 100).await.ok()?;
                if let Some(last) = batch.last() {
                    after = last.seq;
                    let events: Vec<Result<Event, Infallible>> = batch
                        .into_iter()
                        .map(|e| {
                            let data = json!({"seq": e.seq, "kind": e.kind, "data": e.data, "at": e.created_at});
                            Ok(Event::default().id(e.seq.to_string()).event(e.kind).data(data.to_string()))
                        })
                        .collect();
                    return Some((futures::stream::iter(events), (after, 0, wakeup)));
                }
                // Finished and nothing new twice in a row: the last events (written just after
                // the final status) have been sent.
                if run.status.is_terminal() {
                    quiet_terminal += 1;
                }
                wakeup.wait().await;
            }
        }
    })
    .flatten();
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
