//! Dates: ISO `YYYY-MM-DD` text (optionally followed by a time, which is dropped), and real
//! date cells. Other spellings (05/01/2024) are refused: day-month order is ambiguous.

use calamine::ExcelDateTime;
use chrono::{NaiveDate, NaiveTime};

/// Strict ISO date, optionally with " HH:MM[:SS]" or "THH:MM[:SS]" after it.
pub(crate) fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let (date, rest) = (text.get(..10)?, text.get(10..)?);
    let b = date.as_bytes();
    let shape_ok = b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if !shape_ok {
        return None;
    }
    if !rest.is_empty() {
        let time = rest.strip_prefix([' ', 'T'])?;
        NaiveTime::parse_from_str(time, "%H:%M:%S").or_else(|_| NaiveTime::parse_from_str(time, "%H:%M")).ok()?;
    }
    let num = |r: std::ops::Range<usize>| date.get(r).and_then(|s| s.parse::<u32>().ok());
    let year = i32::try_from(num(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?)
}

/// Excel's serial day number (either epoch) to a calendar date; `None` outside Excel's range
/// (0 to 9999-12-31) and for Excel's phantom 1900-02-29.
pub(crate) fn date_from_excel(value: &ExcelDateTime) -> Option<NaiveDate> {
    const LAST_SERIAL: f64 = 2_958_466.0;
    let serial = value.as_f64();
    if !serial.is_finite() || !(0.0..LAST_SERIAL).contains(&serial) {
        return None;
    }
    let (y, m, d, ..) = value.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
}

#[cfg(test)]
mod tests {
    use calamine::ExcelDateTimeType;

    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn iso_dates_with_and_without_time() {
        assert_eq!(parse_iso_date("2024-03-05"), ymd(2024, 3, 5));
        assert_eq!(parse_iso_date(" 2024-03-05 "), ymd(2024, 3, 5));
        assert_eq!(parse_iso_date("2024-03-05 13:45:00"), ymd(2024, 3, 5));
        assert_eq!(parse_iso_date("2024-03-05T08:00"), ymd(2024, 3, 5));
    }

    #[test]
    fn other_spellings_and_impossible_dates_are_refused() {
        for bad in
            ["05/03/2024", "2024-3-5", "2024-02-30", "2024-13-01", "2024-03-05x", "2024-03-05 noon", "", "२०२४-०३-०५"]
        {
            assert_eq!(parse_iso_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn excel_serials_in_both_epochs() {
        let d1900 = ExcelDateTime::new(45_357.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(date_from_excel(&d1900), ymd(2024, 3, 6));
        let d1904 = ExcelDateTime::new(45_357.0 - 1462.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(date_from_excel(&d1904), ymd(2024, 3, 6));
        let with_time = ExcelDateTime::new(45_357.75, ExcelDateTimeType::DateTime, false);
        assert_eq!(date_from_excel(&with_time), ymd(2024, 3, 6));
        for bad in [f64::NAN, f64::INFINITY, -1.0, 3e6, 60.0] {
            assert_eq!(date_from_excel(&ExcelDateTime::new(bad, ExcelDateTimeType::DateTime, false)), None, "{bad}");
        }
    }
}
