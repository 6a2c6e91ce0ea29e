//! Purpose-bound keys derived from `AUTH_SECRET`, so a token signature can never be replayed as
//! a key hash or a WebSocket ticket (and the raw secret is used in one place only).

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

pub(crate) type HmacSha256 = Hmac<Sha256>;

#[derive(Clone)]
pub(crate) struct DerivedKeys {
    pub token: [u8; 32],
    pub api_key_pepper: [u8; 32],
    pub ws_ticket_pepper: [u8; 32],
}

impl DerivedKeys {
    pub fn from_secret(secret: &SecretString) -> Self {
        Self {
            token: derive(secret, b"agent-team/login-token/v1"),
            api_key_pepper: derive(secret, b"agent-team/api-key-pepper/v1"),
            ws_ticket_pepper: derive(secret, b"agent-team/ws-ticket-pepper/v1"),
        }
    }
}

fn derive(secret: &SecretString, purpose: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(secret.expose_secret().as_bytes()).expect("HMAC takes any key length");
    mac.update(purpose);
    mac.finalize().into_bytes().into()
}

pub(crate) fn hmac(key: &[u8; 32], data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Masks the keys in debug output.
impl std::fmt::Debug for DerivedKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DerivedKeys([redacted])")
    }
}
