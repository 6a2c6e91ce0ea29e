//! How alike two canonical words are, in [0, 1].
//!
//! Typos (one or two edits), prefixes ("indo" for indomie) and vowel-dropped shorthand the
//! vocabulary does not list ("kntg" for kentang) all count, with less credit than an exact match,
//! so that an exact word still wins a tie.

/// Exact match.
const EXACT: f32 = 1.0;
/// `query` is a prefix of `word` (at least 3 letters): "indo" -> indomie.
const PREFIX: f32 = 0.85;
/// One edit (insert, delete, substitute, swap neighbours) in a word of 4+ letters.
const ONE_EDIT: f32 = 0.8;
/// Two edits in a word of 7+ letters.
const TWO_EDITS: f32 = 0.6;
/// Two edits in a word of 5 or 6 letters: weaker evidence, many short brand names are that close.
const TWO_EDITS_SHORT: f32 = 0.5;
/// Shorthand: same first letter, the query's letters appear in order in the word (kntg, kentang).
const SUBSEQUENCE: f32 = 0.65;

/// Similarity of a query word to a catalog word (both already canonical, see `normalize::vocab`).
pub fn similarity(query: &str, word: &str) -> f32 {
    if query == word {
        return EXACT;
    }
    let q: Vec<char> = query.chars().collect();
    let w: Vec<char> = word.chars().collect();
    if q.len() >= 3 && w.len() > q.len() && w.starts_with(&q) {
        return PREFIX;
    }
    let shorter = q.len().min(w.len());
    if shorter >= 4 && q.len().abs_diff(w.len()) <= 2 {
        let limit = if shorter >= 5 { 2 } else { 1 };
        match edits_within(&q, &w, limit) {
            Some(1) => return ONE_EDIT,
            Some(2) if shorter >= 7 => return TWO_EDITS,
            Some(2) => return TWO_EDITS_SHORT,
            _ => {}
        }
    }
    if q.len() >= 3 && w.len() > q.len() && q[0] == w[0] && is_subsequence(&q, &w) && q.len() * 5 >= w.len() * 2 {
        return SUBSEQUENCE;
    }
    0.0
}

fn is_subsequence(short: &[char], long: &[char]) -> bool {
    let mut it = long.iter();
    short.iter().all(|c| it.any(|d| d == c))
}

/// Optimal-string-alignment distance if it is at most `limit`, else `None`. Words are short
/// (capped by the analyzer), so the quadratic table is cheap.
fn edits_within(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > limit || n > 64 || m > 64 {
        return None;
    }
    let mut prev2 = vec![0usize; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=n {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[m];
    (d <= limit).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_beats_everything() {
        assert_eq!(similarity("aqua", "aqua"), EXACT);
    }

    #[test]
    fn typos() {
        assert_eq!(similarity("indomei", "indomie"), ONE_EDIT, "swap");
        assert_eq!(similarity("indmie", "indomie"), ONE_EDIT, "drop");
        assert_eq!(similarity("sprte", "sprite"), ONE_EDIT);
        assert_eq!(similarity("knetnag", "kentang"), TWO_EDITS);
        assert_eq!(similarity("indmei", "indomie"), TWO_EDITS_SHORT, "the shorter word decides");
        assert_eq!(similarity("stahaa", "sataha"), TWO_EDITS_SHORT);
        assert_eq!(similarity("fpao", "fapo"), ONE_EDIT, "a swap is one edit");
        assert_eq!(similarity("fpxo", "fapo"), 0.0, "four letters allow one edit only");
        assert_eq!(similarity("aqa", "aqua"), SUBSEQUENCE, "short words get no edits, only the shorthand rule");
        assert_eq!(similarity("sprxx", "sprite"), 0.0);
    }

    #[test]
    fn prefixes_and_shorthand() {
        assert_eq!(similarity("indo", "indomie"), PREFIX);
        assert_eq!(similarity("kntg", "kentang"), SUBSEQUENCE);
        assert_eq!(similarity("in", "indomie"), 0.0, "two letters say too little");
        assert_eq!(similarity("ktg", "kentang"), SUBSEQUENCE);
        assert_eq!(similarity("kg", "kentang"), 0.0);
    }

    #[test]
    fn unrelated_words() {
        assert_eq!(similarity("goreng", "soto"), 0.0);
        assert_eq!(similarity("ayam", "aqua"), 0.0);
    }
}
