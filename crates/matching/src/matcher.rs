//! The matcher: a tantivy index for candidates, a re-ranker for the order, a calibrated confidence.
//!
//! A search parses the line ([`crate::parse_order_line`]) so quantity and packaging do not count,
//! analyses the description ([`crate::normalize::analyze`]), asks the index for
//! [`CANDIDATES`] entries by BM25 over words, letter trigrams and sizes, re-scores each with
//! `score::QueryScorer` and attaches a confidence from [`crate::calibration::MODEL`].

mod history;
mod index;
mod prepared;
mod score;
mod similarity;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::calibration::{Features, MODEL, Model};
use crate::normalize::analyze;
use crate::{CatalogEntry, parse_order_line};
pub use history::{History, MAX_HISTORY, PRIOR_WEIGHT};
use index::Index;
use prepared::{Prepared, Vocab};
use score::{QueryScorer, Scored};

/// Most entries a catalog may have.
pub const MAX_ENTRIES: usize = 2_000_000;
/// Most candidates a search returns, whatever `limit` asks for.
pub const MAX_LIMIT: usize = 50;
/// How many entries the index hands to the re-ranker.
pub const CANDIDATES: usize = 100;
/// Longest SKU, name, brand, alias or barcode accepted (characters).
pub const MAX_FIELD_CHARS: usize = 512;
/// Most aliases per entry.
pub const MAX_ALIASES: usize = 32;

/// Why a catalog cannot be indexed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MatchError {
    #[error("the catalog has {0} entries; at most {MAX_ENTRIES} are supported")]
    TooManyEntries(usize),
    #[error("entry {0} has an empty SKU")]
    EmptySku(usize),
    #[error("SKU {0:?} appears more than once")]
    DuplicateSku(String),
    #[error("entry {0:?} has an empty name")]
    EmptyName(String),
    #[error("entry {0:?} has a field longer than {MAX_FIELD_CHARS} characters or more than {MAX_ALIASES} aliases")]
    TooLong(String),
    #[error("index: {0}")]
    Index(String),
}

/// One ranked answer. `score` orders candidates of one search; `confidence` is the calibrated
/// probability that this candidate is the item meant (see [`crate::calibration`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub score: f32,
    pub confidence: f32,
}

/// A catalog ready for searching. Immutable once built, `Send + Sync`: share it behind an `Arc`
/// and build a new one after a catalog import.
pub struct Matcher {
    entries: Vec<CatalogEntry>,
    prepared: Vec<Prepared>,
    vocab: Vocab,
    index: Index,
    by_sku: HashMap<String, u32>,
    by_barcode: HashMap<String, u32>,
    model: Model,
    prior_weight: f32,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher").field("entries", &self.entries.len()).finish_non_exhaustive()
    }
}

fn too_long(e: &CatalogEntry) -> bool {
    let long = |s: &str| s.chars().count() > MAX_FIELD_CHARS;
    long(&e.sku)
        || long(&e.name)
        || long(&e.unit)
        || e.brand.as_deref().is_some_and(long)
        || e.category.as_deref().is_some_and(long)
        || e.barcode.as_deref().is_some_and(long)
        || e.aliases.len() > MAX_ALIASES
        || e.aliases.iter().any(|a| long(a))
}

