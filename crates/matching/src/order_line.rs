//! Splitting a loosely written order line into the item description, the quantity and the unit.
//!
//! "aqua 600ml 2 dus" -> ("aqua 600ml", 2, dus); "Teh botol kotak 250 x3 krt" ->
//! ("teh botol kotak 250", 3, krt); "雪碧 330 一箱" -> ("雪碧 330", 1, 箱). A number with a size
//! unit (600ml, 1,5 L) is part of the description and is never taken for the quantity.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::normalize::cjk::{is_numeral_char, is_pack_char, parse_numeral};
use crate::normalize::fold;
use crate::normalize::lex::{Kind, Piece, lex};
use crate::normalize::size::{cjk_unit_prefix, unit_factor};
use crate::normalize::vocab::{is_pack_word, is_weak_pack_word};

/// A parsed order line. `description` is folded (NFKC, lowercase) text with the quantity and the
/// unit cut out; the matcher searches with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub description: String,
    pub quantity: Option<Decimal>,
    /// The packaging unit as written (`dus`, `krt`, `箱`).
    pub unit: Option<String>,
}

/// Largest number read as a quantity; larger ones are more likely codes or sizes.
const MAX_QUANTITY: u32 = 1_000_000;

/// Bare numbers at the end of a line below this are quantities ("indomie grg 40"); from here on
/// they are more often a size written without its unit ("teh kotak 250"), so they stay.
const TRAILING_QUANTITY_BELOW: u32 = 100;

/// Parse one order line. Never panics; any input yields some description (possibly empty).
pub fn parse_order_line(text: &str) -> OrderLine {
    let folded = fold(text);
    let pieces = lex(&folded);
    let found = Parser { pieces: &pieces, sizes: size_numbers(&pieces) }.find();
    let (quantity, unit, removed) = match found {
        Some(f) => (Some(f.quantity), f.unit, f.removed),
        None => (None, None, Vec::new()),
    };
    let (unit, removed) = match unit {
        Some(u) => (Some(u), removed),
        None => trailing_unit(&pieces, removed),
    };
    OrderLine { description: description(&folded, &removed), quantity, unit }
}

/// What the rules found: the quantity, the unit and the byte spans to cut from the description.
struct Found {
    quantity: Decimal,
    unit: Option<String>,
    removed: Vec<(usize, usize)>,
}

struct Parser<'a> {
    pieces: &'a [Piece],
    /// Indices of numbers that carry a size unit.
    sizes: Vec<bool>,
}

