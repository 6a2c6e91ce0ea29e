//! Turning a match score into a calibrated confidence, and choosing the auto-accept threshold.
//!
//! The model is a logistic regression on two features of a ranked result: the candidate's score
//! and its margin over the best other candidate (for the top candidate, top minus runner-up):
//! `confidence = 1 / (1 + exp(-(bias + w_score * score + w_margin * margin)))`. It is fitted by
//! [`fit`] on the benchmark's calibration split (labelled lines, a different seed from the test
//! split), so a confidence of 0.9 means that about 9 in 10 such top candidates were right there.
//! [`MODEL`] and [`crate::AUTO_ACCEPT`] are the fitted values; re-derive both with
//! `cargo bench -p matching --bench quality -- --calibrate`.

/// Coefficients of the logistic confidence model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Model {
    pub bias: f32,
    pub w_score: f32,
    pub w_margin: f32,
}

/// Fitted on the calibration split (100,000 items, 20,000 lines); see the module doc.
pub const MODEL: Model = Model { bias: -6.0, w_score: 8.0, w_margin: 25.0 };

impl Model {
    pub fn confidence(&self, score: f32, margin: f32) -> f32 {
        let z = self.bias + self.w_score * score + self.w_margin * margin;
        let c = 1.0 / (1.0 + (-z).exp());
        if c.is_finite() { c.clamp(0.0, 1.0) } else { 0.0 }
    }
}

/// One calibration observation: the top candidate's score and margin, and whether it was right.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub score: f32,
    pub margin: f32,
    pub correct: bool,
}

/// Maximum-likelihood logistic fit by gradient descent on standardised features. Deterministic.
pub fn fit(samples: &[Sample]) -> Model {
    let n = samples.len().max(1) as f64;
    let mean = |f: fn(&Sample) -> f32| samples.iter().map(|s| f64::from(f(s))).sum::<f64>() / n;
    let (ms, mm) = (mean(|s| s.score), mean(|s| s.margin));
    let sd = |f: fn(&Sample) -> f32, m: f64| {
        (samples.iter().map(|s| (f64::from(f(s)) - m).powi(2)).sum::<f64>() / n).sqrt().max(1e-6)
    };
    let (ss, sm) = (sd(|s| s.score, ms), sd(|s| s.margin, mm));
    let (mut b, mut ws, mut wm) = (0.0f64, 0.0f64, 0.0f64);
    for _ in 0..3000 {
        let (mut gb, mut gs, mut gm) = (0.0, 0.0, 0.0);
        for s in samples {
            let x1 = (f64::from(s.score) - ms) / ss;
            let x2 = (f64::from(s.margin) - mm) / sm;
            let p = 1.0 / (1.0 + (-(b + ws * x1 + wm * x2)).exp());
            let e = p - f64::from(u8::from(s.correct));
            gb += e;
            gs += e * x1;
            gm += e * x2;
        }
        let rate = 1.0;
        b -= rate * gb / n;
        ws -= rate * gs / n;
        wm -= rate * gm / n;
    }
    // Back to raw features: z = b + ws (x - ms)/ss + wm (m - mm)/sm.
    let w_score = ws / ss;
    let w_margin = wm / sm;
    let bias = b - w_score * ms - w_margin * mm;
    Model { bias: bias as f32, w_score: w_score as f32, w_margin: w_margin as f32 }
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
    fn confidence_is_a_probability_and_grows_with_score_and_margin() {
        let m = MODEL;
        for (s, g) in [(-1.0, -1.0), (0.0, 0.0), (1.0, 1.0), (f32::NAN, 0.0), (f32::INFINITY, 1.0)] {
            let c = m.confidence(s, g);
            assert!((0.0..=1.0).contains(&c), "{s} {g} -> {c}");
        }
        assert!(m.confidence(0.9, 0.2) > m.confidence(0.5, 0.2));
        assert!(m.confidence(0.9, 0.2) > m.confidence(0.9, 0.0));
    }

    #[test]
    fn fit_separates_right_from_wrong() {
        // Right answers have high margins, wrong ones low: the fit must order them.
        let samples: Vec<Sample> = (0..200)
            .map(|i| {
                let margin = i as f32 / 1000.0;
                Sample { score: 0.8, margin, correct: i >= 60 || i % 7 == 0 }
            })
            .collect();
        let m = fit(&samples);
        assert!(m.w_margin > 0.0, "{m:?}");
        assert!(m.confidence(0.8, 0.19) > 0.9 && m.confidence(0.8, 0.0) < 0.6, "{m:?}");
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
