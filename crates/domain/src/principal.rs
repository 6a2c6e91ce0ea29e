use serde::Serialize;
use uuid::Uuid;

use crate::{Error, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    User,
    ApiKey,
}

/// Which credential authenticated a request; logout needs to know what to revoke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A login token, identified by its server-side session id.
    LoginToken {
        session_id: Uuid,
    },
    ApiKey {
        key_id: Uuid,
    },
}

/// An authenticated caller. Owner-scoped resources are keyed by `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub id: Uuid,
    pub kind: PrincipalKind,
    pub name: String,
    pub role: Role,
    pub credential: Credential,
}

impl Principal {
    /// Fails with `forbidden` unless the principal's role grants `required`.
    pub fn require(&self, required: Role) -> Result<(), Error> {
        if self.role.at_least(required) {
            Ok(())
        } else {
            Err(Error::forbidden(format!("this action needs the {required} role")))
        }
    }

    /// Whether this principal may read a resource owned by `owner`:
    /// its own, or anyone's when its role is at least `others_role`.
    pub fn can_read_owned_by(&self, owner: Uuid, others_role: Role) -> bool {
        self.id == owner || self.role.at_least(others_role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role) -> Principal {
        Principal {
            id: Uuid::now_v7(),
            kind: PrincipalKind::User,
            name: "u".into(),
            role,
            credential: Credential::LoginToken { session_id: Uuid::now_v7() },
        }
    }

    #[test]
    fn staff_is_refused_manager_actions() {
        let err = principal(Role::Staff).require(Role::Manager).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Forbidden);
        assert!(principal(Role::Manager).require(Role::Manager).is_ok());
    }

    #[test]
    fn others_resources_need_the_granting_role() {
        let staff = principal(Role::Staff);
        let manager = principal(Role::Manager);
        let someone_else = Uuid::now_v7();
        assert!(staff.can_read_owned_by(staff.id, Role::Manager));
        assert!(!staff.can_read_owned_by(someone_else, Role::Manager));
        assert!(manager.can_read_owned_by(someone_else, Role::Manager));
    }
}
