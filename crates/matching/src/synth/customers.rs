//! Customers who reorder: each shop has a repertoire of items it buys again and again, and most
//! of its order lines name one of them.
//!
//! A line alone often cannot tell the item apart from its siblings ("rave lemon 350ml": Teh Botol
//! or Teh Gelas? "aqua 2 dus": which of eight Aqua items?); a sales person resolves it from what
//! the shop usually buys. These customers give the matcher that context, the way `process_order`
//! has it from the customer's sales history, and let the benchmark measure what it is worth.
//!
//! The model, fixed before the matcher used it: a shop stocks 2–6 categories; in each it buys
//! 2–10 products (brand and product type), 60 % of them from the national brands, and of each
//! product 1–3 items (flavour and size), so siblings of the right item are often in the
//! repertoire too. How often each item was ordered is skewed (1–40 order lines). An order line is
//! a repeat with probability [`REPEAT_SHARE`] (an item drawn from the repertoire in proportion to
//! how often it was ordered), otherwise an item drawn uniformly from the whole catalog, new to the
//! shop. The kinds of line are drawn from the same mix as [`super::order_lines`].

use std::collections::{BTreeMap, HashSet};

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::catalog::SynthItem;
use super::lines::{LabelledLine, LineKind, line, pick_kind};
use super::vocab::CATEGORIES;

/// Share of order lines naming an item the shop has bought before (an assumption: distributors
/// see most lines of a shop's order repeat its earlier ones; the benchmark reports repeat and new
/// lines apart, so the figures can be re-weighted for another share).
pub const REPEAT_SHARE: f64 = 0.8;

/// A shop and how often it ordered each item of its repertoire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SynthCustomer {
    pub code: String,
    /// `(sku, order lines)`, most ordered first.
    pub history: Vec<(String, u32)>,
}

/// An order line of one customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerLine {
    #[serde(flatten)]
    pub line: LabelledLine,
    /// Index into the customers the lines were generated for.
    pub customer: usize,
    /// The item is in the customer's history.
    pub repeat: bool,
}

/// A product's items (indexes into the catalog).
type Product = Vec<usize>;

/// `n` customers with their histories, the same for the same seed.
pub fn customers(items: &[SynthItem], seed: u64, n: usize) -> Vec<SynthCustomer> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let national: HashSet<&str> = CATEGORIES.iter().flat_map(|c| c.brands.iter().copied()).collect();
    // category -> (national products, local products); a product is the items of one brand and type.
    let mut products: BTreeMap<&str, (Vec<Product>, Vec<Product>)> = BTreeMap::new();
    let mut by_product: BTreeMap<(&str, &str, &str), Product> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let category = item.entry.category.as_deref().unwrap_or("");
        by_product.entry((category, item.brand.as_str(), item.type_words.as_str())).or_default().push(i);
    }
    for ((category, brand, _), members) in by_product {
        let slot = products.entry(category).or_default();
        if national.contains(brand) { slot.0.push(members) } else { slot.1.push(members) }
    }
    let categories: Vec<&str> = products.keys().copied().collect();
    (0..n)
        .map(|c| {
            let mut counts: BTreeMap<usize, u32> = BTreeMap::new();
            let k = rng.random_range(2..=6).min(categories.len());
            for category in categories.choose_multiple(&mut rng, k) {
                let Some((nat, local)) = products.get(category) else { continue };
                for _ in 0..rng.random_range(2..=10) {
                    let pool = if rng.random_bool(0.6) && !nat.is_empty() { nat } else { local };
                    let Some(product) = pool.choose(&mut rng) else { continue };
                    let take = rng.random_range(1..=3).min(product.len());
                    for &i in product.choose_multiple(&mut rng, take) {
                        // Skewed: most items a few times, some every week.
                        let u: f64 = rng.random();
                        counts.insert(i, 1 + (u * u * 39.0) as u32);
                    }
                }
            }
            let mut history: Vec<(String, u32)> =
                counts.into_iter().map(|(i, n)| (items[i].entry.sku.clone(), n)).collect();
            history.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            SynthCustomer { code: format!("C{c:05}"), history }
        })
        .collect()
}

/// `n` labelled lines of the given customers, the same for the same seed.
pub fn customer_lines(items: &[SynthItem], customers: &[SynthCustomer], seed: u64, n: usize) -> Vec<CustomerLine> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let position: BTreeMap<&str, usize> = items.iter().enumerate().map(|(i, it)| (it.entry.sku.as_str(), i)).collect();
    let with_alias: Vec<usize> = (0..items.len()).filter(|&i| !items[i].entry.aliases.is_empty()).collect();
    let mut out = Vec::with_capacity(n);
    while out.len() < n && !customers.is_empty() && !items.is_empty() {
        let customer = rng.random_range(0..customers.len());
        let history: Vec<(usize, u32)> = customers[customer]
            .history
            .iter()
            .filter_map(|(sku, k)| Some((*position.get(sku.as_str())?, *k)))
            .collect();
        let kind = pick_kind(&mut rng);
        // A Chinese line is written for an item with a Chinese name: the repertoire's, or a new one.
        let eligible: Vec<(usize, u32)> = if kind == LineKind::Chinese {
            history.iter().copied().filter(|&(i, _)| !items[i].entry.aliases.is_empty()).collect()
        } else {
            history.clone()
        };
        let repeat_draw = rng.random_bool(REPEAT_SHARE);
        let chosen = if repeat_draw && !eligible.is_empty() {
            eligible.choose_weighted(&mut rng, |&(_, k)| k).ok().map(|&(i, _)| i)
        } else if kind == LineKind::Chinese {
            with_alias.choose(&mut rng).copied()
        } else {
            Some(rng.random_range(0..items.len()))
        };
        let Some(i) = chosen else { continue };
        let item = &items[i];
        let text = line(&mut rng, item, kind);
        let repeat = history.iter().any(|&(h, _)| h == i);
        out.push(CustomerLine { line: LabelledLine { text, sku: item.entry.sku.clone(), kind }, customer, repeat });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::catalog;

    #[test]
    fn histories_and_lines_are_seeded_and_mostly_repeats() {
        let items = catalog(7, 5_000);
        let shops = customers(&items, 3, 50);
        assert_eq!(shops, customers(&items, 3, 50));
        assert!(shops.iter().all(|s| !s.history.is_empty() && s.history.windows(2).all(|w| w[0].1 >= w[1].1)));
        let lines = customer_lines(&items, &shops, 4, 2_000);
        assert_eq!(lines, customer_lines(&items, &shops, 4, 2_000));
        assert_eq!(lines.len(), 2_000);
        let repeats = lines.iter().filter(|l| l.repeat).count();
        assert!((1_400..=1_750).contains(&repeats), "{repeats}");
        for l in &lines {
            let in_history = shops[l.customer].history.iter().any(|(sku, _)| *sku == l.line.sku);
            assert_eq!(in_history, l.repeat, "{l:?}");
        }
    }
}
