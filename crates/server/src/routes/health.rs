use app::App;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::{Error, ErrorCode};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::problem::ApiError;

#[derive(Serialize, ToSchema)]
pub struct Status {
    status: &'static str,
}

/// Liveness: 200 while the process serves requests. Touches nothing else on purpose, so a slow
/// database never gets a healthy process restarted.
#[utoipa::path(get, path = "/healthz", tag = "operations", security(()),
    responses((status = 200, description = "The process is alive", body = Status)))]
pub async fn healthz() -> Json<Status> {
    Json(Status { status: "ok" })
}

/// Readiness: 200 only when the database and the object store answer and every migration is applied.
#[utoipa::path(get, path = "/readyz", tag = "operations", security(()),
    responses(
        (status = 200, description = "Ready to serve", body = Status),
        (status = 503, description = "A dependency is not ready", content_type = "application/problem+json")
    ))]
pub async fn readyz(State(app): State<App>) -> Response {
    let readiness = app.readiness().await;
    if readiness.ready() {
        Json(Status { status: "ready" }).into_response()
    } else {
        let detail = if !readiness.database {
            "the database is not reachable"
        } else if !readiness.migrations {
            "migrations are not applied"
        } else {
            "the object store is not reachable"
        };
        ApiError(Error::new(ErrorCode::Unavailable, detail)).into_response()
    }
}
