//! What is embedded for an item, and how a stored vector is known to be for that text.

use std::collections::HashMap;

use matching::{Candidate, CatalogEntry, Matcher};
use sha2::{Digest as _, Sha256};
use store::ItemVector;

/// An item whose vector must be computed: never stored, stored for another text, or of other
/// dimensions than the query's.
#[derive(Debug, PartialEq)]
pub struct Missing {
    pub sku: String,
    pub text: String,
    pub hash: Vec<u8>,
}

/// The item's words as one line: name first, then what else describes it. Every field the matcher
/// searches is here, so a change to any of them is a new text (and a new vector).
pub fn text(entry: &CatalogEntry) -> String {
    let mut text = entry.name.trim().to_owned();
    for extra in [entry.brand.as_deref(), entry.category.as_deref()].into_iter().flatten() {
        let extra = extra.trim();
        if !extra.is_empty() {
            text.push_str("; ");
            text.push_str(extra);
        }
    }
    let aliases: Vec<&str> = entry.aliases.iter().map(|a| a.trim()).filter(|a| !a.is_empty()).collect();
    if !aliases.is_empty() {
        text.push_str("; ");
        text.push_str(&aliases.join(", "));
    }
    text
}

pub fn hash(text: &str) -> Vec<u8> {
    Sha256::digest(text.as_bytes()).to_vec()
}

/// The stored vectors still good for `wanted` (by SKU), and the items to embed. `dims` is the
/// query vector's length when known: a stored vector of another length (the provider changed what
/// the model name means) is as stale as one for an old text.
pub fn split(
    matcher: &Matcher,
    wanted: &[&Candidate],
    stored: Vec<ItemVector>,
    dims: Option<usize>,
) -> (HashMap<String, Vec<f32>>, Vec<Missing>) {
    let mut stored: HashMap<String, ItemVector> = stored.into_iter().map(|v| (v.sku.clone(), v)).collect();
    let mut usable = HashMap::new();
    let mut missing = Vec::new();
    for candidate in wanted {
        let Some(entry) = matcher.get(&candidate.sku) else { continue };
        let text = text(entry);
        let hash = hash(&text);
        match stored.remove(&candidate.sku) {
            Some(v) if v.text_hash == hash && dims.is_none_or(|d| d == v.vector.len()) => {
                usable.insert(v.sku, v.vector);
            }
            _ => missing.push(Missing { sku: candidate.sku.clone(), text, hash }),
        }
    }
    (usable, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> CatalogEntry {
        CatalogEntry {
            sku: "S".into(),
            name: name.into(),
            brand: Some("Sosro".into()),
            category: None,
            unit: "krt".into(),
            barcode: Some("899".into()),
            aliases: vec!["teh kotak".into(), " ".into()],
        }
    }

    #[test]
    fn the_text_holds_the_describing_fields_and_its_hash_follows_them() {
        assert_eq!(text(&entry("Teh Botol 250ml")), "Teh Botol 250ml; Sosro; teh kotak");
        assert_eq!(hash(&text(&entry("Teh Botol 250ml"))), hash(&text(&entry(" Teh Botol 250ml "))));
        assert_ne!(hash(&text(&entry("Teh Botol 250ml"))), hash(&text(&entry("Teh Botol 350ml"))));
        assert_eq!(hash("x").len(), 32);
    }

    #[test]
    fn stored_vectors_serve_only_their_own_text_and_dimensions() {
        let entries = vec![
            CatalogEntry { sku: "A".into(), ..entry("Teh Botol Original") },
            CatalogEntry { sku: "B".into(), ..entry("Teh Botol Melati") },
            CatalogEntry { sku: "C".into(), ..entry("Teh Botol Jasmine") },
        ];
        let matcher = Matcher::build(entries.clone()).unwrap();
        let candidate = |sku: &str| Candidate {
            sku: sku.into(),
            name: String::new(),
            unit: String::new(),
            score: 0.5,
            confidence: 0.1,
        };
        let (a, b, c) = (candidate("A"), candidate("B"), candidate("C"));
        let stored_for = |e: &CatalogEntry, text_of: &str, dims: usize| ItemVector {
            sku: e.sku.clone(),
            model: "m".into(),
            text_hash: hash(&text(&CatalogEntry { name: text_of.into(), ..e.clone() })),
            vector: vec![1.0; dims],
        };
        let stored = vec![
            stored_for(&entries[0], "Teh Botol Original", 4),
            // B was renamed since its vector was stored; C has none.
            stored_for(&entries[1], "Teh Botol Melati Lama", 4),
        ];
        let (usable, missing) = split(&matcher, &[&a, &b, &c], stored.clone(), None);
        assert_eq!(usable.keys().collect::<Vec<_>>(), ["A"]);
        let missing: Vec<(&str, &str)> = missing.iter().map(|m| (m.sku.as_str(), m.text.as_str())).collect();
        assert_eq!(
            missing,
            [("B", "Teh Botol Melati; Sosro; teh kotak"), ("C", "Teh Botol Jasmine; Sosro; teh kotak")]
        );

        let (usable, missing) = split(&matcher, &[&a], stored.clone(), Some(4));
        assert_eq!((usable.len(), missing.len()), (1, 0), "the query's dimensions");
        let (usable, missing) = split(&matcher, &[&a], stored, Some(8));
        assert_eq!((usable.len(), missing[0].sku.as_str()), (0, "A"), "other dimensions: embedded again");
    }
}
