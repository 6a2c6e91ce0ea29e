//! The in-memory search index over the catalog. Every instance builds its own from the store and
//! rebuilds it when the store's catalog version moves past the one it was built at (an import on
//! any instance bumps it), so instances agree without sharing memory.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use domain::sales::limits::MAX_PAGE;
use domain::{Error, Result};
use matching::{CatalogEntry, Matcher};
use store::Store;

/// How stale an index may be before a search asks the store for the catalog version again: one
/// cheap query per interval, not per search.
const RECHECK_EVERY: Duration = Duration::from_secs(2);

struct Built {
    version: u64,
    matcher: Arc<Matcher>,
    checked_at: Instant,
}

pub struct CatalogIndex {
    store: Arc<dyn Store>,
    current: RwLock<Option<Built>>,
    /// One rebuild at a time; searches meanwhile use the index they have.
    rebuilding: tokio::sync::Mutex<()>,
}

impl CatalogIndex {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store, current: RwLock::new(None), rebuilding: tokio::sync::Mutex::new(()) }
    }

    /// The matcher for the current catalog, rebuilt first when the catalog changed.
    pub async fn matcher(&self) -> Result<Arc<Matcher>> {
        if let Some(fresh) = self.fresh() {
            return Ok(fresh);
        }
        let version = self.store.catalog_version().await?;
        if let Some(same) = self.at_version(version) {
            return Ok(same);
        }
        let _one = self.rebuilding.lock().await;
        // Someone else may have rebuilt it while this one waited.
        if let Some(same) = self.at_version(version) {
            return Ok(same);
        }
        let matcher = Arc::new(self.build().await?);
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        *current = Some(Built { version, matcher: matcher.clone(), checked_at: Instant::now() });
        Ok(matcher)
    }

    fn fresh(&self) -> Option<Arc<Matcher>> {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        current.as_ref().filter(|b| b.checked_at.elapsed() < RECHECK_EVERY).map(|b| b.matcher.clone())
    }

    fn at_version(&self, version: u64) -> Option<Arc<Matcher>> {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        let built = current.as_mut().filter(|b| b.version >= version)?;
        built.checked_at = Instant::now();
        Some(built.matcher.clone())
    }

    async fn build(&self) -> Result<Matcher> {
        let mut entries = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = self.store.items_after(after.as_deref(), MAX_PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.sku.clone());
            let full = page.len() >= MAX_PAGE as usize;
            entries.extend(page.into_iter().map(|item| CatalogEntry {
                sku: item.sku,
                name: item.name,
                brand: item.brand,
                category: item.category,
                unit: item.unit.unwrap_or_default(),
                barcode: item.barcode,
                aliases: item.aliases,
            }));
            if !full {
                break;
            }
        }
        let started = Instant::now();
        let count = entries.len();
        // Building is CPU work (tokenising every item); it must not stall the async workers.
        let matcher = tokio::task::spawn_blocking(move || Matcher::build(entries))
            .await
            .map_err(Error::internal)?
            .map_err(Error::internal)?;
        tracing::info!(items = count, ms = started.elapsed().as_millis() as u64, "catalog index built");
        Ok(matcher)
    }
}
