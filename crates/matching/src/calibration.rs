//! Turning a match score into a calibrated confidence, and choosing the auto-accept threshold.
//!
//! The model is a logistic regression on five features of a ranked result ([`Features`]): the
//! candidate's score; its margin over the best other candidate (for the top candidate, top minus
//! runner-up); its margin in *evidence*, the part of the score explained by the query's own words
//! and size; its coverage, the share of its own words and size the query mentions; and, when the
//! evidence margin is nil (another entry explains the query as well), how much of it is unnamed.
//!
//! One rule sits on top of the model: a line that names nothing of the item but its brand
//! ("aqua 2 dus") gets at most [`BRAND_ONLY_CAP`]. Such lines were right about 5 % of the time on
//! the calibration split, but a brand with one short-named item ("Aqua Galon 19L") can give them a
//! large tie-break margin the linear model would trust.
//! `confidence = 1 / (1 + exp(-z))`, `z = bias + Σ weight · feature`. Evidence margin and coverage
//! tell a real winner from a tie broken by words the query never mentioned ("rave lemon 350ml":
//! Teh Botol or Teh Gelas? both explain the query, neither is fully named). It is fitted by
//! [`fit`] on the benchmark's calibration split (labelled lines, a different seed from the test
//! split), so a confidence of 0.9 means that about 9 in 10 such top candidates were right there.
//! [`MODEL`] and [`crate::AUTO_ACCEPT`] are the fitted values; re-derive both with
//! `cargo bench -p matching --bench quality -- --calibrate`.

/// Highest confidence of a candidate the query names only by its brand (see the module doc).
pub const BRAND_ONLY_CAP: f32 = 0.1;

/// Coefficients of the logistic confidence model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Model {
    pub bias: f32,
    /// Weights of score, tie-break margin (margin minus evidence margin), evidence margin, coverage,
    /// unnamed share in a tie, history prior and prior margin, in that order.
    pub weights: [f32; FEATURES],
}

/// Fitted on the calibration split (100,000 items, 20,000 lines); see the module doc.
pub const MODEL: Model =
    Model { bias: 0.8976, weights: [3.032655, 69.90552, 43.955082, -3.7505553, -4.5227094, 0.40626258, -2.8756857] };

/// How many features the model weighs.
pub const FEATURES: usize = 7;

impl Model {
    pub fn confidence(&self, f: &Features) -> f32 {
        let z = self.bias + self.weights.iter().zip(f.values()).map(|(w, x)| w * x).sum::<f32>();
        let c = 1.0 / (1.0 + (-z).exp());
        let c = if c.is_finite() { c.clamp(0.0, 1.0) } else { 0.0 };
        if f.named { c } else { c.min(BRAND_ONLY_CAP) }
    }
}

/// What a candidate's confidence is computed from (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Features {
    pub score: f32,
    pub margin: f32,
    pub evidence_margin: f32,
    pub coverage: f32,
    /// The query names more than the brand (see `matcher::score::Scored::named`).
    pub named: bool,
    /// The customer's history prior of the candidate (0 without history; see `matcher::History`).
    pub prior: f32,
    /// Its prior minus that of the best other candidate.
    pub prior_margin: f32,
}

/// Evidence margins at most this are a tie: the query does not tell the two entries apart.
const EVIDENCE_TIE: f32 = 1e-3;

impl Features {
    fn values(&self) -> [f32; FEATURES] {
        // A tie in evidence matters when the entry is not fully named: then the query fits another
        // entry as well and the order only reflects which one has fewer unmentioned words.
        let tie = f32::from(u8::from(self.evidence_margin.abs() <= EVIDENCE_TIE));
        // The margin splits into evidence and tie-break (fewer unmentioned words); they weigh differently.
        let tie_break_margin = self.margin - self.evidence_margin;
        [
            self.score,
            tie_break_margin,
            self.evidence_margin,
            self.coverage,
            tie * (1.0 - self.coverage),
            self.prior,
            self.prior_margin,
        ]
    }
}

/// One calibration observation: the top candidate's features, and whether it was right.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub features: Features,
    pub correct: bool,
}

