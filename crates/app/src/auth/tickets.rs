//! WebSocket tickets: a browser cannot put a bearer header on an upgrade request, and a
//! long-lived credential must never travel in a URL (it ends up in logs and history). So an
//! authenticated client trades its credential for a ticket that works once, within 30 seconds.
//!
//! Tickets live in the store (any instance may redeem one) as a keyed hash only, and stay bound
//! to the credential that asked for them: redeeming re-checks that the login session or API key
//! is still live, so logout or revocation also kills the tickets already handed out.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use domain::{Credential, Error, Principal, PrincipalKind, Result};
use rand::RngCore as _;
use store::TicketGrant;

use super::secrets::hmac;
use super::service::AuthService;

pub const WS_TICKET_PREFIX: &str = "atw_";
/// Long enough to open a socket right after asking, short enough to be useless when leaked.
pub const WS_TICKET_TTL: Duration = Duration::from_secs(30);

const USER: &str = "user";
const API_KEY: &str = "api_key";

fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{WS_TICKET_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Cheap shape check, so garbage never costs a database round trip.
fn looks_like_ticket(candidate: &str) -> bool {
    candidate.len() == WS_TICKET_PREFIX.len() + 43
        && candidate.starts_with(WS_TICKET_PREFIX)
        && candidate[WS_TICKET_PREFIX.len()..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl AuthService {
    /// A fresh single-use ticket for `principal`, valid for [`WS_TICKET_TTL`].
    pub async fn issue_ws_ticket(&self, principal: &Principal) -> Result<String> {
        let (kind, credential_id) = match principal.credential {
            Credential::LoginToken { session_id } => (USER, session_id),
            Credential::ApiKey { key_id } => (API_KEY, key_id),
        };
        let grant = TicketGrant { principal_id: principal.id, principal_kind: kind.into(), credential_id };
        let ticket = generate();
        let ttl = chrono::Duration::from_std(WS_TICKET_TTL).map_err(Error::internal)?;
        let hash = hmac(&self.inner.keys.ws_ticket_pepper, ticket.as_bytes());
        self.inner.store.create_ticket(&hash, &grant, Utc::now() + ttl).await?;
        Ok(ticket)
    }

    /// The principal a ticket was issued to, using the ticket up. Unknown, used, expired tickets
    /// and tickets whose credential has since died are all just `unauthorized`.
    pub async fn redeem_ws_ticket(&self, ticket: &str) -> Result<Principal> {
        if !looks_like_ticket(ticket) {
            return Err(Error::unauthorized());
        }
        let store = &self.inner.store;
        let now = Utc::now();
        let hash = hmac(&self.inner.keys.ws_ticket_pepper, ticket.as_bytes());
        let grant = store.consume_ticket(&hash, now).await?.ok_or_else(Error::unauthorized)?;
        match grant.principal_kind.as_str() {
            USER => {
                let session = store
                    .login_session(grant.credential_id)
                    .await?
                    .filter(|s| s.user_id == grant.principal_id)
                    .filter(|s| !s.revoked && !s.user_disabled && s.expires_at > now)
                    .ok_or_else(Error::unauthorized)?;
                Ok(Principal {
                    id: session.user_id,
                    kind: PrincipalKind::User,
                    name: session.username,
                    role: session.role,
                    credential: Credential::LoginToken { session_id: session.id },
                })
            }
            API_KEY => {
                let key = store
                    .api_key_by_id(grant.credential_id)
                    .await?
                    .filter(|k| k.id == grant.principal_id && k.is_live(now))
                    .ok_or_else(Error::unauthorized)?;
                Ok(Principal {
                    id: key.id,
                    kind: PrincipalKind::ApiKey,
                    name: key.name,
                    role: key.role,
                    credential: Credential::ApiKey { key_id: key.id },
                })
            }
            _ => Err(Error::unauthorized()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_long_random_and_recognisable() {
        let a = generate();
        assert_ne!(a, generate());
        assert!(looks_like_ticket(&a), "{a}");
        assert!(!looks_like_ticket("atw_short"));
        assert!(!looks_like_ticket(&a.replace(WS_TICKET_PREFIX, "atk_")));
    }
}
