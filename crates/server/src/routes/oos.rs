use app::App;
use app::sales::OosFilter;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use domain::Error;
use domain::sales::limits::{MAX_CODE_CHARS, MAX_PAGE};
use domain::sales::{Oos, OosStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::params::{Params, date, decimal, limit, text};
use crate::http::auth::Caller;
use crate::http::json::Json;
use crate::http::path_id::PathId;
use crate::http::problem::ApiResult;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOosBody {
    customer: String,
    sku: String,
    /// Exact decimal string, more than zero.
    #[schema(value_type = String)]
    quantity: serde_json::Value,
    /// The day asked for (YYYY-MM-DD, default today).
    day: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OosPatchBody {
    /// Only `resolved`.
    status: String,
    resolution: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `open` or `resolved`.
    status: Option<String>,
    customer: Option<String>,
    /// First day (YYYY-MM-DD).
    from: Option<String>,
    /// Last day (YYYY-MM-DD).
    to: Option<String>,
    /// Page on: the last id seen.
    before: Option<String>,
    /// 1–1000, default 100.
    limit: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OosView {
    id: Uuid,
    customer: String,
    sku: String,
    day: NaiveDate,
    /// Exact decimal string.
    quantity: String,
    note: Option<String>,
    /// `open` or `resolved`.
    status: &'static str,
    resolution: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    resolved_at: Option<DateTime<Utc>>,
}

impl From<Oos> for OosView {
    fn from(o: Oos) -> Self {
        Self {
            id: o.id,
            customer: o.customer,
            sku: o.sku,
            day: o.day,
            quantity: o.quantity.to_string(),
            note: o.note,
            status: o.status.as_str(),
            resolution: o.resolution,
            created_at: o.created_at,
            updated_at: o.updated_at,
            resolved_at: o.resolved_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OosList {
    /// Newest first.
    registrations: Vec<OosView>,
    /// Pass as `before` for the next page; absent on the last one.
    next_before: Option<Uuid>,
}

/// Registers an item a customer asked for and could not get. A repeat for the same customer,
/// item and day adds its quantity to the open registration (200 instead of 201). Audited.
#[utoipa::path(post, path = "/api/v1/oos", tag = "out-of-stock", request_body = NewOosBody,
    responses((status = 201, description = "Registered", body = OosView),
              (status = 200, description = "Added to the open registration", body = OosView),
              (status = 422, description = "Invalid field, unknown customer or SKU", content_type = "application/problem+json")))]
pub async fn create(
    State(app): State<App>,
    Caller(caller): Caller,
    Json(body): Json<NewOosBody>,
) -> ApiResult<(StatusCode, axum::Json<OosView>)> {
    let quantity = decimal("quantity", &body.quantity)?;
    let day = date("day", body.day.as_deref())?;
    let oos =
        app.sales.oos.register(&caller, &body.customer, &body.sku, quantity, day, body.note.as_deref(), None).await?;
    let status = if oos.created_at == oos.updated_at { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, axum::Json(oos.into())))
}

/// Registrations, newest first, filtered.
#[utoipa::path(get, path = "/api/v1/oos", tag = "out-of-stock", params(ListQuery),
    responses((status = 200, description = "Registrations", body = OosList),
              (status = 422, description = "Invalid parameter", content_type = "application/problem+json")))]
pub async fn list(
    State(app): State<App>,
    Caller(_caller): Caller,
    Params(query): Params<ListQuery>,
) -> ApiResult<axum::Json<OosList>> {
    let status = match text("status", query.status.as_deref(), 16)? {
        None => None,
        Some(s) => Some(OosStatus::parse(&s).ok_or_else(|| Error::validation("status: `open` or `resolved`"))?),
    };
    let before = match text("before", query.before.as_deref(), 36)? {
        None => None,
        Some(s) => Some(Uuid::try_parse(&s).map_err(|_| Error::validation("before: an id from the previous page"))?),
    };
    let limit = limit(query.limit.as_deref(), 100, MAX_PAGE)?;
    let filter = OosFilter {
        status,
        customer: text("customer", query.customer.as_deref(), MAX_CODE_CHARS)?,
        from: date("from", query.from.as_deref())?,
        to: date("to", query.to.as_deref())?,
        before,
        limit,
    };
    let found = app.sales.oos.list(filter).await?;
    let next_before = (found.len() == limit as usize).then(|| found.last().map(|o| o.id)).flatten();
    Ok(axum::Json(OosList { registrations: found.into_iter().map(OosView::from).collect(), next_before }))
}

/// Resolves an open registration (manager or admin; audited).
#[utoipa::path(patch, path = "/api/v1/oos/{id}", tag = "out-of-stock", params(("id" = Uuid, Path)),
    request_body = OosPatchBody,
    responses((status = 200, description = "Resolved", body = OosView),
              (status = 403, description = "Needs the manager role", content_type = "application/problem+json"),
              (status = 404, description = "No such registration", content_type = "application/problem+json"),
              (status = 409, description = "Resolved already", content_type = "application/problem+json")))]
pub async fn resolve(
    State(app): State<App>,
    Caller(caller): Caller,
    PathId(id): PathId,
    Json(body): Json<OosPatchBody>,
) -> ApiResult<axum::Json<OosView>> {
    if body.status != OosStatus::Resolved.as_str() {
        return Err(Error::validation("status: only `resolved` can be set").into());
    }
    Ok(axum::Json(app.sales.oos.resolve(&caller, id, body.resolution.as_deref()).await?.into()))
}
