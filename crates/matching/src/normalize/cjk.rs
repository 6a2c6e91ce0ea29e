//! CJK text: which characters count, Chinese numerals and the packaging measure words.
//!
//! Chinese names have no spaces, so the matcher compares them character by character
//! (see [`crate::normalize::analyze`]); this module only classifies characters.

/// Han ideographs (with extensions A and B, and compatibility forms), kana and Hangul.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF
        | 0x3040..=0x309F | 0x30A0..=0x30FF | 0xAC00..=0xD7AF)
}

/// Measure words that name how goods are ordered (carton, box, bottle, bag ...), not what they are.
pub fn is_pack_char(c: char) -> bool {
    matches!(c, '箱' | '盒' | '瓶' | '包' | '袋' | '罐' | '件' | '个' | '支' | '条' | '提' | '打' | '桶' | '听' | '板')
}

/// Value of a single Chinese numeral character, `None` for anything else.
fn digit_value(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// Whether `c` can be part of a Chinese number as parsed by [`parse_numeral`].
pub fn is_numeral_char(c: char) -> bool {
    digit_value(c).is_some() || matches!(c, '十' | '拾' | '百' | '佰' | '千' | '仟')
}

/// A Chinese number below 10,000 (`三` 3, `十二` 12, `二十` 20, `两百五十` 250, `一千零五` 1005).
///
/// Returns `None` for an empty string, a character that is not a numeral, or a malformed order of
/// units, so a word that merely contains a numeral (统一, a brand) is never read as a quantity.
pub fn parse_numeral(s: &str) -> Option<u32> {
    if s.is_empty() || s.chars().count() > 8 {
        return None;
    }
    let mut total = 0u32;
    let mut pending: Option<u32> = None;
    // Units must appear in decreasing order (千 before 百 before 十).
    let mut last_unit = u32::MAX;
    for c in s.chars() {
        if let Some(d) = digit_value(c) {
            // Two digits in a row are not a numeral, except after the 零 that fills a gap (一千零五).
            if pending.is_some_and(|p| p != 0) {
                return None;
            }
            pending = Some(d);
            continue;
        }
        let unit = match c {
            '十' | '拾' => 10,
            '百' | '佰' => 100,
            '千' | '仟' => 1000,
            _ => return None,
        };
        if unit >= last_unit {
            return None;
        }
        last_unit = unit;
        // A bare 十 means ten (十二 = 12).
        total += pending.take().unwrap_or(1) * unit;
    }
    Some(total + pending.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals_parse() {
        for (s, v) in [("一", 1), ("两", 2), ("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("二十五", 25)]
        {
            assert_eq!(parse_numeral(s), Some(v), "{s}");
        }
        assert_eq!(parse_numeral("两百五十"), Some(250));
        assert_eq!(parse_numeral("一千零五"), Some(1005));
    }

    #[test]
    fn non_numerals_are_refused() {
        for s in ["", "统一", "一一", "十百", "箱", "百百"] {
            assert_eq!(parse_numeral(s), None, "{s}");
        }
    }

    #[test]
    fn classes() {
        assert!(is_cjk('雪') && is_cjk('ア') && !is_cjk('a') && !is_cjk('1'));
        assert!(is_pack_char('箱') && !is_pack_char('碧'));
        assert!(is_numeral_char('两') && is_numeral_char('十') && !is_numeral_char('箱'));
    }
}
