//! The re-ranker: how well one candidate explains the query, in roughly [-0.2, 1].
//!
//! Three parts, weighted by [`QUERY_WEIGHT`], [`ENTRY_WEIGHT`], [`SIZE_WEIGHT`]:
//! - query coverage: the share of the query's words (weighted by rarity in the catalog) that the
//!   entry explains, each with its best [`similarity`] to one of the entry's words;
//! - entry coverage: the share of the entry's own words and size the query mentions (name or
//!   aliases, whichever is better covered), so "aqua 600ml" prefers "Aqua 600ml" over
//!   "Aqua Kids 600ml";
//! - size: +1 when the query's size is the entry's, -1 when the entry has another size, a smaller
//!   bonus when a bare number equals the entry's amount ("teh kotak 250").

use std::collections::HashMap;

use super::prepared::{Prepared, Vocab};
use super::similarity::similarity;
use crate::normalize::Analyzed;
use crate::normalize::cjk::is_cjk;

pub const QUERY_WEIGHT: f32 = 0.55;
pub const ENTRY_WEIGHT: f32 = 0.25;
pub const SIZE_WEIGHT: f32 = 0.2;
/// A bare number equal to the entry's size amount is good evidence, but less than a unit.
const BARE_NUMBER_MATCH: f32 = 0.6;

/// A candidate's score, and the part of it that the query's own words and size explain.
///
/// The rest (entry coverage) prefers the entry with fewer unmentioned words, a sensible tie-break
/// but no evidence: two entries that differ only in a word the query does not mention are equally
/// likely, and the confidence must say so (see `calibration`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub total: f32,
    pub evidence: f32,
    /// Share of the entry's own words the query mentions: 1 when nothing of it is left unsaid.
    pub coverage: f32,
    /// The query names more of the item than its brand: a word beyond the brand, or its size.
    pub named: bool,
}

struct QueryWord {
    text: String,
    weight: f32,
    cjk: bool,
}

/// The query side, analysed once per search, with a cache of word similarities: candidates share
/// most words (the brand, the product type), so each pair is computed once.
pub struct QueryScorer<'a> {
    words: Vec<QueryWord>,
    query: &'a Analyzed,
    vocab: &'a Vocab,
    cache: HashMap<(usize, u32), f32>,
}

impl<'a> QueryScorer<'a> {
    pub fn new(query: &'a Analyzed, vocab: &'a Vocab) -> QueryScorer<'a> {
        let words = query
            .words
            .iter()
            .cloned()
            .chain(query.cjk.iter().map(char::to_string))
            .map(|text| {
                let weight = vocab.id(&text).map_or(vocab.unknown, |id| vocab.weight(id));
                let cjk = text.chars().any(is_cjk);
                QueryWord { text, weight, cjk }
            })
            .collect();
        QueryScorer { words, query, vocab, cache: HashMap::new() }
    }

    fn sim(&mut self, qi: usize, id: u32) -> f32 {
        if let Some(s) = self.cache.get(&(qi, id)) {
            return *s;
        }
        let q = &self.words[qi];
        let word = self.vocab.word(id);
        let s = if q.cjk { f32::from(u8::from(q.text == word)) } else { similarity(&q.text, word) };
        self.cache.insert((qi, id), s);
        s
    }

    /// The candidate's score (see the module doc).
    pub fn score(&mut self, entry: &Prepared) -> Scored {
        let mut name_hit = vec![0.0f32; entry.name_words.len()];
        let mut alias_hit = vec![0.0f32; entry.alias_words.len()];
        let (mut covered, mut total) = (0.0f32, 0.0f32);
        let mut named = false;
        for qi in 0..self.words.len() {
            let mut best = 0.0f32;
            for (j, &id) in entry.name_words.iter().enumerate() {
                let s = self.sim(qi, id);
                name_hit[j] = name_hit[j].max(s);
                best = best.max(s);
                named |= s > 0.0 && !entry.brand_words.contains(&id);
            }
            for (j, &id) in entry.alias_words.iter().enumerate() {
                let s = self.sim(qi, id);
                alias_hit[j] = alias_hit[j].max(s);
                best = best.max(s);
                named |= s > 0.0 && !entry.brand_words.contains(&id);
            }
            let weight = self.words[qi].weight;
            covered += weight * best;
            total += weight;
        }
        let query_coverage = if total > 0.0 { covered / total } else { 0.0 };
        let size = self.size(entry);
        // The entry's size is part of what identifies it: unmentioned, it is not covered.
        let size_hit = (!entry.sizes.is_empty()).then_some(size.max(0.0));
        let entry_coverage = self.coverage(&entry.name_words, &name_hit, size_hit).max(self.coverage(
            &entry.alias_words,
            &alias_hit,
            size_hit,
        ));
        let evidence = QUERY_WEIGHT * query_coverage + SIZE_WEIGHT * size;
        named |= size > 0.0;
        Scored { total: evidence + ENTRY_WEIGHT * entry_coverage, evidence, coverage: entry_coverage, named }
    }

    fn coverage(&self, words: &[u32], hits: &[f32], size_hit: Option<f32>) -> f32 {
        if words.is_empty() {
            return 0.0;
        }
        let (mut covered, mut total) = match size_hit {
            Some(hit) => (self.vocab.unknown * hit, self.vocab.unknown),
            None => (0.0, 0.0),
        };
        for (&id, hit) in words.iter().zip(hits) {
            let weight = self.vocab.weight(id);
            covered += weight * hit;
            total += weight;
        }
        if total > 0.0 { covered / total } else { 0.0 }
    }

    fn size(&self, entry: &Prepared) -> f32 {
        if entry.sizes.is_empty() {
            return 0.0;
        }
        if !self.query.sizes.is_empty() {
            return if entry.sizes.iter().any(|s| self.query.sizes.contains(s)) { 1.0 } else { -1.0 };
        }
        let bare = entry.sizes.iter().any(|s| self.query.numbers.iter().any(|n| n.normalize() == s.amount));
        if bare { BARE_NUMBER_MATCH } else { 0.0 }
    }
}
