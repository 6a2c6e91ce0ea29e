//! API keys: `atk_` followed by 256 random bits. Only an HMAC of the key (peppered with a key
//! derived from `AUTH_SECRET`) is stored, so a leaked database does not yield usable keys.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use domain::Role;
use rand::RngCore as _;
use secrecy::SecretString;
use uuid::Uuid;

use super::secrets::hmac;

pub const API_KEY_PREFIX: &str = "atk_";

/// What `admin create-key` shows exactly once.
#[derive(Debug)]
pub struct ApiKeyCreated {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub expires_at: Option<DateTime<Utc>>,
    pub key: SecretString,
}

pub(crate) fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{API_KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

pub(crate) fn hash(pepper: &[u8; 32], key: &str) -> Vec<u8> {
    hmac(pepper, key.as_bytes()).to_vec()
}

/// A short, non-secret fragment that lets an operator tell keys apart in listings.
pub(crate) fn display_prefix(key: &str) -> String {
    key.chars().take(API_KEY_PREFIX.len() + 6).collect()
}

/// Cheap shape check before any lookup: anything else is not one of our keys.
pub(crate) fn looks_like_key(candidate: &str) -> bool {
    candidate.len() == API_KEY_PREFIX.len() + 43
        && candidate.starts_with(API_KEY_PREFIX)
        && candidate[API_KEY_PREFIX.len()..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_random_and_recognisable() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert!(looks_like_key(&a), "{a}");
        assert!(!looks_like_key("atk_short"));
        assert!(!looks_like_key(&a.replace("atk_", "xyz_")));
    }

    #[test]
    fn the_stored_hash_depends_on_the_pepper() {
        let key = generate();
        assert_ne!(hash(&[1; 32], &key), hash(&[2; 32], &key));
        assert_eq!(hash(&[1; 32], &key), hash(&[1; 32], &key));
    }
}