impl Matcher {
    /// Validate and index a catalog. At 100,000 entries this takes a few seconds (see BENCHMARKS.md).
    pub fn build(entries: Vec<CatalogEntry>) -> Result<Matcher, MatchError> {
        if entries.len() > MAX_ENTRIES {
            return Err(MatchError::TooManyEntries(entries.len()));
        }
        let mut by_sku = HashMap::with_capacity(entries.len());
        let mut by_barcode = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            if e.sku.trim().is_empty() {
                return Err(MatchError::EmptySku(i));
            }
            if e.name.trim().is_empty() {
                return Err(MatchError::EmptyName(e.sku.clone()));
            }
            if too_long(e) {
                return Err(MatchError::TooLong(e.sku.chars().take(64).collect()));
            }
            let ord = u32::try_from(i).map_err(|_| MatchError::TooManyEntries(entries.len()))?;
            if by_sku.insert(e.sku.clone(), ord).is_some() {
                return Err(MatchError::DuplicateSku(e.sku.clone()));
            }
            if let Some(b) = e.barcode.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
                // A barcode shared by two entries identifies neither.
                by_barcode.entry(b.to_owned()).and_modify(|o| *o = u32::MAX).or_insert(ord);
            }
        }
        by_barcode.retain(|_, o| *o != u32::MAX);
        let mut vocab = Vocab::default();
        let prepared: Vec<Prepared> = entries.iter().map(|e| Prepared::new(e, &mut vocab)).collect();
        vocab.finish(&prepared);
        let index = Index::build(&prepared, &vocab).map_err(|e| MatchError::Index(e.to_string()))?;
        Ok(Matcher { entries, prepared, vocab, index, by_sku, by_barcode, model: MODEL, prior_weight: PRIOR_WEIGHT })
    }

    /// The same matcher with another confidence model (the calibration run uses this).
    pub fn with_model(mut self, model: Model) -> Matcher {
        self.model = model;
        self
    }

    /// The same matcher with another weight for the history prior (the calibration run tunes it).
    pub fn with_prior_weight(mut self, weight: f32) -> Matcher {
        self.prior_weight = weight;
        self
    }

    /// A customer's history for [`Matcher::search_for`]: `(sku, order lines)` pairs; SKUs not in
    /// this catalog are left out.
    pub fn history<'a>(&self, counts: impl IntoIterator<Item = (&'a str, u32)>) -> History {
        History::new(counts.into_iter().filter_map(|(sku, n)| Some((*self.by_sku.get(sku)?, n))))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, sku: &str) -> Option<&CatalogEntry> {
        self.by_sku.get(sku).and_then(|&o| self.entries.get(o as usize))
    }

    /// Candidates for an order line, best first, at most `limit` (capped at [`MAX_LIMIT`]).
    /// The line may carry a quantity and packaging ("aqua 600ml 2 dus"); they are ignored. Only
    /// the first [`crate::normalize::fold::MAX_INPUT_CHARS`] characters are read.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Candidate> {
        self.explain(query, limit, None).into_iter().map(|(c, _)| c).collect()
    }

    /// [`Matcher::search`] for a customer whose history breaks the ties the line leaves open
    /// (see [`History`]).
    pub fn search_for(&self, query: &str, limit: usize, history: &History) -> Vec<Candidate> {
        self.explain(query, limit, Some(history)).into_iter().map(|(c, _)| c).collect()
    }

    /// [`Matcher::search`] with the features each confidence was computed from; the calibration
    /// fits [`crate::calibration::MODEL`] on these.
    pub fn explain(&self, query: &str, limit: usize, history: Option<&History>) -> Vec<(Candidate, Features)> {
        let limit = limit.min(MAX_LIMIT);
        if limit == 0 {
            return Vec::new();
        }
        let description = parse_order_line(query).description;
        if let Some(&ord) = self.barcode(&description) {
            // An exact barcode names one item; there is nothing to be unsure about.
            let features = Features {
                score: 1.0,
                margin: 1.0,
                evidence_margin: 1.0,
                coverage: 1.0,
                named: true,
                ..Features::default()
            };
            return vec![(self.candidate(ord, 1.0, 1.0), features)];
        }
        let analyzed = analyze(&description);
        let mut ords = self.index.candidates(&analyzed, &self.vocab, CANDIDATES.max(limit));
        if let Some(h) = history {
            // History items the index did not return are scored too ("aqua 2 dus" among a brand's
            // hundreds), but only those sharing a word with the line: the others cannot explain
            // it, and scoring a full history of unrelated items would cost every line milliseconds.
            let mut words: HashSet<u32> = analyzed.words.iter().filter_map(|w| self.vocab.id(w)).collect();
            words.extend(analyzed.cjk.iter().filter_map(|c| self.vocab.id(c.encode_utf8(&mut [0; 4]))));
            let known: HashSet<u32> = ords.iter().copied().collect();
            let mut extra: Vec<u32> = h
                .ords()
                .filter(|o| !known.contains(o))
                .filter(|&o| {
                    self.prepared
                        .get(o as usize)
                        .is_some_and(|p| p.name_words.iter().chain(&p.alias_words).any(|id| words.contains(id)))
                })
                .collect();
            extra.sort_unstable();
            ords.extend(extra);
        }
        let prior = |ord: u32| history.map_or(0.0, |h| h.prior(ord));
        let mut scorer = QueryScorer::new(&analyzed, &self.vocab);
        let mut scored: Vec<(Scored, u32)> = ords
            .into_iter()
            .filter_map(|o| {
                let mut s = scorer.score(self.prepared.get(o as usize)?);
                // The ranking score carries the prior; `evidence` stays what the line itself says.
                s.total += self.prior_weight * prior(o);
                Some((s, o))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total.total_cmp(&a.0.total).then(a.1.cmp(&b.1)));
        // The best other candidate's prior, for the prior margin of the top two.
        let (prior1, prior2) =
            (scored.first().map_or(0.0, |(_, o)| prior(*o)), scored.get(1).map_or(0.0, |(_, o)| prior(*o)));
        // Margins are taken against the best *other* candidate, for the score and for the evidence.
        let top2 = |f: fn(&Scored) -> f32| {
            let mut best = (f32::MIN, f32::MIN);
            for (s, _) in &scored {
                let v = f(s);
                if v > best.0 {
                    best = (v, best.0);
                } else if v > best.1 {
                    best.1 = v;
                }
            }
            best
        };
        let (total1, total2) = top2(|s| s.total);
        let (evidence1, evidence2) = top2(|s| s.evidence);
        let other = |v: f32, (first, second): (f32, f32)| {
            let best_other = if v >= first { second } else { first };
            // With a single candidate there is no other: compare against nothing (zero).
            v - best_other.max(0.0)
        };
        scored
            .iter()
            .take(limit)
            .enumerate()
            .map(|(rank, &(s, ord))| {
                let margin = other(s.total, (total1, total2));
                let evidence_margin = other(s.evidence, (evidence1, evidence2));
                let p = prior(ord);
                let prior_margin = p - if rank == 0 { prior2 } else { prior1 };
                let features = Features {
                    score: s.total,
                    margin,
                    evidence_margin,
                    coverage: s.coverage,
                    named: s.named,
                    prior: p,
                    prior_margin,
                };
                (self.candidate(ord, s.total, self.model.confidence(&features)), features)
            })
            .collect()
    }

    fn barcode(&self, description: &str) -> Option<&u32> {
        let digits = description.len();
        let plausible = (8..=14).contains(&digits) && description.bytes().all(|b| b.is_ascii_digit());
        if plausible { self.by_barcode.get(description) } else { None }
    }

    fn candidate(&self, ord: u32, score: f32, confidence: f32) -> Candidate {
        let e = &self.entries[ord as usize];
        Candidate { sku: e.sku.clone(), name: e.name.clone(), unit: e.unit.clone(), score, confidence }
    }
}
