use std::sync::Arc;

use axum::Extension;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::{Error, Role};

use crate::http::auth::Caller;
use crate::http::metrics;
use crate::http::problem::{ApiError, ApiResult};

/// Prometheus text exposition. Admins only here; `METRICS_PORT` serves it on loopback without auth.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus metrics", content_type = "text/plain"),
              (status = 403, description = "Not an admin", content_type = "application/problem+json")))]
pub async fn metrics(Caller(caller): Caller) -> ApiResult<Response> {
    caller.require(Role::Admin)?;
    Ok(render_metrics())
}

pub fn render_metrics() -> Response {
    match metrics::handle() {
        Some(handle) => {
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render()).into_response()
        }
        None => ApiError(Error::unavailable(std::io::Error::other("metrics recorder unavailable"))).into_response(),
    }
}

/// The OpenAPI 3.1 description of every route.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "OpenAPI document", content_type = "application/json")))]
pub async fn openapi_json(_caller: Caller, Extension(doc): Extension<Arc<String>>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], doc.as_str().to_owned()).into_response()
}
