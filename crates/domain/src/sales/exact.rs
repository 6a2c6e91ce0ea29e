//! Exact money and quantities. Both are `rust_decimal::Decimal` in memory and integer minor units
//! in the database: money in ten-thousandths (4 decimal places: whole rupiah and sub-cent unit
//! prices alike), quantities in thousandths (grams of a kilogram). Integers, not TEXT, because the
//! database must sum and sort them exactly (SQL SUM over integers is exact and fails loudly on
//! overflow; over TEXT it would go through floating point). The caps keep every stored value and
//! any realistic sum inside an `i64`.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::{Error, Result};

/// Decimal places of money.
pub const MONEY_SCALE: u32 = 4;
/// Decimal places of quantities.
pub const QUANTITY_SCALE: u32 = 3;
/// The largest money value one price or one line amount may have (10^14 currency units).
pub const MAX_MONEY_UNITS: i64 = 100_000_000_000_000;
/// The largest quantity one row may have (10^9).
pub const MAX_QUANTITY_UNITS: i64 = 1_000_000_000;

fn to_minor(field: &str, value: Decimal, scale: u32, max_units: i64) -> Result<i64> {
    let value = value.normalize();
    if value.scale() > scale {
        return Err(Error::validation(format!("{field}: at most {scale} decimal places")));
    }
    if value.abs() > Decimal::from(max_units) {
        return Err(Error::validation(format!("{field}: must be at most {max_units} in size")));
    }
    value
        .checked_mul(Decimal::from(10_i64.pow(scale)))
        .and_then(|minor| minor.to_i64())
        .ok_or_else(|| Error::validation(format!("{field}: out of range")))
}

/// Money as stored: ten-thousandths. Refuses more than [`MONEY_SCALE`] places or too large a value.
pub fn money_minor(field: &str, value: Decimal) -> Result<i64> {
    to_minor(field, value, MONEY_SCALE, MAX_MONEY_UNITS)
}

/// A quantity as stored: thousandths.
pub fn quantity_minor(field: &str, value: Decimal) -> Result<i64> {
    to_minor(field, value, QUANTITY_SCALE, MAX_QUANTITY_UNITS)
}

/// Money read back (a value or an exact SQL sum), without trailing zeros.
pub fn money_from_minor(minor: i64) -> Decimal {
    Decimal::new(minor, MONEY_SCALE).normalize()
}

pub fn quantity_from_minor(minor: i64) -> Decimal {
    Decimal::new(minor, QUANTITY_SCALE).normalize()
}

/// A sales line's amount: quantity × unit price, rounded half away from zero to [`MONEY_SCALE`]
/// places (a fraction of a ten-thousandth is not money anyone can pay).
pub fn line_amount(quantity: Decimal, unit_price: Decimal) -> Result<Decimal> {
    let exact = quantity
        .checked_mul(unit_price)
        .ok_or_else(|| Error::validation("amount: quantity × unit_price is out of range"))?;
    let amount = exact.round_dp_with_strategy(MONEY_SCALE, RoundingStrategy::MidpointAwayFromZero);
    money_minor("amount", amount)?;
    Ok(amount.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn money_round_trips_exactly_through_minor_units() {
        for s in ["0", "1", "0.0001", "3500", "12345.6789", "-7.5", "99999999999999.9999"] {
            let minor = money_minor("price", d(s)).unwrap();
            assert_eq!(money_from_minor(minor), d(s), "{s}");
        }
        assert_eq!(money_minor("price", d("1.50")).unwrap(), 15_000, "trailing zeros are not extra places");
    }

    #[test]
    fn too_many_places_or_too_large_is_refused() {
        let err = money_minor("price", d("0.00001")).unwrap_err();
        assert!(err.detail().contains("4 decimal places"), "{}", err.detail());
        assert!(money_minor("price", d("100000000000000.0001")).is_err());
        assert!(quantity_minor("quantity", d("1.0005")).is_err());
        assert_eq!(quantity_minor("quantity", d("2.125")).unwrap(), 2_125);
        assert_eq!(quantity_from_minor(2_125), d("2.125"));
    }

    #[test]
    fn line_amounts_round_half_away_from_zero() {
        assert_eq!(line_amount(d("3"), d("0.3333")).unwrap(), d("0.9999"));
        assert_eq!(line_amount(d("0.5"), d("0.0001")).unwrap(), d("0.0001"), "half rounds up");
        assert_eq!(line_amount(d("-0.5"), d("0.0001")).unwrap(), d("-0.0001"));
        assert_eq!(line_amount(d("2.5"), d("3500")).unwrap(), d("8750"));
        assert!(line_amount(d("1000000000"), d("1000000000")).is_err(), "beyond the money cap");
    }
}