/// Maximum-likelihood logistic fit by gradient descent on standardised features. Deterministic.
pub fn fit(samples: &[Sample]) -> Model {
    let features = |s: &Sample| s.features.values().map(f64::from);
    let n = samples.len().max(1) as f64;
    let mut mean = [0.0f64; FEATURES];
    let mut sd = [0.0f64; FEATURES];
    for s in samples {
        for (m, x) in mean.iter_mut().zip(features(s)) {
            *m += x / n;
        }
    }
    for s in samples {
        for ((v, x), m) in sd.iter_mut().zip(features(s)).zip(mean) {
            *v += (x - m).powi(2) / n;
        }
    }
    let sd = sd.map(|v| v.sqrt().max(1e-6));
    let (mut bias, mut w) = (0.0f64, [0.0f64; FEATURES]);
    for _ in 0..3000 {
        let (mut gb, mut gw) = (0.0, [0.0f64; FEATURES]);
        for s in samples {
            let x: Vec<f64> = features(s).iter().zip(mean).zip(sd).map(|((x, m), d)| (x - m) / d).collect();
            let z = bias + w.iter().zip(&x).map(|(a, b)| a * b).sum::<f64>();
            let e = 1.0 / (1.0 + (-z).exp()) - f64::from(u8::from(s.correct));
            gb += e;
            for (g, xi) in gw.iter_mut().zip(&x) {
                *g += e * xi;
            }
        }
        bias -= gb / n;
        for (wi, g) in w.iter_mut().zip(gw) {
            *wi -= g / n;
        }
    }
    // Back to raw features: z = bias + sum w_i (x_i - mean_i) / sd_i.
    let raw: [f64; FEATURES] = std::array::from_fn(|i| w[i] / sd[i]);
    let bias = bias - raw.iter().zip(mean).map(|(r, m)| r * m).sum::<f64>();
    Model { bias: bias as f32, weights: raw.map(|r| r as f32) }
}

/// The lowest confidence threshold whose accepted set (confidence >= threshold) has at least
/// `precision`, i.e. the one that accepts the most lines; `None` if no threshold reaches it.
/// `scored` holds (confidence, correct).
pub fn threshold_for_precision(scored: &[(f32, bool)], precision: f64) -> Option<f32> {
    let mut sorted = scored.to_vec();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut right, mut best) = (0usize, None);
    for (i, &(conf, correct)) in sorted.iter().enumerate() {
        right += usize::from(correct);
        // Only cut between different confidences: equal ones are accepted or refused together.
        let last_of_tie = sorted.get(i + 1).is_none_or(|next| next.0 < conf);
        if last_of_tie && right as f64 >= precision * (i + 1) as f64 {
            best = Some(conf);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_model_gives_probabilities_growing_with_score_and_margin() {
        let m = MODEL;
        let f = |score, margin, evidence_margin| Features {
            score,
            margin,
            evidence_margin,
            coverage: 1.0,
            named: true,
            ..Features::default()
        };
        for (s, g) in [(-1.0, -1.0), (0.0, 0.0), (1.0, 1.0), (f32::NAN, 0.0), (f32::INFINITY, 1.0)] {
            let c = m.confidence(&f(s, g, g));
            assert!((0.0..=1.0).contains(&c), "{s} {g} -> {c}");
        }
        assert!(m.confidence(&f(0.9, 0.2, 0.2)) > m.confidence(&f(0.5, 0.2, 0.2)));
        assert!(m.confidence(&f(0.9, 0.2, 0.2)) > m.confidence(&f(0.9, 0.0, 0.2)));
    }

    #[test]
    fn fit_separates_right_from_wrong() {
        // Right answers have high margins, wrong ones low: the fit must order them.
        let f = |margin| Features {
            score: 0.8,
            margin,
            evidence_margin: margin,
            coverage: 1.0,
            named: true,
            ..Features::default()
        };
        let samples: Vec<Sample> =
            (0..200).map(|i| Sample { features: f(i as f32 / 1000.0), correct: i >= 60 || i % 7 == 0 }).collect();
        let m = fit(&samples);
        assert!(m.weights[1] + m.weights[2] > 0.0, "{m:?}");
        assert!(m.confidence(&f(0.19)) > 0.9 && m.confidence(&f(0.0)) < 0.6, "{m:?}");
    }

    #[test]
    fn threshold_reaches_the_precision_asked_for() {
        // Confidences 1.0 .. 0.01; wrong answers at 0.5 and below every other line.
        let scored: Vec<(f32, bool)> = (1..=100).map(|i| (i as f32 / 100.0, i > 50 || i % 2 == 0)).collect();
        assert_eq!(threshold_for_precision(&scored, 1.0), Some(0.5));
        let t = threshold_for_precision(&scored, 0.9).unwrap();
        let accepted: Vec<_> = scored.iter().filter(|s| s.0 >= t).collect();
        let right = accepted.iter().filter(|s| s.1).count();
        assert!(right as f64 >= 0.9 * accepted.len() as f64 && t < 0.5);
        assert_eq!(threshold_for_precision(&[(0.9, false)], 0.5), None);
    }
}
