//! What is embedded for an item, and how a stored vector is known to be for that text.

use matching::CatalogEntry;
use sha2::{Digest as _, Sha256};

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
}
