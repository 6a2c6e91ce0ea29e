//! User and API-key administration for administrators over HTTP (the CLI has its own entry
//! points). Every change is audited with the acting administrator; disabling a user or changing
//! its role ends its login tokens on every instance, since a token carries the role it was
//! issued with.

use domain::audit::Actor;
use domain::{Error, Principal, Result, Role};
use store::{ApiKeyRecord, UserRecord};
use uuid::Uuid;

use super::revocation::Revocation;
use super::service::{AuthService, NewUserInput};

/// Users listed at most (a sales team, not a consumer product).
pub const MAX_LISTED_USERS: u32 = 1000;

impl AuthService {
    pub async fn list_users(&self, caller: &Principal) -> Result<Vec<UserRecord>> {
        caller.require(Role::Admin)?;
        self.inner.store.list_users(MAX_LISTED_USERS).await
    }

    pub async fn create_user_by(&self, caller: &Principal, input: NewUserInput) -> Result<UserRecord> {
        caller.require(Role::Admin)?;
        let user = self.create_user(input).await?;
        self.audit_user_created(&Actor::from_principal(caller), &user).await;
        Ok(user)
    }

    /// Disables or enables a user, or changes its role. An administrator cannot disable or demote
    /// themselves (so a deployment never locks out its last administrator by accident).
    pub async fn update_user_by(
        &self,
        caller: &Principal,
        id: Uuid,
        disabled: Option<bool>,
        role: Option<Role>,
    ) -> Result<UserRecord> {
        caller.require(Role::Admin)?;
        if disabled.is_none() && role.is_none() {
            return Err(Error::validation("give `disabled`, `role` or both"));
        }
        if id == caller.id && (disabled == Some(true) || role.is_some_and(|r| r != Role::Admin)) {
            return Err(Error::validation("administrators cannot disable or demote themselves"));
        }
        let old = self.inner.store.user_by_id(id).await?.ok_or_else(|| Error::not_found("user"))?;
        let new = self.inner.store.update_user(id, disabled, role).await?.ok_or_else(|| Error::not_found("user"))?;
        if new.disabled != old.disabled || new.role != old.role {
            self.revoke_everywhere(&Revocation::User(id));
            self.audit_user_updated(&Actor::from_principal(caller), &old, &new).await;
            tracing::info!(user_id = %id, by = %caller.id, disabled = new.disabled, role = %new.role, "user changed");
        }
        Ok(new)
    }

    pub async fn list_api_keys(&self, caller: &Principal) -> Result<Vec<ApiKeyRecord>> {
        caller.require(Role::Admin)?;
        self.inner.store.list_api_keys().await
    }
}
