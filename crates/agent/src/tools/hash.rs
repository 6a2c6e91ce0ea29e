//! The fingerprint an approval is bound to: which tool, with exactly which arguments.

use std::fmt;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::canonical_json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ArgsHash(pub [u8; 32]);

/// Versioned, so a future change of the canonical form cannot match hashes stored under this one.
const DOMAIN: &[u8] = b"agent-team/tool-args/v1\0";

impl ArgsHash {
    /// SHA-256 over the tool name and the canonical JSON of the arguments. The name is length-
    /// prefixed so no (name, arguments) pair can be shifted into another.
    pub fn of(tool: &str, arguments: &Value) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(DOMAIN);
        hasher.update((tool.len() as u64).to_be_bytes());
        hasher.update(tool.as_bytes());
        hasher.update(canonical_json(arguments).as_bytes());
        Self(hasher.finalize().into())
    }

    /// Reads the [`Display`](fmt::Display) form back (64 hex digits, either case), as stored.
    pub fn from_hex(text: &str) -> Option<Self> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(Self(bytes))
    }
}

/// Lowercase hex.
impl fmt::Display for ArgsHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn key_order_and_whitespace_do_not_change_the_hash() {
        let a: Value = serde_json::from_str(r#"{"a":1,"b":{"x":[1,2],"y":"z"}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{ "b" : { "y" : "z", "x" : [1, 2] }, "a" : 1 }"#).unwrap();
        assert_eq!(ArgsHash::of("t", &a), ArgsHash::of("t", &b));
    }

    #[test]
    fn any_changed_value_or_tool_changes_the_hash() {
        let base = ArgsHash::of("t", &json!({"a": 1, "b": [1, 2], "c": "x"}));
        for other in [
            json!({"a": 2, "b": [1, 2], "c": "x"}),
            json!({"a": 1, "b": [2, 1], "c": "x"}),
            json!({"a": 1, "b": [1, 2], "c": "X"}),
            json!({"a": 1, "b": [1, 2], "c": "x", "d": null}),
            json!({"a": "1", "b": [1, 2], "c": "x"}),
        ] {
            assert_ne!(ArgsHash::of("t", &other), base, "{other}");
        }
        assert_ne!(ArgsHash::of("u", &json!({"a": 1, "b": [1, 2], "c": "x"})), base);
    }

    #[test]
    fn displays_as_64_lowercase_hex_digits_and_reads_back() {
        let hash = ArgsHash::of("t", &json!({}));
        let text = hash.to_string();
        assert_eq!(text.len(), 64);
        assert!(text.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)), "{text}");
        assert_eq!(ArgsHash::from_hex(&text), Some(hash));
        assert_eq!(ArgsHash::from_hex(&text.to_uppercase()), Some(hash));
        assert_eq!(ArgsHash::from_hex(&text[..62]), None);
        assert_eq!(ArgsHash::from_hex(&format!("{}zz", &text[..62])), None);
    }
}
