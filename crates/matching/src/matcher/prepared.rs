//! A catalog entry analysed once at build time into what queries are compared against, with its
//! words interned in a [`Vocab`] so the re-ranker compares ids and caches by id.

use std::collections::HashMap;

use super::similarity::similarity;
use crate::CatalogEntry;
use crate::normalize::cjk::is_cjk;
use crate::normalize::{Size, analyze};

/// Every distinct word of the catalog, with its rarity (inverse document frequency).
#[derive(Default)]
pub struct Vocab {
    pub words: Vec<Box<str>>,
    ids: HashMap<Box<str>, u32>,
    pub idf: Vec<f32>,
    /// Weight of a query word the catalog does not contain (a typo, or noise like "tolong").
    pub unknown: f32,
    /// Latin words by first letter, for [`Vocab::fuzzy`].
    by_first: HashMap<char, Vec<u32>>,
}

/// Most catalog words a misspelt query word is expanded to.
const MAX_FUZZY: usize = 8;
/// Least similarity for a catalog word to stand in for a misspelt one.
const MIN_FUZZY: f32 = 0.5;

impl Vocab {
    fn intern(&mut self, word: &str) -> u32 {
        if let Some(id) = self.ids.get(word) {
            return *id;
        }
        let id = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
        self.words.push(word.into());
        self.ids.insert(word.into(), id);
        id
    }

    pub fn id(&self, word: &str) -> Option<u32> {
        self.ids.get(word).copied()
    }

    pub fn word(&self, id: u32) -> &str {
        self.words.get(id as usize).map_or("", |w| w)
    }

    pub fn weight(&self, id: u32) -> f32 {
        self.idf.get(id as usize).copied().unwrap_or(self.unknown)
    }

    /// Fill in the rarities once every entry is interned.
    pub fn finish(&mut self, prepared: &[Prepared]) {
        let mut df = vec![0u32; self.words.len()];
        for p in prepared {
            for id in p.all_words() {
                if let Some(d) = df.get_mut(id as usize) {
                    *d += 1;
                }
            }
        }
        let n = prepared.len().max(1) as f32;
        self.idf = df.iter().map(|&d| (1.0 + n / d.max(1) as f32).ln()).collect();
        // A typo usually hides a distinctive word, so an unknown word weighs like a fairly rare one.
        let mut sorted = self.idf.clone();
        sorted.sort_by(f32::total_cmp);
        self.unknown = sorted.get(sorted.len() * 3 / 4).copied().unwrap_or(1.0);
        self.by_first.clear();
        for (id, w) in self.words.iter().enumerate() {
            if let (Some(first), Ok(id)) = (w.chars().next(), u32::try_from(id))
                && !is_cjk(first)
            {
                self.by_first.entry(first).or_default().push(id);
            }
        }
    }

    /// Catalog words a word the catalog does not contain may stand for (typos, prefixes,
    /// shorthand; see `similarity`), best first. Only words with the same first letter are
    /// compared: people rarely get that one wrong, and it keeps this to a few hundred comparisons.
    pub fn fuzzy(&self, word: &str) -> Vec<(u32, f32)> {
        let Some(first) = word.chars().next() else { return Vec::new() };
        let mut found: Vec<(u32, f32)> = self
            .by_first
            .get(&first)
            .map(|ids| {
                ids.iter().map(|&id| (id, similarity(word, self.word(id)))).filter(|(_, s)| *s >= MIN_FUZZY).collect()
            })
            .unwrap_or_default();
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        found.truncate(MAX_FUZZY);
        found
    }
}

/// The analysed form of one entry. Words are canonical (see `normalize::vocab`); CJK characters
/// are one-character words, so Chinese aliases are compared character by character.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Brand and name words, plus hyphen-joined compounds (`cocacola`).
    pub name_words: Vec<u32>,
    /// Words and CJK characters of the aliases not already among the name words.
    pub alias_words: Vec<u32>,
    pub sizes: Vec<Size>,
    /// The brand's words (also among `name_words`): naming only these does not name the item.
    pub brand_words: Vec<u32>,
}

impl Prepared {
    pub fn new(entry: &CatalogEntry, vocab: &mut Vocab) -> Prepared {
        let mut p =
            Prepared { name_words: Vec::new(), alias_words: Vec::new(), sizes: Vec::new(), brand_words: Vec::new() };
        let names = std::iter::once(entry.name.as_str()).chain(entry.brand.as_deref());
        for text in names {
            p.add(text, vocab, false);
        }
        for alias in &entry.aliases {
            p.add(alias, vocab, true);
        }
        if let Some(brand) = &entry.brand {
            let a = analyze(brand);
            p.brand_words = a.words.iter().chain(&a.compounds).filter_map(|w| vocab.id(w)).collect();
        }
        p
    }

    fn add(&mut self, text: &str, vocab: &mut Vocab, alias: bool) {
        let a = analyze(text);
        let chars: Vec<String> = a.cjk.iter().map(char::to_string).collect();
        for w in a.words.iter().chain(&a.compounds).chain(&chars) {
            let id = vocab.intern(w);
            if self.name_words.contains(&id) || self.alias_words.contains(&id) {
                continue;
            }
            if alias { self.alias_words.push(id) } else { self.name_words.push(id) }
        }
        for s in a.sizes {
            if !self.sizes.contains(&s) {
                self.sizes.push(s);
            }
        }
    }

    /// Every distinct word id of the entry.
    pub fn all_words(&self) -> impl Iterator<Item = u32> + '_ {
        self.name_words.iter().chain(&self.alias_words).copied()
    }
}
