//! What a customer bought before: the prior that breaks ties the order line cannot break.
//!
//! "rave lemon 350ml" fits Teh Botol and Teh Gelas equally; "aqua 2 dus" fits every Aqua item.
//! A sales person reads such a line as the item the shop usually buys, and so does the matcher
//! when it is given the shop's [`History`]: every item in it gets a prior in [0.5, 1] (growing
//! with how often it was ordered, on a log scale), added to its score with [`PRIOR_WEIGHT`]. The
//! weight is small against the evidence of the line's own words and size (a wrong size costs
//! 0.4), so history reorders candidates the line leaves nearly tied and never overrules what the
//! line says. History items are also scored when the index did not return them, so a brand-only
//! line finds the shop's item among a brand's hundreds.

use std::collections::HashMap;

/// Weight of the history prior in the ranking score, tuned on the calibration split (see
/// BENCHMARKS.md, "Catalog matching").
pub const PRIOR_WEIGHT: f32 = 0.15;
/// Most history items a search considers (the most ordered first).
pub const MAX_HISTORY: usize = 1_000;

/// A customer's history resolved against one matcher's catalog. Build it with
/// [`crate::Matcher::history`]; it is only meaningful with the matcher that built it.
#[derive(Debug, Clone, Default)]
pub struct History {
    prior: HashMap<u32, f32>,
}

impl History {
    /// `counts` are (entry ordinal, order lines) for entries of the catalog; at most
    /// [`MAX_HISTORY`] of the most ordered are kept.
    pub(super) fn new(counts: impl IntoIterator<Item = (u32, u32)>) -> History {
        // The same entry may come twice (two SKU spellings of one item): its counts add up.
        let mut summed: HashMap<u32, u32> = HashMap::new();
        for (ord, n) in counts {
            let total = summed.entry(ord).or_default();
            *total = total.saturating_add(n);
        }
        let mut counts: Vec<(u32, u32)> = summed.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        counts.truncate(MAX_HISTORY);
        let max = counts.iter().map(|c| c.1).max().unwrap_or(0).max(1);
        let scale = (1.0 + max as f32).ln();
        let prior = counts
            .into_iter()
            .filter(|c| c.1 > 0)
            .map(|(ord, n)| (ord, 0.5 + 0.5 * (1.0 + n as f32).ln() / scale))
            .collect();
        History { prior }
    }

    pub fn len(&self) -> usize {
        self.prior.len()
    }

    pub fn is_empty(&self) -> bool {
        self.prior.is_empty()
    }

    /// The entry's prior: 0 when the customer never ordered it.
    pub(super) fn prior(&self, ord: u32) -> f32 {
        self.prior.get(&ord).copied().unwrap_or(0.0)
    }

    pub(super) fn ords(&self) -> impl Iterator<Item = u32> + '_ {
        self.prior.keys().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priors_grow_with_orders_and_stay_within_half_and_one() {
        let h = History::new(vec![(1, 40), (2, 1), (3, 0), (2, 4)]);
        assert!((h.prior(2) - History::new(vec![(1, 40), (2, 5)]).prior(2)).abs() < 1e-6, "counts add up");
        assert_eq!(h.prior(1), 1.0);
        assert!((0.5..1.0).contains(&h.prior(2)), "{}", h.prior(2));
        assert_eq!(h.prior(3), 0.0, "never ordered");
        assert_eq!(h.prior(9), 0.0);
        assert_eq!(h.len(), 2);
    }

    #[test]
    fn only_the_most_ordered_are_kept() {
        let h = History::new((0..2_000u32).map(|i| (i, i + 1)));
        assert_eq!(h.len(), MAX_HISTORY);
        assert!(h.prior(1_999) > 0.0 && h.prior(0) == 0.0);
    }
}
