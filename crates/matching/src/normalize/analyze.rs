//! The full pipeline: folded, lexed text -> the words, sizes, bare numbers and CJK characters the
//! matcher compares.

use rust_decimal::Decimal;

use super::cjk::{is_cjk, is_pack_char};
use super::fold;
use super::lex::{Kind, Piece, lex};
use super::size::{Size, cjk_unit_prefix, unit_factor};
use super::vocab::{canonical, is_pack_word, is_stopword};

/// Text reduced to what identifies an item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analyzed {
    /// Canonical words in order of appearance, without duplicates, packaging and stop words.
    pub words: Vec<String>,
    /// Sizes with a unit, canonical (`0.6L` -> 600 ml).
    pub sizes: Vec<Size>,
    /// Numbers without a unit: "teh kotak 250" probably means 250 ml, but we cannot be sure.
    pub numbers: Vec<Decimal>,
    /// CJK characters without packaging measure words, without duplicates.
    pub cjk: Vec<char>,
    /// Words written with a hyphen or apostrophe joined up (`coca-cola` -> `cocacola`), so a query
    /// that writes them as one word still matches.
    pub compounds: Vec<String>,
}

/// Analyze any text (a catalog name, an alias or an order-line description).
pub fn analyze(text: &str) -> Analyzed {
    let folded = fold(text);
    let pieces = lex(&folded);
    let mut out = Analyzed::default();
    let mut i = 0;
    while i < pieces.len() {
        let piece = &pieces[i];
        i += 1;
        match &piece.kind {
            Kind::Number(n) => {
                let Some(n) = *n else { continue };
                match pieces.get(i).map(|p| &p.kind) {
                    Some(Kind::Alpha(unit)) if unit_factor(unit).is_some() => {
                        push_size(&mut out, n, unit);
                        i += 1;
                    }
                    Some(Kind::Cjk(run)) if cjk_unit_prefix(run).is_some() => {
                        if let Some((unit, len)) = cjk_unit_prefix(run) {
                            push_size(&mut out, n, unit);
                            push_cjk(&mut out, &run[len..]);
                        }
                        i += 1;
                    }
                    _ => out.numbers.push(n),
                }
            }
            Kind::Alpha(word) => push_word(&mut out, word),
            Kind::Cjk(run) => push_cjk(&mut out, run),
            Kind::Mark(_) => {}
        }
    }
    out.compounds = compounds(&folded, &pieces);
    out
}

fn push_size(out: &mut Analyzed, amount: Decimal, unit: &str) {
    if let Some(size) = Size::from_unit(amount, unit)
        && !out.sizes.contains(&size)
    {
        out.sizes.push(size);
    }
}

fn push_word(out: &mut Analyzed, word: &str) {
    if is_stopword(word) || is_pack_word(word) || unit_factor(word).is_some() {
        return;
    }
    let word = canonical(word);
    if !out.words.iter().any(|w| w == word) {
        out.words.push(word.to_owned());
    }
}

fn push_cjk(out: &mut Analyzed, run: &str) {
    for c in run.chars().filter(|c| is_cjk(*c) && !is_pack_char(*c)) {
        if !out.cjk.contains(&c) {
            out.cjk.push(c);
        }
    }
}

/// Adjacent letter runs joined by a single hyphen (`coca-cola`, `beng-beng`) as one word.
fn compounds(folded: &str, pieces: &[Piece]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for pair in pieces.windows(2) {
        if let (Some(a), Some(b)) = (pair[0].alpha(), pair[1].alpha())
            && folded.get(pair[0].end..pair[1].start) == Some("-")
        {
            let joined = format!("{a}{b}");
            if !out.contains(&joined) {
                out.push(joined);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(s: &str) -> Vec<String> {
        analyze(s).sizes.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn size_spellings_meet() {
        for s in ["aqua 600ml", "aqua 600 ml", "aqua 0.6L", "aqua 0,6 ltr", "AQUA 600 ML", "aqua 600cc", "aqua 600㎖"]
        {
            assert_eq!(sizes(s), vec!["600ml"], "{s}");
        }
        assert_eq!(sizes("gula 1kg"), sizes("gula 1000 gr"));
        assert_eq!(sizes("kopi 250gr"), vec!["250g"]);
        assert_eq!(sizes("雪碧 330毫升"), vec!["330ml"]);
    }

    #[test]
    fn bare_numbers_are_kept_apart_from_sizes() {
        let a = analyze("teh kotak 250");
        assert!(a.sizes.is_empty());
        assert_eq!(a.numbers, vec![Decimal::from(250)]);
    }

    #[test]
    fn packaging_and_stop_words_are_not_identity() {
        assert_eq!(analyze("aqua 600ml dus").words, analyze("aqua 600ml").words);
        assert_eq!(analyze("tolong kirim indomie soto").words, vec!["indomie", "soto"]);
    }

    #[test]
    fn shorthand_and_english_are_canonical() {
        assert_eq!(analyze("indomie grg").words, vec!["indomie", "goreng"]);
        assert_eq!(analyze("Indomie Mi Goreng").words, vec!["indomie", "mie", "goreng"]);
        assert_eq!(analyze("chicken onion").words, vec!["ayam", "bawang"]);
    }

    #[test]
    fn cjk_is_per_character_without_measure_words() {
        assert_eq!(analyze("雪碧一箱").cjk, vec!['雪', '碧', '一']);
        assert_eq!(analyze("可口可乐").cjk, vec!['可', '口', '乐']);
    }

    #[test]
    fn hyphenated_words_also_join() {
        let a = analyze("Coca-Cola Zero");
        assert_eq!(a.words, vec!["coca", "cola", "zero"]);
        assert_eq!(a.compounds, vec!["cocacola"]);
    }
}
