use app::App;
use app::sales::{ReportFormat, ReportRequest, ReportService, SalesReport};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::Error;
use domain::sales::SalesGroup;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{Params, required_date, required_text, text};
use crate::http::auth::Caller;
use crate::http::problem::ApiResult;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// First day (YYYY-MM-DD).
    from: Option<String>,
    /// Last day (YYYY-MM-DD), at most 366 days after `from` counting both.
    to: Option<String>,
    /// `day`, `customer`, `item` or `salesperson`.
    group_by: Option<String>,
    /// `json` (default), `xlsx` or `svg`.
    format: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReportRowView {
    key: String,
    /// Exact decimal strings.
    quantity: String,
    amount: String,
    lines: u64,
}

#[derive(Serialize, ToSchema)]
pub struct ReportView {
    from: NaiveDate,
    to: NaiveDate,
    group_by: &'static str,
    rows: Vec<ReportRowView>,
    total_quantity: String,
    total_amount: String,
    total_lines: u64,
}

fn view(report: SalesReport) -> ReportView {
    ReportView {
        from: report.from,
        to: report.to,
        group_by: report.group.as_str(),
        rows: report
            .rows
            .into_iter()
            .map(|r| ReportRowView {
                key: r.key,
                quantity: r.quantity.to_string(),
                amount: r.amount.to_string(),
                lines: r.lines,
            })
            .collect(),
        total_quantity: report.total_quantity.to_string(),
        total_amount: report.total_amount.to_string(),
        total_lines: report.total_lines,
    }
}

/// Sales per day, customer, item or salesperson with exact sums: JSON, an .xlsx attachment or an
/// SVG bar chart of the amounts.
#[utoipa::path(get, path = "/api/v1/reports/sales", tag = "reports", params(ReportQuery),
    responses((status = 200, description = "The report: JSON, or with `format` an .xlsx attachment or an SVG image",
                body = ReportView),
              (status = 422, description = "Missing or invalid parameter", content_type = "application/problem+json")))]
pub async fn sales(
    State(app): State<App>,
    Caller(_caller): Caller,
    Params(query): Params<ReportQuery>,
) -> ApiResult<Response> {
    let from = required_date("from", query.from.as_deref())?;
    let to = required_date("to", query.to.as_deref())?;
    let group = required_text("group_by", query.group_by.as_deref(), 16)?;
    let group = SalesGroup::parse(&group)
        .ok_or_else(|| Error::validation("group_by: `day`, `customer`, `item` or `salesperson`"))?;
    let format = match text("format", query.format.as_deref(), 8)? {
        None => ReportFormat::Json,
        Some(f) => ReportFormat::parse(&f).ok_or_else(|| Error::validation("format: `json`, `xlsx` or `svg`"))?,
    };
    let report = app.sales.reports.sales(ReportRequest { from, to, group }).await?;
    let name = format!("sales-{}-{from}-{to}", group.as_str());
    Ok(match format {
        ReportFormat::Json => axum::Json(view(report)).into_response(),
        ReportFormat::Xlsx => {
            let bytes = ReportService::xlsx(&report)?;
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX));
            if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.xlsx\"")) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            response
        }
        ReportFormat::Svg => {
            let mut response = ReportService::svg(&report).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
            headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            // Opened directly, an SVG is a document that could run script; this one never may.
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'",
                ),
            );
            response
        }
    })
}
