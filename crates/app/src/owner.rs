//! Who a run acts for: its owner as a principal with their *current* role, so a disabled user or a
//! revoked key can no longer act through runs they started earlier.

use chrono::Utc;
use domain::{Credential, Error, Principal, PrincipalKind, Result};
use store::Store;
use uuid::Uuid;

pub async fn run_owner(store: &dyn Store, id: Uuid) -> Result<Principal> {
    if let Some(user) = store.user_by_id(id).await?.filter(|u| !u.disabled) {
        return Ok(Principal {
            id,
            kind: PrincipalKind::User,
            name: user.username,
            role: user.role,
            credential: Credential::LoginToken { session_id: Uuid::nil() },
        });
    }
    let key = store.api_key_by_id(id).await?.filter(|k| k.is_live(Utc::now()));
    match key {
        Some(key) => Ok(Principal {
            id,
            kind: PrincipalKind::ApiKey,
            name: key.name,
            role: key.role,
            credential: Credential::ApiKey { key_id: id },
        }),
        None => Err(Error::forbidden("the owner of this run can no longer act")),
    }
}
