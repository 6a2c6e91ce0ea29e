use app::App;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::{Error, ErrorCode, Role};
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

/// Each dependency's state, shown only to administrators (it maps the deployment).
#[derive(Serialize, ToSchema)]
pub struct Checks {
    database: bool,
    migrations: bool,
    objects: bool,
    /// `up`, `down` or `not_configured`.
    redis: &'static str,
    /// What shared limits do while Redis is down: `open` (this instance's own limits) or `closed`.
    redis_fail_mode: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct DetailedStatus {
    status: &'static str,
    checks: Checks,
}

/// Readiness: 200 only when the database and the object store answer and every migration is
/// applied (and Redis, when limits fail closed). An administrator's bearer token adds each
/// dependency's state, whatever the outcome.
#[utoipa::path(get, path = "/readyz", tag = "operations", security(()),
    responses(
        (status = 200, description = "Ready to serve (with `checks` for administrators)", body = DetailedStatus),
        (status = 503, description = "A dependency is not ready", content_type = "application/problem+json")
    ))]
pub async fn readyz(State(app): State<App>, headers: HeaderMap) -> Response {
    let readiness = app.readiness().await;
    let admin = match crate::http::auth::bearer(&headers) {
        Some(token) => app.auth.authenticate(token).await.is_ok_and(|p| p.require(Role::Admin).is_ok()),
        None => false,
    };
    if admin {
        let status = if readiness.ready() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
        let checks = Checks {
            database: readiness.database,
            migrations: readiness.migrations,
            objects: readiness.objects,
            redis: readiness.redis.as_str(),
            redis_fail_mode: readiness.redis_fail_mode.as_str(),
        };
        let body = DetailedStatus { status: if readiness.ready() { "ready" } else { "not_ready" }, checks };
        return (status, Json(body)).into_response();
    }
    if readiness.ready() {
        Json(Status { status: "ready" }).into_response()
    } else {
        let detail = if !readiness.database {
            "the database is not reachable"
        } else if !readiness.migrations {
            "migrations are not applied"
        } else if !readiness.objects {
            "the object store is not reachable"
        } else {
            "the shared rate-limit store is not reachable"
        };
        ApiError(Error::new(ErrorCode::Unavailable, detail)).into_response()
    }
}
