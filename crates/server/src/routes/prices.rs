use app::App;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use domain::Error;
use domain::sales::Price;
use domain::sales::limits::MAX_CODE_CHARS;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{Params, date, decimal, etag, if_match, required_text, text};
use crate::http::auth::Caller;
use crate::http::json::Json;
use crate::http::problem::ApiResult;

/// Prices are kept in one currency.
const CURRENCY: &str = "IDR";

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PriceQuery {
    sku: Option<String>,
    /// Default `default`.
    price_list: Option<String>,
    /// The day to price on (YYYY-MM-DD, default today).
    on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PriceView {
    price_list: String,
    sku: String,
    effective_from: NaiveDate,
    /// Exact decimal string.
    amount: String,
    currency: &'static str,
    /// Send it back as `If-Match` to change this row.
    version: u64,
    updated_at: DateTime<Utc>,
}

impl From<Price> for PriceView {
    fn from(p: Price) -> Self {
        Self {
            price_list: p.price_list,
            sku: p.sku,
            effective_from: p.effective_from,
            amount: p.amount.to_string(),
            currency: CURRENCY,
            version: p.version,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PriceQuoteView {
    price_list: String,
    sku: String,
    on: NaiveDate,
    /// The row in effect on `on`; its version is also the response's ETag.
    current: Option<PriceView>,
    /// Every effective-dated row, oldest first.
    schedule: Vec<PriceView>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceChangeBody {
    /// Exact decimal string, e.g. "3500.50".
    #[schema(value_type = String)]
    amount: serde_json::Value,
    /// The row to change (YYYY-MM-DD); default the row in effect today.
    effective_from: Option<String>,
}

/// A SKU's price in a list: the one in effect and the whole schedule.
#[utoipa::path(get, path = "/api/v1/prices", tag = "prices", params(PriceQuery),
    responses((status = 200, description = "The price", body = PriceQuoteView,
                headers(("ETag" = String, description = "The current row's version"))),
              (status = 404, description = "No such item", content_type = "application/problem+json"),
              (status = 422, description = "Missing or invalid parameter", content_type = "application/problem+json")))]
pub async fn get(
    State(app): State<App>,
    Caller(_caller): Caller,
    Params(query): Params<PriceQuery>,
) -> ApiResult<Response> {
    let sku = required_text("sku", query.sku.as_deref(), MAX_CODE_CHARS)?;
    let price_list = text("price_list", query.price_list.as_deref(), MAX_CODE_CHARS)?;
    let on = date("on", query.on.as_deref())?.unwrap_or_else(|| Utc::now().date_naive());
    let quote = app.sales.prices.quote(price_list.as_deref(), &sku, on).await?;
    let tag = quote.current.as_ref().map(|p| etag(p.version));
    let body = PriceQuoteView {
        price_list: quote.price_list,
        sku: quote.sku,
        on: quote.day,
        current: quote.current.map(PriceView::from),
        schedule: quote.schedule.into_iter().map(PriceView::from).collect(),
    };
    let mut response = axum::Json(body).into_response();
    if let Some(tag) = tag.and_then(|t| t.parse().ok()) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    Ok(response)
}

/// Changes a price (manager or admin). Send `If-Match` with the ETag you read: without it the
/// answer is 428, with a stale one 412; the audit log records the old and new values.
#[utoipa::path(put, path = "/api/v1/prices/{price_list}/{sku}", tag = "prices",
    params(("price_list" = String, Path), ("sku" = String, Path),
           ("If-Match" = Option<String>, Header, description = "The ETag of the row being changed")),
    request_body = PriceChangeBody,
    responses((status = 200, description = "Changed", body = PriceView,
                headers(("ETag" = String, description = "The new version"))),
              (status = 403, description = "Needs the manager role", content_type = "application/problem+json"),
              (status = 404, description = "No such item or price row", content_type = "application/problem+json"),
              (status = 412, description = "The price changed since it was read", content_type = "application/problem+json"),
              (status = 422, description = "Invalid amount or date", content_type = "application/problem+json"),
              (status = 428, description = "If-Match is required", content_type = "application/problem+json")))]
pub async fn put(
    State(app): State<App>,
    Caller(caller): Caller,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    Json(body): Json<PriceChangeBody>,
) -> ApiResult<Response> {
    let Ok(Path((price_list, sku))) = path else { return Err(Error::not_found("price").into()) };
    caller.require(domain::Role::Manager)?;
    let amount = decimal("amount", &body.amount)?;
    let effective_from = date("effective_from", body.effective_from.as_deref())?;
    let expected = if_match(&headers)?;
    let price = app.sales.prices.change(&caller, &price_list, &sku, amount, effective_from, expected).await?;
    let tag = etag(price.version);
    let mut response = axum::Json(PriceView::from(price)).into_response();
    if let Ok(tag) = tag.parse() {
        response.headers_mut().insert(header::ETAG, tag);
    }
    Ok(response)
}
