//! Bulk imports from .csv / .xlsx / .xls: read with the sheet limits, parse, clean every row with
//! the domain's rules, check references against the store, then write all in one store call
//! (which is all or nothing). Every bad row is reported with its sheet row number and column;
//! by default any bad row means nothing is written, with `partial` the good rows are.

mod checks;
mod convert;

use std::sync::Arc;

use chrono::Utc;
use domain::audit::Actor;
use domain::{Error, Result};
use sheets::RowError;
use store::Store;

use convert::Converted;

/// Bad rows kept in an outcome; the rest are only counted, so a wholly wrong file stays bounded.
pub const MAX_REPORTED_ROW_ERRORS: usize = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Catalog,
    Prices,
    Customers,
    Sales,
}

impl ImportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Catalog => "catalog",
            ImportKind::Prices => "prices",
            ImportKind::Customers => "customers",
            ImportKind::Sales => "sales",
        }
    }
}

/// Where a running import is, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub stage: &'static str,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Default)]
pub struct ImportOutcome {
    /// Data rows in the file.
    pub rows_in_file: u64,
    /// Rows written; zero when nothing was.
    pub imported: u64,
    /// Stock levels written with a catalog import.
    pub stock_levels: u64,
    /// The bad rows, sheet order, at most [`MAX_REPORTED_ROW_ERRORS`].
    pub errors: Vec<RowError>,
    /// Every bad row's problem, including those not kept.
    pub error_count: u64,
    pub catalog_version: Option<u64>,
}

#[derive(Clone)]
pub struct ImportService {
    store: Arc<dyn Store>,
}

/// Receives progress reports; a no-op is fine.
pub type ProgressSink<'a> = &'a mut (dyn FnMut(Progress) + Send);

impl ImportService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    /// Imports one file. File-level problems (unreadable, missing columns, too large) are an
    /// `Err`; row problems are in the outcome, and unless `partial` mean nothing was written.
    pub async fn import(
        &self,
        kind: ImportKind,
        bytes: &[u8],
        partial: bool,
        actor: &Actor,
        progress: ProgressSink<'_>,
    ) -> Result<ImportOutcome> {
        let table = sheets::read_table(bytes, None)?;
        let rows_in_file = table.rows.len() as u64;
        progress(Progress { stage: "parsing", done: 0, total: rows_in_file });
        let mut converted = convert::convert(kind, &table)?;
        progress(Progress { stage: "parsing", done: rows_in_file, total: rows_in_file });
        checks::check(&*self.store, &mut converted, progress).await?;

        let mut errors = std::mem::take(converted.errors_mut());
        errors.sort_by_key(|e| e.row);
        let mut outcome = ImportOutcome { rows_in_file, error_count: errors.len() as u64, ..Default::default() };
        errors.truncate(MAX_REPORTED_ROW_ERRORS);
        outcome.errors = errors;
        if (outcome.error_count > 0 && !partial) || converted.is_empty() {
            return Ok(outcome);
        }
        progress(Progress { stage: "writing", done: 0, total: converted.len() as u64 });
        self.write(converted, actor, &mut outcome).await?;
        progress(Progress { stage: "writing", done: outcome.imported, total: outcome.imported });
        Ok(outcome)
    }

    async fn write(&self, converted: Converted, actor: &Actor, outcome: &mut ImportOutcome) -> Result<()> {
        let now = Utc::now();
        let store = &self.store;
        let summary = match &converted {
            Converted::Catalog { items, stock, .. } => {
                let items_only: Vec<_> = items.iter().map(|(_, i)| i.clone()).collect();
                let levels: Vec<_> = stock.iter().map(|(_, s)| s.clone()).collect();
                // One transaction for the items and their stock: the file lands whole or not at all.
                // Every stock row was checked above (quantity, a known SKU), so a row the store
                // still names is an item row.
                let summary =
                    store.import_catalog(&items_only, &levels, actor, now).await.map_err(|e| at_sheet_row(e, items))?;
                outcome.stock_levels = levels.len() as u64;
                summary
            }
            Converted::Prices { rows, .. } => {
                let plain: Vec<_> = rows.iter().map(|(_, r)| r.clone()).collect();
                store.import_prices(&plain, actor, now).await.map_err(|e| at_sheet_row(e, rows))?
            }
            Converted::Customers { rows, .. } => {
                let plain: Vec<_> = rows.iter().map(|(_, r)| r.clone()).collect();
                store.import_customers(&plain, actor, now).await.map_err(|e| at_sheet_row(e, rows))?
            }
            Converted::Sales { rows, .. } => {
                let plain: Vec<_> = rows.iter().map(|(_, r)| r.clone()).collect();
                store.import_sales(&plain, actor, now).await.map_err(|e| at_sheet_row(e, rows))?
            }
        };
        outcome.imported = summary.rows;
        outcome.catalog_version = outcome.catalog_version.or(summary.catalog_version);
        Ok(())
    }
}

/// The store numbers rows by their place in what it was given; the user knows sheet rows.
fn at_sheet_row<T>(err: Error, rows: &[(usize, T)]) -> Error {
    let detail = err.detail();
    let Some(rest) = detail.strip_prefix("row ") else { return err };
    let Some((n, message)) = rest.split_once(": ") else { return err };
    match n.parse::<usize>().ok().and_then(|n| n.checked_sub(1)).and_then(|i| rows.get(i)) {
        Some((sheet_row, _)) => Error::new(err.code(), format!("row {sheet_row}: {message}")),
        None => err,
    }
}
