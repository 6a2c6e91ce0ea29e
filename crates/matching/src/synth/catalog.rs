//! The synthetic catalog: real brands first, then local brands until the requested size.

use std::collections::HashSet;

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::vocab::{BRAND_FIRST, BRAND_SECOND, CATEGORIES, Category, SYLLABLES, ZH_BRANDS, ZH_WORDS};
use crate::CatalogEntry;

/// A generated item: the catalog entry plus the parts its name was made of, which the order-line
/// generator rewrites (drops the type, abbreviates the variant, writes the size differently).
#[derive(Debug, Clone)]
pub struct SynthItem {
    pub entry: CatalogEntry,
    pub(super) brand: String,
    pub(super) type_words: String,
    pub(super) variant: String,
    /// Millilitres when `volume`, grams otherwise.
    pub(super) amount: u32,
    pub(super) volume: bool,
}

/// How a brand writes its names; real catalogs mix all three.
#[derive(Clone, Copy)]
enum Style {
    Title,
    Upper,
    Spaced,
}

/// `n` items, the same for the same seed on every machine.
pub fn catalog(seed: u64, n: usize) -> Vec<SynthItem> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut items = Vec::with_capacity(n);
    let mut real: Vec<(&str, &Category)> =
        CATEGORIES.iter().flat_map(|c| c.brands.iter().map(move |b| (*b, c))).collect();
    real.shuffle(&mut rng);
    let mut used: HashSet<String> = real.iter().map(|(b, _)| b.to_lowercase()).collect();
    for (brand, category) in real {
        let style =
            *[Style::Title, Style::Title, Style::Upper, Style::Spaced].choose(&mut rng).unwrap_or(&Style::Title);
        add_line_up(&mut rng, &mut items, n, brand, category, style, (1..=3, 3..=8, 2..=4));
    }
    while items.len() < n {
        let brand = local_brand(&mut rng, &mut used);
        let style = *[Style::Title, Style::Upper, Style::Spaced].choose(&mut rng).unwrap_or(&Style::Title);
        let count = rng.random_range(1..=4);
        for category in CATEGORIES.choose_multiple(&mut rng, count) {
            add_line_up(&mut rng, &mut items, n, &brand, category, style, (1..=2, 2..=6, 1..=3));
        }
    }
    items.truncate(n);
    items
}

type Ranges = (std::ops::RangeInclusive<usize>, std::ops::RangeInclusive<usize>, std::ops::RangeInclusive<usize>);

/// One brand's items in one category: every combination of a few types, variants and sizes.
fn add_line_up(
    rng: &mut ChaCha8Rng,
    items: &mut Vec<SynthItem>,
    n: usize,
    brand: &str,
    category: &Category,
    style: Style,
    (types, variants, sizes): Ranges,
) {
    let pick = |rng: &mut ChaCha8Rng, from: &'static [&'static str], range: std::ops::RangeInclusive<usize>| {
        let k = rng.random_range(range).min(from.len());
        let mut chosen: Vec<&'static str> = Vec::with_capacity(k);
        // The lists repeat "" to make plain items likelier; a line-up holds each name once.
        for v in from.choose_multiple(rng, k) {
            if !chosen.contains(v) {
                chosen.push(v);
            }
        }
        chosen
    };
    let types = pick(rng, category.types, types);
    let zh_brand = ZH_BRANDS.iter().find(|(b, _)| *b == brand).map(|(_, z)| *z);
    // Each product type has its own flavours and sizes, as real line-ups do (not every flavour of
    // every type in every size).
    for t in &types {
        let type_words = without_brand_words(t, brand);
        let variants = pick(rng, category.variants, variants.clone());
        let k = rng.random_range(sizes.clone()).min(category.sizes.len());
        let mut sizes: Vec<(u32, bool)> = category.sizes.choose_multiple(rng, k).copied().collect();
        sizes.sort_unstable();
        for v in &variants {
            for &(amount, volume) in &sizes {
                if items.len() >= n {
                    return;
                }
                let seq = items.len();
                let name = name(style, brand, &type_words, v, amount, volume);
                // Most, not all, items of a brand with a Chinese name carry it as an alias.
                let aliases = match zh_brand {
                    Some(z) if rng.random_bool(0.8) => vec![zh_alias(z, t, v, category.zh)],
                    _ => Vec::new(),
                };
                let entry = CatalogEntry {
                    sku: format!("{}{seq:06}", sku_prefix(brand)),
                    name,
                    brand: Some(brand.to_owned()),
                    category: Some(category.name.to_owned()),
                    unit: (*category.units.choose(rng).unwrap_or(&"pcs")).to_owned(),
                    barcode: Some(ean13(seq)),
                    aliases,
                };
                items.push(SynthItem {
                    entry,
                    brand: brand.to_owned(),
                    type_words: type_words.clone(),
                    variant: (*v).to_owned(),
                    amount,
                    volume,
                });
            }
        }
    }
}

