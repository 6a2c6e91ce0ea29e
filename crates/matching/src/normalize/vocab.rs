//! Word lists: packaging words, stop words, Indonesian shorthand and English synonyms.
//!
//! The lists are deliberately short and common: shorthand that sales staff really type
//! (`grg` goreng, `bwg` bawang, `kcp` kecap) and the English words for the flavours and product
//! types that appear in catalog names. Anything not listed is left to the fuzzy scorer, which
//! also accepts prefixes and vowel-dropped forms it has never seen (see `matcher::similarity`).

/// Words that say how an item is ordered or shipped (carton, pack, piece, bottle), not which item.
/// The order-line parser takes them as the unit; the matcher ignores them.
pub fn is_pack_word(word: &str) -> bool {
    matches!(
        word,
        "dus"
            | "dos"
            | "doz"
            | "karton"
            | "carton"
            | "cartons"
            | "ctn"
            | "ctns"
            | "krt"
            | "kardus"
            | "box"
            | "boks"
            | "pack"
            | "pak"
            | "pck"
            | "pax"
            | "packs"
            | "bks"
            | "bungkus"
            | "renceng"
            | "rcg"
            | "pcs"
            | "pc"
            | "btl"
            | "botol"
            | "sachet"
            | "sct"
            | "sachets"
            | "lusin"
            | "slop"
            | "bal"
            | "ikat"
            | "sak"
            | "biji"
            | "bh"
            | "buah"
            | "tray"
            | "krat"
            | "galon"
    )
}

/// Packaging words that are also common inside product names ("Teh Botol", "Pack" in "Hemat Pack"):
/// the order-line parser takes these as the unit only right next to a quantity.
pub fn is_weak_pack_word(word: &str) -> bool {
    matches!(word, "botol" | "btl" | "pack" | "pak" | "box" | "boks" | "tray" | "bal")
}

/// Filler words of order messages and names that never tell items apart.
pub fn is_stopword(word: &str) -> bool {
    matches!(
        word,
        "isi"
            | "rasa"
            | "dan"
            | "and"
            | "with"
            | "the"
            | "of"
            | "tolong"
            | "pesan"
            | "kirim"
            | "ya"
            | "mohon"
            | "order"
            | "minta"
            | "x"
            | "new"
            | "baru"
    )
}

/// The canonical spelling of a word: Indonesian shorthand and spelling variants expanded, English
/// product words mapped to the Indonesian word the catalog uses. Unknown words come back unchanged.
pub fn canonical(word: &str) -> &str {
    match word {
        // Shorthand and spelling variants.
        "grg" | "gor" | "grng" => "goreng",
        "bwg" | "bwng" | "bw" => "bawang",
        "aym" | "aym2" => "ayam",
        "ori" | "orig" | "orginal" => "original",
        "cklt" | "coklt" | "choco" | "cokelat" | "coklat" | "chocolate" | "choc" => "coklat",
        "straw" | "strw" | "stroberi" | "strawbery" => "strawberry",
        "vanilla" | "vnl" | "vanila" => "vanila",
        "kcp" => "kecap",
        "mns" => "manis",
        "pds" | "spicy" | "hot" => "pedas",
        "smbl" | "sambel" => "sambal",
        "jrk" | "orange" => "jeruk",
        "kld" => "kaldu",
        "kcg" | "peanut" | "peanuts" => "kacang",
        "ktg" | "potato" | "potatoes" => "kentang",
        "pth" | "white" => "putih",
        "ijo" | "hjau" | "green" => "hijau",
        "mrh" | "red" => "merah",
        "htm" | "black" => "hitam",
        "tlr" | "egg" | "eggs" => "telur",
        "spc" | "special" | "spesial" => "spesial",
        "mi" | "mee" | "noodle" | "noodles" => "mie",
        "klp" | "coconut" => "kelapa",
        "sdp" | "sedap" | "sedaap" => "sedaap",
        "yoghurt" | "yogurt" => "yogurt",
        // English product words.
        "chicken" => "ayam",
        "beef" => "sapi",
        "fried" => "goreng",
        "onion" => "bawang",
        "milk" => "susu",
        "tea" => "teh",
        "coffee" => "kopi",
        "sugar" => "gula",
        "sweet" => "manis",
        "cheese" => "keju",
        "water" => "air",
        "sauce" => "saus",
        "chili" | "chilli" | "cabe" => "cabai",
        "mango" => "mangga",
        "grape" | "grapes" => "anggur",
        "apple" => "apel",
        "fish" => "ikan",
        "shrimp" | "prawn" => "udang",
        "rice" => "beras",
        "oil" => "minyak",
        "soap" => "sabun",
        "salt" => "garam",
        "flour" => "tepung",
        "honey" => "madu",
        "banana" => "pisang",
        "pineapple" => "nanas",
        "guava" => "jambu",
        "lime" => "nipis",
        "can" => "kaleng",
        "curry" => "kari",
        "wheat" => "gandum",
        "corn" => "jagung",
        "roasted" | "roast" => "panggang",
        "sardine" | "sardines" => "sarden",
        "soup" => "sup",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthand_expands() {
        for (short, long) in [("grg", "goreng"), ("bwg", "bawang"), ("kcp", "kecap"), ("ori", "original")] {
            assert_eq!(canonical(short), long);
        }
    }

    #[test]
    fn spelling_variants_and_english_meet() {
        assert_eq!(canonical("cokelat"), canonical("chocolate"));
        assert_eq!(canonical("stroberi"), canonical("strawberry"));
        assert_eq!(canonical("chicken"), "ayam");
        assert_eq!(canonical("mi"), canonical("noodles"));
    }

    #[test]
    fn unknown_words_are_unchanged() {
        assert_eq!(canonical("indomie"), "indomie");
    }

    #[test]
    fn packaging_words_are_recognised() {
        for w in ["dus", "karton", "ctn", "krt", "kardus", "box", "pack", "pak", "bks", "renceng", "pcs", "btl"] {
            assert!(is_pack_word(w), "{w}");
        }
        assert!(!is_pack_word("aqua"));
        assert!(is_weak_pack_word("botol") && !is_weak_pack_word("dus"));
    }
}
