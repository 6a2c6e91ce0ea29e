//! Small, strict parsers for variable values. Each error names the variable.

use std::time::Duration;

/// `30s`, `15m`, `24h`, `90d`, or a bare number of seconds.
pub fn duration(name: &str, raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let (digits, unit) = match raw.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => raw.split_at(i),
        None => (raw, "s"),
    };
    let value: u64 =
        digits.parse().map_err(|_| format!("{name}: `{raw}` is not a duration (examples: 30s, 15m, 24h, 90d)"))?;
    let secs = match unit {
        "s" => Some(value),
        "m" => value.checked_mul(60),
        "h" => value.checked_mul(3600),
        "d" => value.checked_mul(86_400),
        _ => None,
    }
    .ok_or_else(|| format!("{name}: `{raw}` is not a duration (examples: 30s, 15m, 24h, 90d)"))?;
    if secs == 0 {
        return Err(format!("{name}: must be greater than zero"));
    }
    Ok(Duration::from_secs(secs))
}

pub fn number<T: std::str::FromStr + PartialOrd + std::fmt::Display>(
    name: &str,
    raw: &str,
    min: T,
    max: T,
) -> Result<T, String> {
    let value: T = raw.trim().parse().map_err(|_| format!("{name}: `{}` is not a whole number", raw.trim()))?;
    if value < min || value > max {
        return Err(format!("{name}: must be between {min} and {max}"));
    }
    Ok(value)
}

pub fn boolean(name: &str, raw: &str) -> Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(format!("{name}: `{other}` is not true or false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_accept_units_and_bare_seconds() {
        assert_eq!(duration("X", "30s"), Ok(Duration::from_secs(30)));
        assert_eq!(duration("X", "15m"), Ok(Duration::from_secs(900)));
        assert_eq!(duration("X", "24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(duration("X", "90d"), Ok(Duration::from_secs(90 * 86_400)));
        assert_eq!(duration("X", "45"), Ok(Duration::from_secs(45)));
    }

    #[test]
    fn bad_durations_name_the_variable() {
        for bad in ["", "h", "10y", "-5m", "0s", "99999999999999999999d"] {
            let err = duration("WORK_INTERRUPT_TTL", bad).unwrap_err();
            assert!(err.starts_with("WORK_INTERRUPT_TTL:"), "{bad}: {err}");
        }
    }

    #[test]
    fn numbers_are_range_checked() {
        assert_eq!(number("PORT", "8080", 1u16, u16::MAX), Ok(8080));
        assert!(number("PORT", "0", 1u16, u16::MAX).is_err());
        assert!(number("PORT", "70000", 1u16, u16::MAX).is_err());
        assert!(number("PORT", "80a", 1u16, u16::MAX).is_err());
    }

    #[test]
    fn booleans_are_strict() {
        assert_eq!(boolean("B", "false"), Ok(false));
        assert_eq!(boolean("B", "On"), Ok(true));
        assert!(boolean("B", "maybe").is_err());
    }
}
