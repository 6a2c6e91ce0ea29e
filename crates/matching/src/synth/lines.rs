//! Labelled order lines: what a sales person would type for an item, with the item's SKU.

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::catalog::SynthItem;
use super::noise::{shorten, size_text, typo};
use super::vocab::EN_WORDS;

/// How a line was made; the benchmark reports recall per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// The full name, size written one of many ways.
    Full,
    /// One or two typos.
    Typo,
    /// Shorthand and vowel-dropped words, the product type often left out.
    Abbreviated,
    /// Words shuffled.
    Reordered,
    /// Brand, variant and size only.
    Short,
    /// The Chinese alias, with a bare size and a Chinese quantity.
    Chinese,
    /// Some words in English.
    Mixed,
    /// Brand only, the size left out, or three typos with a word dropped: often truly ambiguous.
    Hard,
}

impl LineKind {
    pub const ALL: [LineKind; 8] = [
        LineKind::Full,
        LineKind::Typo,
        LineKind::Abbreviated,
        LineKind::Reordered,
        LineKind::Short,
        LineKind::Chinese,
        LineKind::Mixed,
        LineKind::Hard,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Full => "full",
            LineKind::Typo => "typo",
            LineKind::Abbreviated => "abbreviated",
            LineKind::Reordered => "reordered",
            LineKind::Short => "short",
            LineKind::Chinese => "chinese",
            LineKind::Mixed => "mixed",
            LineKind::Hard => "hard",
        }
    }
}

/// The share of each kind, fixed before any matcher was measured against it (per mille).
const MIX: [(LineKind, u32); 8] = [
    (LineKind::Full, 250),
    (LineKind::Typo, 200),
    (LineKind::Abbreviated, 150),
    (LineKind::Reordered, 100),
    (LineKind::Short, 100),
    (LineKind::Chinese, 50),
    (LineKind::Mixed, 70),
    (LineKind::Hard, 80),
];

/// An order line and the SKU it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelledLine {
    pub text: String,
    pub sku: String,
    pub kind: LineKind,
}

/// `n` labelled lines for items drawn uniformly from `items`, the same for the same seed.
pub fn order_lines(items: &[SynthItem], seed: u64, n: usize) -> Vec<LabelledLine> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let with_alias: Vec<&SynthItem> = items.iter().filter(|i| !i.entry.aliases.is_empty()).collect();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let Some(mut item) = items.choose(&mut rng) else { break };
        let mut kind = pick_kind(&mut rng);
        if kind == LineKind::Chinese {
            match with_alias.choose(&mut rng) {
                Some(i) => item = i,
                None => kind = LineKind::Mixed,
            }
        }
        let text = line(&mut rng, item, kind);
        out.push(LabelledLine { text, sku: item.entry.sku.clone(), kind });
    }
    out
}

