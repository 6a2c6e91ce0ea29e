//! Pack sizes in one canonical form: volumes in millilitres, masses in grams.
//!
//! `600ml`, `600 ml`, `0.6L`, `0,6 ltr` and `600cc` are all 600 ml; `1kg`, `1000g` and
//! `1000gr` are all 1000 g. Arithmetic is exact ([`Decimal`]), so 0.6 L is 600 ml and not 599.99.

use std::fmt;

use rust_decimal::Decimal;

/// What a size measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    /// Millilitres.
    Volume,
    /// Grams.
    Mass,
}

/// A size in canonical units. Displays as `600ml` or `1000g`, the form the index stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Size {
    pub amount: Decimal,
    pub dim: Dim,
}

impl Size {
    /// `amount` of the unit written as `unit` (already folded to lowercase), if `unit` is a size unit.
    pub fn from_unit(amount: Decimal, unit: &str) -> Option<Size> {
        let (dim, factor) = unit_factor(unit)?;
        let amount = amount.checked_mul(Decimal::from(factor))?.normalize();
        (amount > Decimal::ZERO).then_some(Size { amount, dim })
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.dim {
            Dim::Volume => "ml",
            Dim::Mass => "g",
        };
        write!(f, "{}{unit}", self.amount)
    }
}

/// The dimension and the factor to canonical units of a unit word.
pub fn unit_factor(unit: &str) -> Option<(Dim, u32)> {
    Some(match unit {
        "ml" | "mls" | "mililiter" | "milliliter" | "millilitre" | "cc" | "毫升" => (Dim::Volume, 1),
        "l" | "lt" | "ltr" | "liter" | "litre" | "liters" | "litres" | "升" | "公升" => (Dim::Volume, 1000),
        "g" | "gr" | "grm" | "gram" | "grams" | "gm" | "gms" | "克" => (Dim::Mass, 1),
        "kg" | "kgs" | "kilo" | "kilogram" | "kilograms" | "公斤" | "千克" => (Dim::Mass, 1000),
        _ => return None,
    })
}

/// The longest size unit at the start of a CJK run (`毫升` in `330毫升装`), with its byte length.
pub fn cjk_unit_prefix(run: &str) -> Option<(&str, usize)> {
    ["毫升", "公升", "公斤", "千克", "升", "克"].into_iter().find(|u| run.starts_with(u)).map(|u| (u, u.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(a: &str, u: &str) -> String {
        Size::from_unit(a.parse().unwrap(), u).unwrap().to_string()
    }

    #[test]
    fn volumes_are_millilitres() {
        for (a, u) in [("600", "ml"), ("0.6", "l"), ("0.6", "ltr"), ("0.60", "liter"), ("600", "cc"), ("600", "毫升")]
        {
            assert_eq!(size(a, u), "600ml", "{a} {u}");
        }
        assert_eq!(size("1.5", "l"), "1500ml");
    }

    #[test]
    fn masses_are_grams() {
        for (a, u) in [("1", "kg"), ("1000", "g"), ("1000", "gr"), ("1", "公斤")] {
            assert_eq!(size(a, u), "1000g", "{a} {u}");
        }
        assert_eq!(size("250", "gr"), "250g");
        assert_eq!(size("0.25", "kg"), "250g");
    }

    #[test]
    fn not_units_and_zero_sizes_are_refused() {
        assert!(Size::from_unit(Decimal::from(2), "dus").is_none());
        assert!(Size::from_unit(Decimal::ZERO, "ml").is_none());
        assert!(Size::from_unit(Decimal::MAX, "kg").is_none(), "overflow is refused, not a panic");
    }

    #[test]
    fn cjk_units_prefer_the_longest() {
        assert_eq!(cjk_unit_prefix("毫升装"), Some(("毫升", 6)));
        assert_eq!(cjk_unit_prefix("升"), Some(("升", 3)));
        assert_eq!(cjk_unit_prefix("碧"), None);
    }
}
