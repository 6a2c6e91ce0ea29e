//! The re-ranking rule, free of I/O: where the lexical matcher has a tie, and how semantic
//! similarity may reorder it.
//!
//! The lexical ranking stays in charge. Semantic similarity only breaks ties: candidates whose
//! lexical scores lie within [`TIE_EPSILON`] of the first candidate of their run are the ones the
//! matcher cannot tell apart, and only they are reordered among themselves. A candidate therefore
//! never moves above one whose lexical score is more than [`TIE_EPSILON`] higher.
//!
//! Confidence stays the matcher's calibrated confidence, with one cap: when the new order puts
//! another candidate on top, that candidate's confidence is at most the old top's. The calibration
//! ([`matching::calibration`]) was fitted on the lexical order alone and never saw this
//! re-ranking, so it cannot vouch for a semantically promoted candidate more than for the one the
//! matcher itself put first; and auto-acceptance ([`matching::AUTO_ACCEPT`], which reads only the
//! top candidate's confidence) must not become more permissive because embeddings are configured.

use std::ops::Range;

use matching::Candidate;

/// Lexical scores (roughly -0.2 to 1) closer than this are a tie: two items that differ only in a
/// word the query does not mention score the same or nearly so.
pub const TIE_EPSILON: f32 = 0.01;

/// The runs of tied candidates (two or more), in order. Each run starts at the first candidate
/// not yet in a run and holds every following one within `epsilon` of that first one's score:
/// runs are anchored, never chained, so a long slope of small steps is not one big tie.
pub fn ties(scores: &[f32], epsilon: f32) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    while start < scores.len() {
        let head = scores[start];
        let end = start + scores[start..].iter().take_while(|s| head - **s <= epsilon).count();
        if end - start >= 2 {
            runs.push(start..end);
        }
        start = end.max(start + 1);
    }
    runs
}

/// Cosine similarity; `None` for vectors of different lengths or without direction (all zero),
/// which cannot be compared.
pub fn cosine(a: &[f32], b: &[f32]) -> Option<f32> {
    if a.len() != b.len() || a.is_empty() {
        return None;
    }
    let (mut dot, mut aa, mut bb) = (0f64, 0f64, 0f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        dot += x * y;
        aa += x * x;
        bb += y * y;
    }
    let norm = aa.sqrt() * bb.sqrt();
    let cos = dot / norm;
    (norm > 0.0 && cos.is_finite()).then_some(cos as f32)
}

/// Reorders each run of `runs` by descending similarity (stable: equal similarities keep the
/// lexical order). A run where any member has no similarity is left as it is. Then applies the
/// confidence cap described in the module documentation.
pub fn reorder(
    mut candidates: Vec<Candidate>,
    runs: &[Range<usize>],
    similarity: impl Fn(&Candidate) -> Option<f32>,
) -> Vec<Candidate> {
    let Some(old_top) = candidates.first().map(|c| (c.sku.clone(), c.confidence)) else {
        return candidates;
    };
    for run in runs {
        let Some(slice) = candidates.get_mut(run.clone()) else { continue };
        let Some(sims) = slice.iter().map(&similarity).collect::<Option<Vec<f32>>>() else { continue };
        let mut order: Vec<usize> = (0..slice.len()).collect();
        order.sort_by(|a, b| sims[*b].total_cmp(&sims[*a]));
        let reordered: Vec<Candidate> = order.iter().map(|&i| slice[i].clone()).collect();
        slice.clone_from_slice(&reordered);
    }
    cap_confidence(&mut candidates, &old_top);
    candidates
}

