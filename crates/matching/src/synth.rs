//! A seeded, deterministic generator of FMCG catalogs and labelled order lines.
//!
//! Used by the quality benchmark, by tests and as test data elsewhere. The catalog mixes real
//! Indonesian and international brands with generated local ones, each with several product
//! types, flavours and sizes, so near-duplicates (the same product in four sizes, six flavours)
//! are the rule. Order lines carry typos, shorthand, shuffled words, sizes written differently,
//! English and Chinese names, and quantities with packaging around them; a share is truly
//! ambiguous (brand only, size left out). The same seed gives the same data on every machine
//! (ChaCha8, which is portable).

mod catalog;
mod customers;
mod lines;
mod noise;
mod vocab;

pub use catalog::{SynthItem, catalog};
pub use customers::{CustomerLine, REPEAT_SHARE, SynthCustomer, customer_lines, customers};
pub use lines::{LabelledLine, LineKind, order_lines};

use crate::CatalogEntry;

/// The seed of the benchmark catalog.
pub const CATALOG_SEED: u64 = 20_251_126;
/// The seed of the calibration split (where confidence and the auto-accept threshold are fitted).
pub const CALIBRATION_SEED: u64 = 1;
/// The seed of the test split (where the figures are reported); never used for fitting.
pub const TEST_SEED: u64 = 2;
/// The seed of the benchmark's customers and their histories, plus the split's seed: the test
/// split's shops are not the ones the history weight and the model were fitted on.
pub const CUSTOMER_SEED: u64 = 3;
/// How many customers the benchmark's customer lines are spread over.
pub const CUSTOMERS: usize = 500;

/// The catalog entries of generated items.
pub fn entries(items: &[SynthItem]) -> Vec<CatalogEntry> {
    items.iter().map(|i| i.entry.clone()).collect()
}
