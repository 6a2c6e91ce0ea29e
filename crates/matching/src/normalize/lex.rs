//! Splitting folded text into pieces: letter runs, numbers, CJK runs and the few symbols that
//! mean something in an order line (`@`, `*`, `×`).
//!
//! A piece keeps its byte span in the folded text and whether it was glued to the previous piece,
//! so `600ml` and `600 ml` lex alike while the order-line parser can still cut exact spans out.

use rust_decimal::Decimal;

use super::cjk::is_cjk;

/// What a piece is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Letters (any script but CJK), apostrophes inside words dropped: `lay's` -> `lays`.
    Alpha(String),
    /// Digits with at most one decimal point (`0,6` and `0.6` are both 0.6). `None` when the
    /// digits do not fit a [`Decimal`] (a pasted barcode run of 40 digits, say).
    Number(Option<Decimal>),
    /// A run of CJK characters.
    Cjk(String),
    /// `@`, `*` or `×`: the quantity markers of "aqua @2", "aqua *2".
    Mark(char),
}

/// One piece of folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub kind: Kind,
    /// Byte range in the folded text.
    pub start: usize,
    pub end: usize,
    /// No separator between this piece and the previous one (`600ml`: `ml` is glued).
    pub glued: bool,
}

impl Piece {
    /// The text of a letter run, if this is one.
    pub fn alpha(&self) -> Option<&str> {
        match &self.kind {
            Kind::Alpha(s) => Some(s),
            _ => None,
        }
    }

    /// The value of a number, if this is a number that parsed.
    pub fn number(&self) -> Option<Decimal> {
        match self.kind {
            Kind::Number(n) => n,
            _ => None,
        }
    }
}

/// Longest digit run read as a number; longer runs (barcodes, phone numbers) stay unparsed.
const MAX_NUMBER_DIGITS: usize = 18;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Alpha,
    Digit,
    Cjk,
    Other,
}

fn class(c: char) -> Class {
    if c.is_ascii_digit() {
        Class::Digit
    } else if is_cjk(c) {
        Class::Cjk
    } else if c.is_alphabetic() || is_mark(c) {
        Class::Alpha
    } else {
        Class::Other
    }
}

/// Combining marks stay inside the word they modify.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '`')
}

/// Lex folded text (see [`super::fold()`]) into pieces. Never fails; unknown symbols separate.
pub fn lex(text: &str) -> Vec<Piece> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut glued = false;
    while i < chars.len() {
        let (start, c) = chars[i];
        let cls = class(c);
        let mut j = i + 1;
        match cls {
            Class::Other => {
                if matches!(c, '@' | '*' | '×') {
                    out.push(Piece { kind: Kind::Mark(c), start, end: start + c.len_utf8(), glued });
                    glued = true;
                } else {
                    glued = false;
                }
                i = j;
                continue;
            }
            Class::Digit => {
                // One decimal separator, only when a digit follows: "1,5" but not "2, 3".
                let mut seen_point = false;
                while j < chars.len() {
                    let d = chars[j].1;
                    if d.is_ascii_digit() {
                        j += 1;
                    } else if matches!(d, '.' | ',')
                        && !seen_point
                        && chars.get(j + 1).is_some_and(|(_, n)| n.is_ascii_digit())
                    {
                        seen_point = true;
                        j += 1;
                    } else {
                        break;
                    }
                }
            }
            Class::Alpha => {
                while j < chars.len() {
                    let d = chars[j].1;
                    let inner_apostrophe =
                        is_apostrophe(d) && chars.get(j + 1).is_some_and(|(_, n)| class(*n) == Class::Alpha);
                    if class(d) == Class::Alpha || inner_apostrophe {
                        j += 1;
                    } else {
                        break;
                    }
                }
            }
            Class::Cjk => {
                while j < chars.len() && class(chars[j].1) == Class::Cjk {
                    j += 1;
                }
            }
        }
        let end = chars.get(j).map_or(text.len(), |(b, _)| *b);
        let raw = &text[start..end];
        let kind = match cls {
            Class::Digit => Kind::Number(parse_number(raw)),
            Class::Alpha => Kind::Alpha(raw.chars().filter(|c| !is_apostrophe(*c)).collect()),
            _ => Kind::Cjk(raw.to_owned()),
        };
        out.push(Piece { kind, start, end, glued });
        glued = true;
        i = j;
    }
    out
}

fn parse_number(raw: &str) -> Option<Decimal> {
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    if digits > MAX_NUMBER_DIGITS {
        return None;
    }
    raw.replace(',', ".").parse::<Decimal>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Kind> {
        lex(s).into_iter().map(|p| p.kind).collect()
    }

    fn num(s: &str) -> Kind {
        Kind::Number(Some(s.parse().unwrap()))
    }

    #[test]
    fn letters_and_digits_split_where_they_meet() {
        assert_eq!(kinds("aqua600ml"), vec![Kind::Alpha("aqua".into()), num("600"), Kind::Alpha("ml".into())]);
    }

    #[test]
    fn decimal_comma_and_point_are_the_same_number() {
        assert_eq!(kinds("0,6l"), kinds("0.6l"));
        assert_eq!(kinds("1,5")[0], num("1.5"));
    }

    #[test]
    fn trailing_separator_is_not_a_decimal_point() {
        assert_eq!(kinds("2, 3"), vec![num("2"), num("3")]);
    }

    #[test]
    fn glue_is_recorded() {
        let p = lex("600ml 2 dus");
        assert!(p[1].glued && !p[2].glued && !p[3].glued);
    }

    #[test]
    fn apostrophes_inside_words_vanish_and_punctuation_separates() {
        assert_eq!(
            kinds("lay's coca-cola"),
            vec![Kind::Alpha("lays".into()), Kind::Alpha("coca".into()), Kind::Alpha("cola".into())]
        );
    }

    #[test]
    fn cjk_runs_and_marks() {
        assert_eq!(kinds("雪碧330@2"), vec![Kind::Cjk("雪碧".into()), num("330"), Kind::Mark('@'), num("2")]);
    }

    #[test]
    fn overlong_digit_runs_do_not_parse() {
        assert_eq!(kinds(&"9".repeat(40)), vec![Kind::Number(None)]);
    }
}
