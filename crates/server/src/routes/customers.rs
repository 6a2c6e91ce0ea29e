use app::App;
use axum::extract::State;
use domain::sales::limits::MAX_CODE_CHARS;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{Params, limit, text};
use crate::http::auth::Caller;
use crate::http::problem::ApiResult;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Part of the code or name, any case; empty lists all.
    q: Option<String>,
    /// 1–100, default 20.
    limit: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CustomerView {
    code: String,
    name: String,
    price_list: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CustomerList {
    /// In code order.
    customers: Vec<CustomerView>,
}

/// Customers whose code or name contains `q`, for choosing one (staff and up).
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", params(SearchQuery),
    responses((status = 200, description = "Matching customers", body = CustomerList),
              (status = 422, description = "Invalid parameter", content_type = "application/problem+json")))]
pub async fn search(
    State(app): State<App>,
    Caller(caller): Caller,
    Params(query): Params<SearchQuery>,
) -> ApiResult<axum::Json<CustomerList>> {
    let q = text("q", query.q.as_deref(), MAX_CODE_CHARS)?.unwrap_or_default();
    let limit = limit(query.limit.as_deref(), 20, 100)?;
    let found = app.sales.customers.search(&caller, &q, limit as usize).await?;
    let customers =
        found.into_iter().map(|c| CustomerView { code: c.code, name: c.name, price_list: c.price_list }).collect();
    Ok(axum::Json(CustomerList { customers }))
}
