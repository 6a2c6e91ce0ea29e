//! The sales domain's use cases over the store: prices, wording mappings, out-of-stock
//! registrations, reports, the audit log and bulk imports. Every rule about who may do what lives
//! here; the store only writes (and audits) what it is given.

mod audit_log;
mod customers;
pub mod import;
mod mappings;
mod oos;
mod prices;
mod reports;

use std::sync::Arc;

use store::Store;

pub use audit_log::{AuditLogService, MAX_ACTION_FILTER_CHARS};
pub use customers::CustomerService;
pub use import::{ImportKind, ImportOutcome, ImportService, Progress};
pub use mappings::MappingService;
pub use oos::{OosFilter, OosService};
pub use prices::{PriceQuote, PriceService};
pub use reports::{MAX_REPORT_DAYS, ReportFormat, ReportRequest, ReportService, SalesReport};

/// Every sales service, wired once over the store.
#[derive(Clone)]
pub struct SalesServices {
    pub prices: PriceService,
    pub mappings: MappingService,
    pub oos: OosService,
    pub reports: ReportService,
    pub audit: AuditLogService,
    pub import: ImportService,
    pub customers: CustomerService,
}

impl SalesServices {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            prices: PriceService::new(store.clone()),
            mappings: MappingService::new(store.clone()),
            oos: OosService::new(store.clone()),
            reports: ReportService::new(store.clone()),
            audit: AuditLogService::new(store.clone()),
            import: ImportService::new(store.clone()),
            customers: CustomerService::new(store),
        }
    }
}

/// Today's business day. UTC for now: every instance agrees on it without configuration.
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}
