//! A revocation as announced on the bus: which credential every instance must stop honouring.

use std::fmt;
use std::str::FromStr;

use domain::{Credential, Principal};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// A login token, by its server-side session id.
    LoginToken(Uuid),
    /// An API key, by its unique name.
    ApiKey(String),
    /// Every login token of a user (disabled, or its role changed).
    User(Uuid),
}

impl Revocation {
    /// Whether `principal` was authenticated by the revoked credential.
    pub fn concerns(&self, principal: &Principal) -> bool {
        match (self, principal.credential) {
            (Revocation::LoginToken(id), Credential::LoginToken { session_id }) => *id == session_id,
            (Revocation::ApiKey(name), Credential::ApiKey { .. }) => *name == principal.name,
            (Revocation::User(id), Credential::LoginToken { .. }) => *id == principal.id,
            _ => false,
        }
    }
}

impl fmt::Display for Revocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Revocation::LoginToken(id) => write!(f, "session:{id}"),
            Revocation::ApiKey(name) => write!(f, "key:{name}"),
            Revocation::User(id) => write!(f, "user:{id}"),
        }
    }
}

impl FromStr for Revocation {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s.split_once(':') {
            Some(("session", id)) => id.parse().map(Revocation::LoginToken).map_err(drop),
            Some(("key", name)) if !name.is_empty() => Ok(Revocation::ApiKey(name.to_owned())),
            Some(("user", id)) => id.parse().map(Revocation::User).map_err(drop),
            _ => Err(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revocations_round_trip_through_their_text_and_garbage_is_refused() {
        let all = [
            Revocation::LoginToken(Uuid::now_v7()),
            Revocation::ApiKey("ci:deploy key".into()),
            Revocation::User(Uuid::now_v7()),
        ];
        for r in all {
            assert_eq!(r.to_string().parse::<Revocation>(), Ok(r));
        }
        for bad in ["", "session:", "session:nope", "key:", "user:", "user:1", "other:x", "nocolon"] {
            assert!(bad.parse::<Revocation>().is_err(), "{bad}");
        }
    }
}
