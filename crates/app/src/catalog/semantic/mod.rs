//! Optional semantic re-ranking of catalog matches through an OpenAI-compatible embeddings
//! endpoint (`EMBEDDINGS_BASE_URL`, `EMBEDDINGS_MODEL`, `EMBEDDINGS_API_KEY`).
//!
//! The lexical matcher ranks; embeddings only break its ties ([`rule`] says exactly how, and why
//! confidence is capped). Item vectors live in the database ([`store::ItemVectors`]), keyed by
//! item and model with a hash of the embedded text, and are computed lazily: a search that needs
//! vectors it does not find (or finds for an older text) embeds those in one batch, together with
//! the query, and stores them. Any failure leaves the lexical result as it was: the cause is
//! logged once per outage and counted in `embeddings_errors_total`, and a client never sees it.

mod cache;
mod client;
mod error;
mod items;
mod outage;
pub mod rule;
mod wire;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use config::EmbeddingsSettings;
use matching::{Candidate, Matcher};
use store::{ItemVector, Store};

pub use client::{EmbeddingsClient, EmbeddingsConfig, MAX_BATCH};
pub use error::EmbedError;

/// Lexical candidates looked at when `limit` is smaller: a tie at the last place shown may be
/// broken in favour of one just below it.
pub const POOL: usize = 20;

pub struct SemanticRanker {
    client: EmbeddingsClient,
    store: Arc<dyn Store>,
    queries: cache::QueryCache,
    outage: outage::Outage,
}

/// Why similarities could not be computed.
enum Failure {
    /// The endpoint failed a moment ago and is left alone for now (what is cached still serves).
    Paused,
    Embeddings(EmbedError),
    Store(domain::Error),
}

impl SemanticRanker {
    pub fn new(client: EmbeddingsClient, store: Arc<dyn Store>) -> Self {
        Self { client, store, queries: cache::QueryCache::default(), outage: outage::Outage::default() }
    }

    /// The ranker for the configured endpoint; `None` when none is configured or it is unusable
    /// (logged: search then stays lexical, as without one).
    pub fn from_settings(settings: Option<&EmbeddingsSettings>, store: Arc<dyn Store>) -> Option<Arc<Self>> {
        let settings = settings?;
        let config = EmbeddingsConfig::new(&settings.base_url, settings.api_key.clone(), &settings.model);
        match EmbeddingsClient::new(config) {
            Ok(client) => Some(Arc::new(Self::new(client, store))),
            Err(err) => {
                tracing::error!(error = %err, "the embeddings settings are unusable; catalog search stays lexical");
                None
            }
        }
    }

    /// How many lexical candidates to ask the matcher for, to show `limit`.
    pub fn pool(limit: usize) -> usize {
        limit.clamp(POOL, matching::MAX_LIMIT)
    }

    /// The lexical `candidates` (best first, as many as [`Self::pool`]) with their ties among the
    /// first `limit` broken by similarity to `query`; at most `limit` of them. Never fails: on
    /// any trouble the lexical order stands.
    pub async fn rerank(
        &self,
        matcher: &Matcher,
        query: &str,
        candidates: Vec<Candidate>,
        limit: usize,
    ) -> Vec<Candidate> {
        let scores: Vec<f32> = candidates.iter().map(|c| c.score).collect();
        let runs: Vec<Range<usize>> =
            rule::ties(&scores, rule::TIE_EPSILON).into_iter().filter(|run| run.start < limit).collect();
        let mut ranked = if runs.is_empty() {
            candidates
        } else {
            match self.similarities(matcher, query, &candidates, &runs).await {
                Ok(similar) => rule::reorder(candidates, &runs, |c| similar.get(&c.sku).copied()),
                Err(Failure::Paused) => candidates,
                Err(Failure::Embeddings(err)) => {
                    self.outage.failed(&err);
                    candidates
                }
                Err(Failure::Store(err)) => {
                    tracing::warn!(error = %err, "could not read item vectors; this search stays lexical");
                    candidates
                }
            }
        };
        ranked.truncate(limit);
        ranked
    }

    /// Cosine similarity to the query of every candidate in `runs`, by SKU.
    async fn similarities(
        &self,
        matcher: &Matcher,
        query: &str,
        candidates: &[Candidate],
        runs: &[Range<usize>],
    ) -> Result<HashMap<String, f32>, Failure> {
        let model = self.client.model().to_owned();
        // The words that describe the item: quantity and packaging ("2 dus") say nothing about it.
        let described = matching::parse_order_line(query).description;
        let described = if described.trim().is_empty() { query.trim().to_owned() } else { described };
        let wanted: Vec<&Candidate> = runs.iter().flat_map(|run| &candidates[run.clone()]).collect();
        let skus: Vec<String> = wanted.iter().map(|c| c.sku.clone()).collect();
        let stored = self.store.item_vectors(&model, &skus).await.map_err(Failure::Store)?;

        let cached = self.queries.get(&described);
        let dims = cached.as_ref().map(|q| q.len());
        let (mut vectors, missing) = items::split(matcher, &wanted, stored, dims);

        // One request for the query (unless cached) and every missing item.
        let mut inputs: Vec<String> = cached.is_none().then(|| described.clone()).into_iter().collect();
        inputs.extend(missing.iter().map(|m| m.text.clone()));
        let mut embedded = if inputs.is_empty() {
            Vec::new()
        } else if self.outage.admit() {
            let vectors = self.client.embed(&inputs).await.map_err(Failure::Embeddings)?;
            self.outage.succeeded();
            vectors
        } else {
            return Err(Failure::Paused);
        }
        .into_iter();
        let query_vector = match cached {
            Some(vector) => vector,
            None => {
                let vector = Arc::new(embedded.next().unwrap_or_default());
                self.queries.put(&described, vector.clone());
                vector
            }
        };
        let fresh: Vec<ItemVector> = missing
            .into_iter()
            .zip(embedded)
            .map(|(m, vector)| ItemVector { sku: m.sku, model: model.clone(), text_hash: m.hash, vector })
            .collect();
        if !fresh.is_empty() {
            // A vector that could not be stored is still good for this search; the next one embeds
            // it again.
            if let Err(err) = self.store.upsert_item_vectors(&fresh, chrono::Utc::now()).await {
                tracing::warn!(error = %err, items = fresh.len(), "could not store item vectors");
            }
            vectors.extend(fresh.into_iter().map(|v| (v.sku, v.vector)));
        }
        Ok(vectors
            .into_iter()
            .filter_map(|(sku, v)| rule::cosine(&query_vector, &v).map(|similarity| (sku, similarity)))
            .collect())
    }
}
