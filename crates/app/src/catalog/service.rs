use std::sync::Arc;

use domain::sales::{Item, StockLevel};
use domain::{Error, Result};
use matching::Candidate;
use store::Store;

use super::semantic::SemanticRanker;
use super::{CatalogIndex, CustomerHistory};

/// Longest search text accepted; the matcher looks at no more.
pub const MAX_QUERY_CHARS: usize = 256;

#[derive(Clone)]
pub struct CatalogService {
    store: Arc<dyn Store>,
    index: Arc<CatalogIndex>,
    /// Breaks lexical ties by semantic similarity, when an embeddings endpoint is configured.
    semantic: Option<Arc<SemanticRanker>>,
}

/// An item with its stock per warehouse.
#[derive(Debug, Clone)]
pub struct ItemDetail {
    pub item: Item,
    pub stock: Vec<StockLevel>,
}

impl CatalogService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        let index = Arc::new(CatalogIndex::new(store.clone()));
        Self { store, index, semantic: None }
    }

    /// With semantic re-ranking through `semantic` (see [`super::semantic`]); `None` keeps search lexical.
    pub fn with_semantic(mut self, semantic: Option<Arc<SemanticRanker>>) -> Self {
        self.semantic = semantic;
        self
    }

    /// Ranked candidates for loosely written text, best first (`limit` within 1..=50).
    pub async fn search(&self, query: &str, limit: usize) -> Result<Vec<Candidate>> {
        self.search_for(query, limit, None).await
    }

    /// [`CatalogService::search`] for a customer: its history breaks the ties the text leaves open.
    pub async fn search_for(
        &self,
        query: &str,
        limit: usize,
        history: Option<&CustomerHistory>,
    ) -> Result<Vec<Candidate>> {
        let query = query.trim();
        if query.is_empty() || query.chars().count() > MAX_QUERY_CHARS {
            return Err(Error::validation(format!("`q` has 1 to {MAX_QUERY_CHARS} characters")));
        }
        let limit = limit.clamp(1, matching::MAX_LIMIT);
        let matcher = self.index.matcher().await?;
        let history = history.filter(|h| !h.is_empty()).map(|h| h.for_matcher(&matcher));
        // A customer's history breaks the ties itself, by what the customer buys; embeddings
        // would reorder within its small prior differences and undo that, so they serve only
        // searches without one.
        let semantic = self.semantic.as_ref().filter(|_| history.is_none());
        let wanted = if semantic.is_some() { SemanticRanker::pool(limit) } else { limit };
        let (m, q) = (matcher.clone(), query.to_owned());
        // Searching is CPU work of a few milliseconds at most; it stays off the async workers anyway.
        let lexical = tokio::task::spawn_blocking(move || match history {
            Some(h) => m.search_for(&q, wanted, &h),
            None => m.search(&q, wanted),
        })
        .await
        .map_err(Error::internal)?;
        Ok(match semantic {
            Some(semantic) => semantic.rerank(&matcher, query, lexical, limit).await,
            None => lexical,
        })
    }

    /// The customer's purchases, for [`CatalogService::search_for`].
    pub async fn history(&self, customer: &str, today: chrono::NaiveDate) -> Result<CustomerHistory> {
        CustomerHistory::load(self.store.as_ref(), customer, today).await
    }

    pub async fn item(&self, sku: &str) -> Result<ItemDetail> {
        let item = self.store.item(sku).await?.ok_or_else(|| Error::not_found("item"))?;
        let stock = self.store.stock_of(&item.sku).await?;
        Ok(ItemDetail { item, stock })
    }

    /// Warms the index (at start), so the first search does not pay for building it.
    pub async fn warm(&self) -> Result<()> {
        self.index.matcher().await.map(drop)
    }
}
