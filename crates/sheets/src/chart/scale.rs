//! The value axis: a range that includes zero, widened to "nice" tick steps (1, 2 or 5 times a
//! power of ten) so ticks read as round numbers. Tick values are exact decimals.

use rust_decimal::Decimal;

/// Aim for about this many tick intervals.
const TARGET_TICKS: u32 = 5;

pub(super) struct Axis {
    lo: Decimal,
    hi: Decimal,
    step: Decimal,
}

impl Axis {
    pub(super) fn for_values(values: impl Iterator<Item = Decimal>) -> Axis {
        let (mut lo, mut hi) = (Decimal::ZERO, Decimal::ZERO);
        for v in values {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if lo == hi {
            // All zero: an axis from 0 to 1 rather than a division by zero.
            hi = Decimal::ONE;
        }
        let step = nice_step((hi - lo) / Decimal::from(TARGET_TICKS));
        let lo = (lo / step).floor() * step;
        let hi = (hi / step).ceil() * step;
        Axis { lo, hi, step }
    }

    /// Where `v` sits between the ends, 0.0 to 1.0.
    pub(super) fn fraction(&self, v: Decimal) -> f64 {
        let span = super::to_pixels(self.hi - self.lo);
        if span <= 0.0 { 0.0 } else { (super::to_pixels(v - self.lo) / span).clamp(0.0, 1.0) }
    }

    pub(super) fn ticks(&self) -> Vec<Decimal> {
        let mut ticks = Vec::new();
        let mut t = self.lo;
        // The step divides the range into a handful of parts; the cap is only a guard.
        while t <= self.hi && ticks.len() <= 2 * TARGET_TICKS as usize + 2 {
            ticks.push(t);
            t += self.step;
        }
        ticks
    }
}

/// The smallest 1, 2 or 5 × 10^k at least `raw` (raw > 0).
fn nice_step(raw: Decimal) -> Decimal {
    let mut magnitude = Decimal::ONE;
    while magnitude > raw && magnitude.scale() < 20 {
        magnitude /= Decimal::TEN;
    }
    while magnitude * Decimal::TEN <= raw {
        match magnitude.checked_mul(Decimal::TEN) {
            Some(m) => magnitude = m,
            None => break,
        }
    }
    [Decimal::ONE, Decimal::TWO, Decimal::from(5), Decimal::TEN]
        .into_iter()
        .filter_map(|f| magnitude.checked_mul(f))
        .find(|s| *s >= raw)
        .unwrap_or(magnitude)
}

/// 12500000 -> "12.5M", 2500 -> "2.5K", 0.25 -> "0.25".
pub(super) fn compact(v: Decimal) -> String {
    let abs = v.abs();
    let (div, suffix) = [(1_000_000_000_000i64, "T"), (1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")]
        .into_iter()
        .find(|(d, _)| abs >= Decimal::from(*d))
        .unwrap_or((1, ""));
    let scaled = (v / Decimal::from(div)).round_dp(2).normalize();
    format!("{scaled}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn ticks_are_round_and_cover_the_values() {
        let axis = Axis::for_values([d("12"), d("87"), d("40")].into_iter());
        assert_eq!(axis.ticks(), vec![d("0"), d("20"), d("40"), d("60"), d("80"), d("100")]);
        let axis = Axis::for_values([d("-30"), d("45")].into_iter());
        assert_eq!(axis.ticks().first(), Some(&d("-40")));
        assert_eq!(axis.ticks().last(), Some(&d("60")));
        let zero = Axis::for_values([Decimal::ZERO, Decimal::ZERO].into_iter());
        assert_eq!(zero.ticks(), vec![d("0"), d("0.2"), d("0.4"), d("0.6"), d("0.8"), d("1.0")]);
        assert_eq!(zero.fraction(Decimal::ZERO), 0.0);
    }

    #[test]
    fn compact_labels() {
        assert_eq!(compact(d("12500000")), "12.5M");
        assert_eq!(compact(d("2500")), "2.5K");
        assert_eq!(compact(d("0.25")), "0.25");
        assert_eq!(compact(d("-3000")), "-3K");
    }
}