pub(super) fn pick_kind(rng: &mut ChaCha8Rng) -> LineKind {
    let mut roll = rng.random_range(0..1000);
    for (kind, share) in MIX {
        if roll < share {
            return kind;
        }
        roll -= share;
    }
    LineKind::Full
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

pub(super) fn line(rng: &mut ChaCha8Rng, item: &SynthItem, kind: LineKind) -> String {
    if kind == LineKind::Chinese {
        return chinese(rng, item);
    }
    let brand = words(&item.brand);
    let type_words = words(&item.type_words);
    let variant = words(&item.variant);
    let size = size_text(rng, item.amount, item.volume, true);
    let mut description: Vec<String> = match kind {
        LineKind::Full | LineKind::Reordered => [brand, type_words, variant, vec![size]].concat(),
        LineKind::Typo => {
            let mut d = if rng.random_bool(0.5) {
                [brand, type_words, variant, vec![size]].concat()
            } else {
                [brand, variant, vec![size]].concat()
            };
            let typos = rng.random_range(1..=2);
            add_typos(rng, &mut d, typos);
            d
        }
        LineKind::Abbreviated => {
            let keep_type = rng.random_bool(0.4);
            let mut d: Vec<String> = [brand, if keep_type { type_words } else { Vec::new() }, variant].concat();
            for w in d.iter_mut() {
                if rng.random_bool(0.6) {
                    *w = shorten(rng, w);
                }
            }
            d.push(size);
            d
        }
        LineKind::Short => [brand, variant, vec![size]].concat(),
        LineKind::Mixed => {
            let mut d = [brand, type_words, variant].concat();
            for w in d.iter_mut() {
                if let Some((_, en)) = EN_WORDS.iter().find(|(id, _)| w.eq_ignore_ascii_case(id)) {
                    *w = (*en).to_owned();
                }
            }
            // English word order puts the noun last: "chicken onion fried noodle".
            if rng.random_bool(0.5) {
                d.reverse();
            }
            d.push(size);
            d
        }
        LineKind::Hard => hard(rng, brand, type_words, variant, size),
        LineKind::Chinese => Vec::new(),
    };
    if kind == LineKind::Reordered {
        description.shuffle(rng);
    }
    let description = case(rng, description.join(" "));
    with_quantity(rng, &description)
}

fn add_typos(rng: &mut ChaCha8Rng, words: &mut [String], count: usize) {
    for _ in 0..count {
        let candidates: Vec<usize> = (0..words.len()).filter(|&i| words[i].chars().count() >= 4).collect();
        if let Some(&i) = candidates.choose(rng) {
            words[i] = typo(rng, &words[i]);
        }
    }
}

/// The lines nobody can match for sure: brand only, size left out, or badly garbled.
fn hard(
    rng: &mut ChaCha8Rng,
    brand: Vec<String>,
    type_words: Vec<String>,
    variant: Vec<String>,
    size: String,
) -> Vec<String> {
    match rng.random_range(0..3) {
        0 => {
            if rng.random_bool(0.5) {
                brand
            } else {
                [brand, type_words].concat()
            }
        }
        1 => [brand, type_words, variant].concat(),
        _ => {
            let mut d = [brand, type_words, variant].concat();
            if d.len() > 2 {
                let drop = rng.random_range(1..d.len());
                d.remove(drop);
            }
            d.push(size);
            add_typos(rng, &mut d, 3);
            d
        }
    }
}

fn chinese(rng: &mut ChaCha8Rng, item: &SynthItem) -> String {
    let alias = item.entry.aliases.first().cloned().unwrap_or_else(|| item.brand.clone());
    let mut parts = vec![alias];
    if rng.random_bool(0.7) {
        parts.push(item.amount.to_string());
    } else if rng.random_bool(0.5) {
        parts.push(size_text(rng, item.amount, item.volume, false));
    }
    let chinese_numeral = rng.random_bool(0.6);
    let quantity = if chinese_numeral {
        ["一", "两", "三", "五", "十", "二十"].choose(rng).copied().unwrap_or("一").to_owned()
    } else {
        rng.random_range(1..=20).to_string()
    };
    let unit = ["箱", "箱", "箱", "盒", "瓶", "包", "袋"].choose(rng).copied().unwrap_or("箱");
    // Digits glued to a bare size would read as one number; nobody writes "33020箱".
    let sep = if chinese_numeral && rng.random_bool(0.5) { "" } else { " " };
    format!("{}{sep}{quantity}{unit}", parts.join(" "))
}

fn case(rng: &mut ChaCha8Rng, text: String) -> String {
    match rng.random_range(0..10) {
        0..=5 => text.to_lowercase(),
        6 | 7 => text,
        _ => text.to_uppercase(),
    }
}

/// The quantity and packaging around the description, in the forms sales staff use.
fn with_quantity(rng: &mut ChaCha8Rng, description: &str) -> String {
    let quantity = match rng.random_range(0..10) {
        0..=5 => rng.random_range(1..=10),
        6..=8 => rng.random_range(11..=50),
        _ => rng.random_range(51..=99),
    };
    let unit = ["dus", "dus", "ctn", "krt", "karton", "pcs", "bks", "renceng", "pak", "box", "dos", "lusin"]
        .choose(rng)
        .copied()
        .unwrap_or("dus");
    match rng.random_range(0..20) {
        0..=6 => format!("{description} {quantity} {unit}"),
        7..=9 => format!("{quantity} {unit} {description}"),
        10 => format!("{description} x{quantity} {unit}"),
        11 => format!("{description} x {quantity}"),
        12 => format!("{description} @{quantity}"),
        13..=15 => format!("{description} {quantity}"),
        16 => format!("{description} {unit}"),
        17 => format!("{description}, {quantity}{unit}"),
        _ => description.to_owned(),
    }
}
