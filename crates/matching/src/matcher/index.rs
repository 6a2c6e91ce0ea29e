//! The candidate index: tantivy, in RAM, over pre-analysed terms.
//!
//! Each entry is one document with three fields, all tokenised on whitespace because the terms
//! are already canonical: `w` (words and CJK characters), `g` (letter trigrams of the words, so a
//! typo still shares most of its trigrams) and `s` (sizes `s600ml` and their bare amounts `n600`).
//! BM25 over these finds a few hundred plausible entries; the re-ranker decides among them.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{FAST, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index as Tantivy, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

use super::prepared::{Prepared, Vocab};
use crate::normalize::Analyzed;

/// Indexing memory: one writer thread (document order, hence results, are deterministic).
const WRITER_MEMORY: usize = 200_000_000;

/// Boosts of the query clauses: an exact word counts more than its trigrams.
const WORD_BOOST: f32 = 2.0;
const GRAM_BOOST: f32 = 0.5;
const SIZE_BOOST: f32 = 1.5;
const NUMBER_BOOST: f32 = 1.0;

#[derive(Clone, Copy)]
struct Fields {
    words: Field,
    grams: Field,
    sizes: Field,
    ord: Field,
}

/// A built index. `Searcher` is `Send + Sync`, so the index is shared across threads as is.
pub struct Index {
    _reader: IndexReader,
    searcher: Searcher,
    fields: Fields,
    /// Document address -> entry ordinal, per segment.
    ords: Vec<Vec<u32>>,
}

/// Letter trigrams of a word with `^`/`$` marking its ends; words under 3 letters have none.
pub fn trigrams(word: &str, out: &mut Vec<String>) {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 3
        || !chars.iter().all(|c| c.is_alphabetic())
        || chars.iter().any(|c| crate::normalize::cjk::is_cjk(*c))
    {
        return;
    }
    let padded: Vec<char> = std::iter::once('^').chain(chars).chain(std::iter::once('$')).collect();
    for w in padded.windows(3) {
        let gram: String = w.iter().collect();
        if !out.contains(&gram) {
            out.push(gram);
        }
    }
}

fn size_terms(p: &Prepared) -> String {
    p.sizes.iter().map(|s| format!("s{s} n{}", s.amount)).collect::<Vec<_>>().join(" ")
}

impl Index {
    pub fn build(prepared: &[Prepared], vocab: &Vocab) -> tantivy::Result<Index> {
        let mut schema = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer("whitespace").set_index_option(IndexRecordOption::WithFreqs),
        );
        let fields = Fields {
            words: schema.add_text_field("w", text.clone()),
            grams: schema.add_text_field("g", text.clone()),
            sizes: schema.add_text_field("s", text),
            ord: schema.add_u64_field("ord", NumericOptions::from(FAST)),
        };
        let index = Tantivy::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)?;
        let mut grams = Vec::new();
        for (ord, p) in prepared.iter().enumerate() {
            let mut doc = TantivyDocument::new();
            let words: Vec<&str> = p.all_words().map(|id| vocab.word(id)).collect();
            grams.clear();
            for w in &words {
                trigrams(w, &mut grams);
            }
            doc.add_text(fields.words, words.join(" "));
            doc.add_text(fields.grams, grams.join(" "));
            doc.add_text(fields.sizes, size_terms(p));
            doc.add_u64(fields.ord, ord as u64);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let searcher = reader.searcher();
        let mut ords = Vec::with_capacity(searcher.segment_readers().len());
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64("ord")?;
            let map: Vec<u32> = (0..segment.max_doc())
                .map(|doc| column.first(doc).and_then(|v| u32::try_from(v).ok()).unwrap_or(u32::MAX))
                .collect();
            ords.push(map);
        }
        Ok(Index { _reader: reader, searcher, fields, ords })
    }

    /// Up to `k` entry ordinals most likely to match, best first by BM25. A word the catalog
    /// does not contain is replaced by the catalog words it may stand for ([`Vocab::fuzzy`]),
    /// and by its trigrams when there are none (a typo in the first letter).
    pub fn candidates(&self, query: &Analyzed, vocab: &Vocab, k: usize) -> Vec<u32> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut add = |field: Field, text: &str, boost: f32| {
            let term = TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs);
            clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(term), boost))));
        };
        let mut grams = Vec::new();
        for w in &query.words {
            if vocab.id(w).is_some() {
                add(self.fields.words, w, WORD_BOOST);
                continue;
            }
            let near = vocab.fuzzy(w);
            if near.is_empty() {
                trigrams(w, &mut grams);
            }
            for (id, similarity) in near {
                add(self.fields.words, vocab.word(id), WORD_BOOST * similarity);
            }
        }
        for g in &grams {
            add(self.fields.grams, g, GRAM_BOOST);
        }
        for c in &query.cjk {
            add(self.fields.words, c.encode_utf8(&mut [0; 4]), WORD_BOOST);
        }
        for s in &query.sizes {
            add(self.fields.sizes, &format!("s{s}"), SIZE_BOOST);
        }
        for n in &query.numbers {
            add(self.fields.sizes, &format!("n{}", n.normalize()), NUMBER_BOOST);
        }
        if clauses.is_empty() {
            return Vec::new();
        }
        let query = BooleanQuery::new(clauses);
        // In RAM, a search error can only be a bug; an empty answer is the safe response.
        let hits = self.searcher.search(&query, &TopDocs::with_limit(k).order_by_score()).unwrap_or_default();
        hits.into_iter()
            .filter_map(|(_, addr)| self.ords.get(addr.segment_ord as usize)?.get(addr.doc_id as usize).copied())
            .filter(|&ord| ord != u32::MAX)
            .collect()
    }
}
