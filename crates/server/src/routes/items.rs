use app::App;
use axum::extract::{Path, State};
use domain::Error;
use domain::sales::limits::MAX_CODE_CHARS;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{Params, limit, required_text};
use crate::http::auth::Caller;
use crate::http::problem::ApiResult;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Loosely written text ("aqua 600ml 2 dus"), 1–256 characters.
    q: Option<String>,
    /// At most this many candidates (1–50, default 10).
    limit: Option<String>,
    /// A customer code: what this customer bought in the last year breaks the ties the text
    /// leaves open ("aqua 2 dus" ranks the customer's Aqua first). Unknown codes get 404.
    customer: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ItemHit {
    sku: String,
    name: String,
    unit: String,
    /// The ranker's score; higher is better. With semantic re-ranking configured, candidates
    /// whose scores are within 0.01 of each other (a tie) are ordered by semantic similarity.
    score: f32,
    /// Calibrated probability (0–1) that this is the item meant.
    confidence: f32,
}

#[derive(Serialize, ToSchema)]
pub struct ItemHits {
    /// Best first.
    items: Vec<ItemHit>,
}

#[derive(Serialize, ToSchema)]
pub struct StockView {
    warehouse: String,
    /// Exact decimal string.
    quantity: String,
}

#[derive(Serialize, ToSchema)]
pub struct ItemView {
    sku: String,
    name: String,
    brand: Option<String>,
    category: Option<String>,
    unit: Option<String>,
    barcode: Option<String>,
    aliases: Vec<String>,
    stock: Vec<StockView>,
    /// The sum over warehouses, exact decimal string.
    total_stock: String,
}

/// Catalog search: ranked candidates for loosely written text, best first.
#[utoipa::path(get, path = "/api/v1/items", tag = "catalog", params(SearchQuery),
    responses((status = 200, description = "Candidates, best first", body = ItemHits),
              (status = 404, description = "No such customer", content_type = "application/problem+json"),
              (status = 422, description = "Missing or invalid parameter", content_type = "application/problem+json")))]
pub async fn search(
    State(app): State<App>,
    Caller(_caller): Caller,
    Params(query): Params<SearchQuery>,
) -> ApiResult<axum::Json<ItemHits>> {
    let q = required_text("q", query.q.as_deref(), app::catalog::MAX_QUERY_CHARS)?;
    let limit = limit(query.limit.as_deref(), 10, 50)?;
    let history = match query.customer.as_deref() {
        Some(code) => {
            let code = required_text("customer", Some(code), MAX_CODE_CHARS)?;
            app.store.customer(&code).await?.ok_or_else(|| Error::not_found("customer"))?;
            Some(app.catalog.history(&code, chrono::Utc::now().date_naive()).await?)
        }
        None => None,
    };
    let hits = app.catalog.search_for(&q, limit as usize, history.as_ref()).await?;
    let items = hits
        .into_iter()
        .map(|c| ItemHit { sku: c.sku, name: c.name, unit: c.unit, score: c.score, confidence: c.confidence })
        .collect();
    Ok(axum::Json(ItemHits { items }))
}

/// One item with its stock per warehouse.
#[utoipa::path(get, path = "/api/v1/items/{sku}", tag = "catalog", params(("sku" = String, Path)),
    responses((status = 200, description = "The item", body = ItemView),
              (status = 404, description = "No such item", content_type = "application/problem+json")))]
pub async fn detail(
    State(app): State<App>,
    Caller(_caller): Caller,
    sku: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> ApiResult<axum::Json<ItemView>> {
    let Ok(Path(sku)) = sku else { return Err(Error::not_found("item").into()) };
    if sku.is_empty() || sku.chars().count() > MAX_CODE_CHARS {
        return Err(Error::not_found("item").into());
    }
    let detail = app.catalog.item(&sku).await?;
    let total = detail.stock.iter().fold(rust_decimal::Decimal::ZERO, |sum, s| sum.saturating_add(s.quantity));
    let item = detail.item;
    Ok(axum::Json(ItemView {
        sku: item.sku,
        name: item.name,
        brand: item.brand,
        category: item.category,
        unit: item.unit,
        barcode: item.barcode,
        aliases: item.aliases,
        stock: detail
            .stock
            .into_iter()
            .map(|s| StockView { warehouse: s.warehouse, quantity: s.quantity.to_string() })
            .collect(),
        total_stock: total.normalize().to_string(),
    }))
}
