//! The ways people mistype and shorten: typos, shorthand, sizes written differently.

use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use super::vocab::SHORTHAND;

/// Neighbouring keys on a QWERTY keyboard, for substitution typos.
fn neighbours(c: char) -> &'static str {
    match c {
        'q' => "wa",
        'w' => "qes",
        'e' => "wrd",
        'r' => "etf",
        't' => "ryg",
        'y' => "tuh",
        'u' => "yij",
        'i' => "uok",
        'o' => "ipl",
        'p' => "ol",
        'a' => "qsz",
        's' => "adw",
        'd' => "sfe",
        'f' => "dgr",
        'g' => "fht",
        'h' => "gjy",
        'j' => "hku",
        'k' => "jli",
        'l' => "ko",
        'z' => "xa",
        'x' => "zc",
        'c' => "xv",
        'v' => "cb",
        'b' => "vn",
        'n' => "bm",
        'm' => "n",
        _ => "",
    }
}

/// One typo in `word`: a dropped, doubled, swapped or neighbouring key. Short words are left alone.
pub(super) fn typo(rng: &mut ChaCha8Rng, word: &str) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.len() < 4 || !chars.iter().all(|c| c.is_alphabetic()) {
        return word.to_owned();
    }
    // Not the first letter: people rarely get that wrong, and it keeps typos realistic.
    let at = rng.random_range(1..chars.len());
    match rng.random_range(0..4) {
        0 => {
            chars.remove(at);
        }
        1 => chars.insert(at, chars[at]),
        2 if at + 1 < chars.len() => chars.swap(at, at + 1),
        _ => {
            let options: Vec<char> = neighbours(chars[at]).chars().collect();
            if let Some(c) = options.choose(rng) {
                chars[at] = *c;
            } else {
                chars.remove(at);
            }
        }
    }
    chars.into_iter().collect()
}

/// The shorthand of `word` (lowercase): listed shorthand, else for long words sometimes the word
/// without its vowels (`kentang` -> `kntg`), as people text.
pub(super) fn shorten(rng: &mut ChaCha8Rng, word: &str) -> String {
    let lower = word.to_lowercase();
    if let Some((_, short)) = SHORTHAND.iter().find(|(long, _)| *long == lower) {
        return (*short).to_owned();
    }
    if lower.chars().count() >= 6 && rng.random_bool(0.5) {
        let mut chars = lower.chars();
        let first = chars.next().map(String::from).unwrap_or_default();
        return first + &chars.filter(|c| !"aeiou".contains(*c)).collect::<String>();
    }
    lower
}

/// A size as an order line writes it: `600ml`, `600 ml`, `0.6L`, `0,6 ltr`, `85gr`, `1kg`, ...
/// `bare` allows the unit to be left out (`teh kotak 250`).
pub(super) fn size_text(rng: &mut ChaCha8Rng, amount: u32, volume: bool, bare: bool) -> String {
    let whole = amount / 1000;
    let rest = amount % 1000;
    let big = if rest == 0 {
        whole.to_string()
    } else if rest.is_multiple_of(100) {
        format!("{whole}.{}", rest / 100)
    } else if rest.is_multiple_of(10) {
        format!("{whole}.{:02}", rest / 10)
    } else {
        format!("{whole}.{rest:03}")
    };
    let comma = big.replace('.', ",");
    let roll = rng.random_range(0..10);
    if bare && roll == 0 {
        return amount.to_string();
    }
    let metric_ok = amount >= 100;
    if volume {
        match roll {
            1 | 2 => format!("{amount} ml"),
            3 if metric_ok => format!("{big}L"),
            4 if metric_ok => format!("{comma} ltr"),
            5 if metric_ok => format!("{big} liter"),
            6 => format!("{amount}ML"),
            7 => format!("{amount}cc"),
            _ => format!("{amount}ml"),
        }
    } else {
        match roll {
            1 | 2 => format!("{amount}gr"),
            3 => format!("{amount} gram"),
            4 if amount >= 1000 => format!("{big}kg"),
            5 if amount >= 1000 => format!("{comma} kg"),
            6 => format!("{amount} g"),
            7 => format!("{amount}grm"),
            _ => format!("{amount}g"),
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;
    use crate::normalize::analyze;

    #[test]
    fn every_written_size_reads_back_as_the_same_size() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for (amount, volume) in [(600, true), (1500, true), (250, true), (85, false), (1000, false), (2500, false)] {
            for _ in 0..50 {
                let text = size_text(&mut rng, amount, volume, false);
                let canonical = format!("{amount}{}", if volume { "ml" } else { "g" });
                let sizes: Vec<String> = analyze(&format!("x {text}")).sizes.iter().map(ToString::to_string).collect();
                assert_eq!(sizes, vec![canonical], "{text}");
            }
        }
    }

    #[test]
    fn typos_change_long_words_only() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(typo(&mut rng, "abc"), "abc");
        let changed = (0..20).filter(|_| typo(&mut rng, "indomie") != "indomie").count();
        assert!(changed >= 15, "{changed}");
    }

    #[test]
    fn shorthand_is_applied() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(shorten(&mut rng, "Goreng"), "grg");
    }
}
