//! Login tokens: `atl_<payload>.<signature>`, where the payload is the session id and expiry and
//! the signature is HMAC-SHA-256 under a key derived from `AUTH_SECRET`.
//!
//! A forged or expired token is refused without touching the database; a well-formed one is then
//! checked against its session row, which is what `logout` revokes.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeZone as _, Utc};
use subtle::ConstantTimeEq as _;
use uuid::Uuid;

use super::secrets::hmac;

pub const LOGIN_TOKEN_PREFIX: &str = "atl_";

pub(crate) fn sign(key: &[u8; 32], session_id: Uuid, expires_at: DateTime<Utc>) -> String {
    let mut payload = [0u8; 24];
    payload[..16].copy_from_slice(session_id.as_bytes());
    payload[16..].copy_from_slice(&expires_at.timestamp().to_be_bytes());
    let signature = hmac(key, &payload);
    format!("{LOGIN_TOKEN_PREFIX}{}.{}", URL_SAFE_NO_PAD.encode(payload), URL_SAFE_NO_PAD.encode(signature))
}

/// Returns the session id when the signature is ours and the token has not expired.
pub(crate) fn verify(key: &[u8; 32], token: &str, now: DateTime<Utc>) -> Option<(Uuid, DateTime<Utc>)> {
    let body = token.strip_prefix(LOGIN_TOKEN_PREFIX)?;
    if body.len() > 128 {
        return None;
    }
    let (payload_b64, signature_b64) = body.split_once('.')?;
    let payload = URL_SAFE_NO_PAD.decode(payload_b64).ok()?;
    let signature = URL_SAFE_NO_PAD.decode(signature_b64).ok()?;
    if payload.len() != 24 || signature.len() != 32 {
        return None;
    }
    let expected = hmac(key, &payload);
    if !bool::from(expected.ct_eq(signature.as_slice())) {
        return None;
    }
    let session_id = Uuid::from_slice(&payload[..16]).ok()?;
    let expires = i64::from_be_bytes(payload[16..].try_into().ok()?);
    let expires_at = Utc.timestamp_opt(expires, 0).single()?;
    (expires_at > now).then_some((session_id, expires_at))
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    const KEY: [u8; 32] = [7; 32];

    #[test]
    fn a_signed_token_verifies_until_it_expires() {
        let id = Uuid::now_v7();
        let now = Utc::now();
        let token = sign(&KEY, id, now + Duration::hours(1));
        assert_eq!(verify(&KEY, &token, now).map(|(s, _)| s), Some(id));
        assert_eq!(verify(&KEY, &token, now + Duration::hours(2)), None);
    }

    #[test]
    fn tampering_or_another_key_is_refused() {
        let now = Utc::now();
        let token = sign(&KEY, Uuid::now_v7(), now + Duration::hours(1));
        assert!(verify(&[8; 32], &token, now).is_none());
        let other = sign(&KEY, Uuid::now_v7(), now + Duration::hours(1));
        let (p1, _) = token.split_once('.').unwrap();
        let (_, s2) = other.split_once('.').unwrap();
        assert!(verify(&KEY, &format!("{p1}.{s2}"), now).is_none(), "signatures do not transplant");
        for junk in ["", "atl_", "atl_.", "atl_a.b", "Bearer x", &"atl_".repeat(100)] {
            assert!(verify(&KEY, junk, now).is_none(), "{junk}");
        }
    }
}