impl Parser<'_> {
    /// The first rule that matches wins, most explicit first.
    fn find(&self) -> Option<Found> {
        self.marked()
            .or_else(|| self.before_pack())
            .or_else(|| self.chinese())
            .or_else(|| self.leading())
            .or_else(|| self.trailing())
    }

    /// A number that can be a quantity: parsed, not a size, positive, at most [`MAX_QUANTITY`].
    fn quantity(&self, i: usize) -> Option<Decimal> {
        let n = self.pieces.get(i)?.number()?;
        let fits = n > Decimal::ZERO && n <= Decimal::from(MAX_QUANTITY);
        (fits && !self.sizes.get(i).copied().unwrap_or(false)).then_some(n)
    }

    fn is_x(&self, i: usize) -> bool {
        self.pieces.get(i).and_then(Piece::alpha) == Some("x")
    }

    fn span(&self, i: usize) -> (usize, usize) {
        (self.pieces[i].start, self.pieces[i].end)
    }

    /// "x3", "@2", "*2", "3x" (but not the "6x" of a "6x200ml" multipack).
    fn marked(&self) -> Option<Found> {
        for i in 0..self.pieces.len() {
            let is_marker = matches!(self.pieces[i].kind, Kind::Mark(_)) || self.is_x(i);
            if is_marker {
                let after_number = i > 0 && self.pieces[i].glued && self.pieces[i - 1].number().is_some();
                if let Some(q) = self.quantity(i + 1).filter(|_| !after_number) {
                    return Some(self.with_unit_after(q, vec![self.span(i), self.span(i + 1)], i + 2));
                }
            }
            if let Some(q) = self.quantity(i)
                && self.is_x(i + 1)
                && self.pieces[i + 1].glued
                && !self.pieces.get(i + 2).is_some_and(|p| p.glued && p.number().is_some())
            {
                return Some(self.with_unit_after(q, vec![self.span(i), self.span(i + 1)], i + 2));
            }
        }
        None
    }

    /// A packaging word (or measure character) at `next` becomes the unit.
    fn with_unit_after(&self, quantity: Decimal, mut removed: Vec<(usize, usize)>, next: usize) -> Found {
        let unit = self.pack_at(next).map(|(unit, span)| {
            removed.push(span);
            unit
        });
        Found { quantity, unit, removed }
    }

    /// The packaging word or leading CJK measure character at `i`, with the span it covers.
    fn pack_at(&self, i: usize) -> Option<(String, (usize, usize))> {
        let p = self.pieces.get(i)?;
        match &p.kind {
            Kind::Alpha(w) if is_pack_word(w) => Some((w.clone(), (p.start, p.end))),
            Kind::Cjk(run) => {
                let c = run.chars().next().filter(|c| is_pack_char(*c))?;
                Some((c.to_string(), (p.start, p.start + c.len_utf8())))
            }
            _ => None,
        }
    }

    /// "2 dus", "2dus", "3 箱".
    fn before_pack(&self) -> Option<Found> {
        (0..self.pieces.len()).find_map(|i| {
            let q = self.quantity(i)?;
            self.pack_at(i + 1)?;
            Some(self.with_unit_after(q, vec![self.span(i)], i + 1))
        })
    }

    /// Chinese numeral and measure word inside a CJK run: "一箱", "雪碧两箱".
    fn chinese(&self) -> Option<Found> {
        self.pieces.iter().find_map(|p| {
            let Kind::Cjk(run) = &p.kind else { return None };
            let chars: Vec<(usize, char)> = run.char_indices().collect();
            for (k, &(at, c)) in chars.iter().enumerate() {
                if !is_pack_char(c) || k == 0 {
                    continue;
                }
                // The longest run of numeral characters right before the measure word.
                let Some(first) = (0..k).rev().take_while(|&j| is_numeral_char(chars[j].1)).last() else { continue };
                let value = parse_numeral(&run[chars[first].0..at]).filter(|v| (1..=MAX_QUANTITY).contains(v));
                let Some(value) = value else { continue };
                let span = (p.start + chars[first].0, p.start + at + c.len_utf8());
                return Some(Found { quantity: Decimal::from(value), unit: Some(c.to_string()), removed: vec![span] });
            }
            None
        })
    }

    /// "2 aqua 600ml": a bare number first, followed by words.
    fn leading(&self) -> Option<Found> {
        let q = self.quantity(0)?;
        let next_is_text = matches!(self.pieces.get(1)?.kind, Kind::Alpha(_) | Kind::Cjk(_));
        (next_is_text && !self.pieces[1].glued).then(|| Found { quantity: q, unit: None, removed: vec![self.span(0)] })
    }

    /// "indomie grg 40": a small bare number last, after some text.
    fn trailing(&self) -> Option<Found> {
        let last = self.pieces.len().checked_sub(1)?;
        let q = self.quantity(last).filter(|q| *q < Decimal::from(TRAILING_QUANTITY_BELOW))?;
        let has_text = self.pieces[..last].iter().any(|p| matches!(p.kind, Kind::Alpha(_) | Kind::Cjk(_)));
        (has_text && !self.pieces[last].glued).then(|| Found {
            quantity: q,
            unit: None,
            removed: vec![self.span(last)],
        })
    }
}

/// Which numbers carry a size unit right after them (`600ml`, `600 ml`, `330毫升`).
fn size_numbers(pieces: &[Piece]) -> Vec<bool> {
    (0..pieces.len())
        .map(|i| {
            pieces[i].number().is_some()
                && match pieces.get(i + 1).map(|p| &p.kind) {
                    Some(Kind::Alpha(u)) => unit_factor(u).is_some(),
                    Some(Kind::Cjk(run)) => cjk_unit_prefix(run).is_some(),
                    _ => false,
                }
        })
        .collect()
}

/// Without a quantity, a packaging word that ends the line is still the unit ("aqua 600ml dus"),
/// unless it is one that also appears in names ("teh botol").
fn trailing_unit(pieces: &[Piece], mut removed: Vec<(usize, usize)>) -> (Option<String>, Vec<(usize, usize)>) {
    let Some(last) = pieces.last() else { return (None, removed) };
    match last.alpha() {
        Some(w) if is_pack_word(w) && !is_weak_pack_word(w) && pieces.len() > 1 => {
            removed.push((last.start, last.end));
            (Some(w.to_owned()), removed)
        }
        _ => (None, removed),
    }
}

/// The folded text without the removed spans, whitespace collapsed, stray punctuation trimmed.
fn description(folded: &str, removed: &[(usize, usize)]) -> String {
    let mut kept = String::with_capacity(folded.len());
    for (at, c) in folded.char_indices() {
        let cut = removed.iter().any(|&(s, e)| at >= s && at < e);
        kept.push(if cut { ' ' } else { c });
    }
    let joined = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    joined.trim_matches(|c: char| !c.is_alphanumeric()).to_owned()
}

#[cfg(test)]
mod tests;
