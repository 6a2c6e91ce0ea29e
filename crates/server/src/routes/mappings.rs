use app::App;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::Error;
use domain::sales::Mapping;
use domain::sales::limits::{MAX_CODE_CHARS, MAX_PAGE, MAX_WORDING_CHARS};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{Params, limit, required_text, text};
use crate::http::auth::Caller;
use crate::http::json::Json;
use crate::http::problem::ApiResult;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// The customer code (required).
    customer: Option<String>,
    /// Page on: the last (normalised) wording seen.
    after: Option<String>,
    /// 1–1000, default 100.
    limit: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DeleteQuery {
    customer: Option<String>,
    /// As written or normalised; it is normalised for the lookup.
    wording: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMappingBody {
    customer: String,
    /// The customer's wording, e.g. "aqua 600 dus"; stored normalised.
    wording: String,
    sku: String,
}

#[derive(Serialize, ToSchema)]
pub struct MappingView {
    customer: String,
    /// Normalised.
    wording: String,
    sku: String,
    /// `manual` or `learned`.
    source: &'static str,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<Mapping> for MappingView {
    fn from(m: Mapping) -> Self {
        Self {
            customer: m.customer,
            wording: m.wording,
            sku: m.sku,
            source: m.source.as_str(),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MappingList {
    mappings: Vec<MappingView>,
    /// Pass as `after` for the next page; absent on the last one.
    next_after: Option<String>,
}

/// A customer's wording → SKU mappings, in wording order.
#[utoipa::path(get, path = "/api/v1/mappings", tag = "mappings", params(ListQuery),
    responses((status = 200, description = "Mappings", body = MappingList),
              (status = 422, description = "Missing or invalid parameter", content_type = "application/problem+json")))]
pub async fn list(
    State(app): State<App>,
    Caller(_caller): Caller,
    Params(query): Params<ListQuery>,
) -> ApiResult<axum::Json<MappingList>> {
    let customer = required_text("customer", query.customer.as_deref(), MAX_CODE_CHARS)?;
    let after = text("after", query.after.as_deref(), MAX_WORDING_CHARS)?;
    let limit = limit(query.limit.as_deref(), 100, MAX_PAGE)?;
    let mappings = app.sales.mappings.list(&customer, after.as_deref(), limit).await?;
    let next_after = (mappings.len() == limit as usize).then(|| mappings.last().map(|m| m.wording.clone())).flatten();
    Ok(axum::Json(MappingList { mappings: mappings.into_iter().map(MappingView::from).collect(), next_after }))
}

/// Creates a mapping, or points the existing one for this wording at another SKU (manager or
/// admin; audited).
#[utoipa::path(post, path = "/api/v1/mappings", tag = "mappings", request_body = NewMappingBody,
    responses((status = 201, description = "Stored", body = MappingView),
              (status = 403, description = "Needs the manager role", content_type = "application/problem+json"),
              (status = 422, description = "Invalid field, unknown customer or SKU", content_type = "application/problem+json")))]
pub async fn create(
    State(app): State<App>,
    Caller(caller): Caller,
    Json(body): Json<NewMappingBody>,
) -> ApiResult<(StatusCode, axum::Json<MappingView>)> {
    let mapping = app.sales.mappings.upsert(&caller, &body.customer, &body.wording, &body.sku).await?;
    Ok((StatusCode::CREATED, axum::Json(mapping.into())))
}

/// Deletes a mapping (manager or admin; audited).
#[utoipa::path(delete, path = "/api/v1/mappings", tag = "mappings", params(DeleteQuery),
    responses((status = 204, description = "Deleted"),
              (status = 403, description = "Needs the manager role", content_type = "application/problem+json"),
              (status = 404, description = "No such mapping", content_type = "application/problem+json")))]
pub async fn delete(
    State(app): State<App>,
    Caller(caller): Caller,
    Params(query): Params<DeleteQuery>,
) -> ApiResult<StatusCode> {
    caller.require(domain::Role::Manager)?;
    let customer = required_text("customer", query.customer.as_deref(), MAX_CODE_CHARS)?;
    let wording = required_text("wording", query.wording.as_deref(), MAX_WORDING_CHARS)?;
    if app.sales.mappings.delete(&caller, &customer, &wording).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::not_found("mapping").into())
    }
}
