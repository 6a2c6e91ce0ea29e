//! Tool names. Checked by hand rather than with a regex: the rule is tiny.

pub(super) const MAX_NAME_LEN: usize = 64;

/// `^[a-z][a-z0-9_]{0,63}$`
pub(super) fn is_valid(name: &str) -> bool {
    let mut bytes = name.bytes();
    let Some(first) = bytes.next() else { return false };
    name.len() <= MAX_NAME_LEN
        && first.is_ascii_lowercase()
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_snake_names_up_to_64_bytes() {
        for name in ["a", "search_items", "get_price_v2", &format!("a{}", "_".repeat(63))] {
            assert!(is_valid(name), "{name:?}");
        }
    }

    #[test]
    fn refuses_everything_else() {
        let too_long = "a".repeat(65);
        for name in ["", "_a", "1a", "Search", "search-items", "search items", "a.b", "ä", "a\0", &too_long] {
            assert!(!is_valid(name), "{name:?}");
        }
    }
}
