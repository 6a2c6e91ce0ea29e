//! The sales report: exact sums per day, customer, item or salesperson over a bounded date range,
//! as data, as an .xlsx workbook or as an SVG bar chart of the amounts.

use std::sync::Arc;

use chrono::NaiveDate;
use domain::sales::limits::MAX_REPORT_GROUPS;
use domain::sales::{SalesGroup, SalesReportRow};
use domain::{Error, Result};
use rust_decimal::Decimal;
use store::{SalesReportQuery, Store};

/// The longest range one report covers (a leap year, both ends included).
pub const MAX_REPORT_DAYS: i64 = 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Json,
    Xlsx,
    Svg,
}

impl ReportFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "json" => Some(Self::Json),
            "xlsx" => Some(Self::Xlsx),
            "svg" => Some(Self::Svg),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct ReportRequest {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group: SalesGroup,
}

#[derive(Debug, Clone)]
pub struct SalesReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group: SalesGroup,
    pub rows: Vec<SalesReportRow>,
    pub total_quantity: Decimal,
    pub total_amount: Decimal,
    pub total_lines: u64,
}

#[derive(Clone)]
pub struct ReportService {
    store: Arc<dyn Store>,
}

impl ReportService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    pub async fn sales(&self, req: ReportRequest) -> Result<SalesReport> {
        if req.from > req.to {
            return Err(Error::validation("from: must not be after `to`"));
        }
        if (req.to - req.from).num_days() + 1 > MAX_REPORT_DAYS {
            return Err(Error::validation(format!("to: a report covers at most {MAX_REPORT_DAYS} days")));
        }
        let query = SalesReportQuery { from: req.from, to: req.to, group: req.group, limit: MAX_REPORT_GROUPS };
        let rows = self.store.sales_report(&query).await?;
        let overflow = || Error::validation("the report's totals are out of range; choose a shorter period");
        let (mut total_quantity, mut total_amount, mut total_lines) = (Decimal::ZERO, Decimal::ZERO, 0u64);
        for r in &rows {
            total_quantity = total_quantity.checked_add(r.quantity).ok_or_else(overflow)?;
            total_amount = total_amount.checked_add(r.amount).ok_or_else(overflow)?;
            total_lines = total_lines.saturating_add(r.lines);
        }
        Ok(SalesReport {
            from: req.from,
            to: req.to,
            group: req.group,
            rows,
            total_quantity: total_quantity.normalize(),
            total_amount: total_amount.normalize(),
            total_lines,
        })
    }

    /// The report as an .xlsx workbook (user text stays text, never a formula).
    pub fn xlsx(report: &SalesReport) -> Result<Vec<u8>> {
        let sheet = sheets::Report {
            title: title(report),
            group_label: group_label(report.group).to_owned(),
            rows: report
                .rows
                .iter()
                .map(|r| sheets::ReportRow {
                    key: shown_key(&r.key),
                    quantity: r.quantity,
                    amount: r.amount,
                    lines: r.lines,
                })
                .collect(),
        };
        Ok(sheets::write_sales_report(&sheet)?)
    }

    /// The amounts as a self-contained SVG bar chart (all text escaped, nothing that runs).
    pub fn svg(report: &SalesReport) -> String {
        let points: Vec<(String, Decimal)> = report.rows.iter().map(|r| (shown_key(&r.key), r.amount)).collect();
        sheets::render_bar_chart(&title(report), &points)
    }
}

fn title(report: &SalesReport) -> String {
    format!("Sales by {} from {} to {}", report.group.as_str(), report.from, report.to)
}

fn group_label(group: SalesGroup) -> &'static str {
    match group {
        SalesGroup::Day => "Day",
        SalesGroup::Customer => "Customer",
        SalesGroup::Item => "Item",
        SalesGroup::Salesperson => "Salesperson",
    }
}

/// Lines without a salesperson are grouped under an empty key; a reader needs a word for it.
fn shown_key(key: &str) -> String {
    if key.is_empty() { "(none)".to_owned() } else { key.to_owned() }
}
