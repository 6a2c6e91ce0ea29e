use app::App;
use axum::extract::State;
use domain::Error;
use domain::sales::limits::MAX_PAGE;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{Params, limit, text};
use crate::http::auth::Caller;
use crate::http::problem::ApiResult;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQueryParams {
    /// One action (`price.update`) or a family ending in a dot (`price.`).
    action: Option<String>,
    /// Page on: the last seq seen.
    before: Option<String>,
    /// 1–1000, default 100.
    limit: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    /// Newest first: seq, at, actor {id, kind, name}, action, target, old, new, prev_hash, hash.
    #[schema(value_type = Vec<Object>)]
    entries: Vec<serde_json::Value>,
    /// Pass as `before` for the next page; absent on the last one.
    next_before: Option<u64>,
}

/// The audit log, newest first (admin only).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQueryParams),
    responses((status = 200, description = "Entries", body = AuditPage),
              (status = 403, description = "Needs the admin role", content_type = "application/problem+json"),
              (status = 422, description = "Invalid parameter", content_type = "application/problem+json")))]
pub async fn list(
    State(app): State<App>,
    Caller(caller): Caller,
    Params(query): Params<AuditQueryParams>,
) -> ApiResult<axum::Json<AuditPage>> {
    caller.require(domain::Role::Admin)?;
    let action = text("action", query.action.as_deref(), app::sales::MAX_ACTION_FILTER_CHARS)?;
    let before = match text("before", query.before.as_deref(), 20)? {
        None => None,
        Some(s) => Some(s.parse::<u64>().map_err(|_| Error::validation("before: a seq from the previous page"))?),
    };
    let limit = limit(query.limit.as_deref(), 100, MAX_PAGE)?;
    let entries = app.sales.audit.list(&caller, action.as_deref(), before, limit).await?;
    let next_before = (entries.len() == limit as usize).then(|| entries.last().map(|e| e.seq)).flatten();
    let entries = entries.iter().map(serde_json::to_value).collect::<Result<Vec<_>, _>>().map_err(Error::internal)?;
    Ok(axum::Json(AuditPage { entries, next_before }))
}