/// "Mie Goreng" for brand "Mie Sedaap" is just "Goreng": names do not repeat the brand's words.
fn without_brand_words(type_words: &str, brand: &str) -> String {
    let brand_words: Vec<String> = brand.split_whitespace().map(str::to_lowercase).collect();
    type_words.split_whitespace().filter(|w| !brand_words.contains(&w.to_lowercase())).collect::<Vec<_>>().join(" ")
}

fn name(style: Style, brand: &str, type_words: &str, variant: &str, amount: u32, volume: bool) -> String {
    let size = catalog_size(style, amount, volume);
    let words: Vec<&str> = [brand, type_words, variant, &size].into_iter().filter(|w| !w.is_empty()).collect();
    let joined = words.join(" ");
    match style {
        Style::Upper => joined.to_uppercase(),
        _ => joined,
    }
}

/// Sizes as catalogs write them: `600ml`, `1.5L`, `85g`, `1kg`, or spaced `600 ml`, `1,5 Ltr`.
fn catalog_size(style: Style, amount: u32, volume: bool) -> String {
    let big = amount >= 1000 && amount.is_multiple_of(100);
    let (small_unit, big_unit) = if volume { ("ml", "L") } else { ("g", "kg") };
    let whole = amount / 1000;
    let tenths = amount % 1000 / 100;
    let big_amount = if tenths == 0 { whole.to_string() } else { format!("{whole}.{tenths}") };
    match style {
        Style::Spaced if big => format!("{} {}", big_amount.replace('.', ","), if volume { "Ltr" } else { "Kg" }),
        Style::Spaced => format!("{amount} {}", if volume { "ml" } else { "gr" }),
        _ if big => format!("{big_amount}{big_unit}"),
        _ => format!("{amount}{small_unit}"),
    }
}

/// The Chinese name: brand, the variant and type words that have a Chinese word, and the
/// category's word when the type has none (营多鸡肉洋葱方便面, 雪碧零度汽水).
fn zh_alias(zh_brand: &str, type_words: &str, variant: &str, zh_category: &str) -> String {
    let zh = |text: &str| -> String {
        text.split_whitespace()
            .filter_map(|w| {
                let w = w.to_lowercase();
                ZH_WORDS.iter().find(|(id, _)| *id == w).map(|(_, z)| *z)
            })
            .collect()
    };
    let kind = zh(type_words);
    let kind = if kind.is_empty() { zh_category.to_owned() } else { kind };
    format!("{zh_brand}{}{kind}", zh(variant))
}

/// A new local brand name: two words ("Sinar Jaya") or a coined word ("Korita").
fn local_brand(rng: &mut ChaCha8Rng, used: &mut HashSet<String>) -> String {
    loop {
        let brand = if rng.random_bool(0.6) {
            let a = BRAND_FIRST.choose(rng).unwrap_or(&"Sinar");
            let b = BRAND_SECOND.choose(rng).unwrap_or(&"Jaya");
            format!("{a} {b}")
        } else {
            let k = rng.random_range(2..=3);
            let word: String = (0..k).map(|_| *SYLLABLES.choose(rng).unwrap_or(&"ko")).collect();
            let mut chars = word.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
        };
        let first_differs = brand.split_whitespace().next() != brand.split_whitespace().nth(1);
        if first_differs && used.insert(brand.to_lowercase()) {
            return brand;
        }
    }
}

fn sku_prefix(brand: &str) -> String {
    let letters: String = brand.chars().filter(char::is_ascii_alphabetic).take(3).collect();
    format!("{:X<3}", letters.to_uppercase())
}

/// A valid EAN-13 with the Indonesian prefix 899, unique per sequence number.
fn ean13(seq: usize) -> String {
    // 7919 is coprime to 10^9, so distinct sequence numbers give distinct bodies.
    let body = (seq as u64 * 7919) % 1_000_000_000;
    let digits = format!("899{body:09}");
    let sum: u32 = digits
        .chars()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d } else { 3 * d })
        .sum();
    format!("{digits}{}", (10 - sum % 10) % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ean13_check_digit() {
        // 899 000000000 -> sum 8 + 27 + 9 = 44 -> check digit 6.
        assert_eq!(ean13(0), "8990000000006");
        assert_eq!(ean13(1).len(), 13);
    }

    #[test]
    fn sizes_in_catalog_styles() {
        assert_eq!(catalog_size(Style::Title, 1500, true), "1.5L");
        assert_eq!(catalog_size(Style::Spaced, 1500, true), "1,5 Ltr");
        assert_eq!(catalog_size(Style::Title, 85, false), "85g");
        assert_eq!(catalog_size(Style::Spaced, 85, false), "85 gr");
        assert_eq!(catalog_size(Style::Title, 1000, false), "1kg");
    }

    #[test]
    fn type_words_skip_the_brand() {
        assert_eq!(without_brand_words("Mie Goreng", "Mie Sedaap"), "Goreng");
        assert_eq!(without_brand_words("Teh Botol", "Teh Botol Sosro"), "");
    }
}