/// When the top changed, the new top is trusted no more than the old one was.
fn cap_confidence(candidates: &mut [Candidate], (old_sku, old_confidence): &(String, f32)) {
    if let Some(top) = candidates.first_mut()
        && top.sku != *old_sku
    {
        top.confidence = top.confidence.min(*old_confidence);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(sku: &str, score: f32, confidence: f32) -> Candidate {
        Candidate { sku: sku.into(), name: sku.into(), unit: "pcs".into(), score, confidence }
    }

    /// A single run (a one-element array of ranges reads like a mistake to clippy).
    fn one(run: Range<usize>) -> Vec<Range<usize>> {
        std::iter::once(run).collect()
    }

    fn skus(candidates: &[Candidate]) -> Vec<&str> {
        candidates.iter().map(|c| c.sku.as_str()).collect()
    }

    #[test]
    fn cosine_is_the_angle_and_refuses_what_cannot_be_compared() {
        assert_eq!(cosine(&[1.0, 0.0], &[2.0, 0.0]), Some(1.0), "length does not matter");
        assert_eq!(cosine(&[1.0, 0.0], &[0.0, 3.0]), Some(0.0));
        assert_eq!(cosine(&[1.0, 0.0], &[-1.0, 0.0]), Some(-1.0));
        let c = cosine(&[1.0, 1.0], &[1.0, 0.0]).unwrap();
        assert!((c - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6, "{c}");
        assert_eq!(cosine(&[1.0, 0.0], &[1.0, 0.0, 0.0]), None, "different dimensions");
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), None, "no direction");
        assert_eq!(cosine(&[], &[]), None);
        // Large values do not overflow (accumulated in f64).
        assert_eq!(cosine(&[3e38, 3e38], &[3e38, 3e38]), Some(1.0));
    }

    #[test]
    fn ties_are_runs_anchored_at_their_first_candidate() {
        assert_eq!(ties(&[0.9, 0.895, 0.7, 0.6, 0.595, 0.592], 0.01), [0..2, 3..6]);
        assert!(ties(&[0.9, 0.8, 0.7], 0.01).is_empty(), "nothing tied");
        // A slope of small steps: 0.888 is more than 0.01 below 0.9, so it starts a run of its own.
        assert_eq!(ties(&[0.9, 0.894, 0.888, 0.882], 0.01), [0..2, 2..4]);
        assert!(ties(&[], 0.01).is_empty());
        assert!(ties(&[0.5], 0.01).is_empty());
    }

    #[test]
    fn only_tied_candidates_are_reordered_and_never_above_a_clearly_better_one() {
        let candidates = vec![
            candidate("best", 0.95, 0.6),
            candidate("tie-a", 0.80, 0.3),
            candidate("tie-b", 0.795, 0.29),
            candidate("worse", 0.5, 0.1),
        ];
        let runs = ties(&candidates.iter().map(|c| c.score).collect::<Vec<_>>(), TIE_EPSILON);
        // Semantically, "worse" and "tie-b" are far closer than anything else.
        let sim = |c: &Candidate| {
            Some(if c.sku == "best" {
                0.0
            } else if c.sku == "tie-a" {
                0.1
            } else {
                0.9
            })
        };
        let reordered = reorder(candidates.clone(), &runs, sim);
        assert_eq!(skus(&reordered), ["best", "tie-b", "tie-a", "worse"]);
        assert_eq!(reordered[0].confidence, 0.6, "the top did not change: nothing capped");
        assert_eq!(reordered[1].confidence, 0.29, "confidence travels with its candidate");
    }

    #[test]
    fn a_run_missing_a_similarity_keeps_its_lexical_order() {
        let candidates = vec![candidate("a", 0.8, 0.4), candidate("b", 0.8, 0.4), candidate("c", 0.8, 0.4)];
        let sim = |c: &Candidate| (c.sku != "a").then_some(if c.sku == "c" { 0.9 } else { 0.1 });
        assert_eq!(skus(&reorder(candidates, &one(0..3), sim)), ["a", "b", "c"]);
    }

    #[test]
    fn equal_similarities_keep_the_lexical_order() {
        let candidates = vec![candidate("a", 0.8, 0.4), candidate("b", 0.8, 0.4), candidate("c", 0.8, 0.4)];
        let sim = |c: &Candidate| Some(if c.sku == "c" { 0.9 } else { 0.5 });
        assert_eq!(skus(&reorder(candidates, &one(0..3), sim)), ["c", "a", "b"]);
    }

    #[test]
    fn a_new_top_is_never_more_confident_than_the_old_top() {
        // The promoted candidate had the higher confidence on its own (its features differ); as
        // the new top it gets at most the old top's, so auto-acceptance cannot loosen.
        let threshold = matching::AUTO_ACCEPT;
        let candidates = vec![candidate("old", 0.80, threshold - 0.1), candidate("new", 0.80, threshold + 0.1)];
        let sim = |c: &Candidate| Some(if c.sku == "new" { 0.9 } else { 0.1 });
        let reordered = reorder(candidates, &one(0..2), sim);
        assert_eq!(skus(&reordered), ["new", "old"]);
        assert_eq!(reordered[0].confidence, threshold - 0.1, "capped at the old top's");
        assert!(reordered[0].confidence < threshold, "not auto-accepted");
        assert_eq!(reordered[1].confidence, threshold - 0.1, "the old top keeps its own");

        // A lower one stays lower.
        let candidates = vec![candidate("old", 0.80, 0.5), candidate("new", 0.80, 0.2)];
        let reordered = reorder(candidates, &one(0..2), sim);
        assert_eq!((reordered[0].sku.as_str(), reordered[0].confidence), ("new", 0.2));
    }

    #[test]
    fn nothing_to_reorder_is_returned_unchanged() {
        assert!(reorder(Vec::new(), &[], |_| Some(1.0)).is_empty());
        let one = vec![candidate("a", 0.8, 0.9)];
        assert_eq!(reorder(one.clone(), &[], |_| Some(1.0)), one);
    }
}
