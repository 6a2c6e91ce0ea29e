//! Audit entries for sign-ins and credential changes. They are written on their own, after the
//! fact; a failure to write one is logged in full and never shown to the caller, and does not
//! undo what was done (a sign-in that worked still works).

use std::net::IpAddr;

use chrono::Utc;
use domain::audit::{Actor, NewAuditEntry, action};
use domain::{Principal, Role};
use serde_json::json;
use uuid::Uuid;

use super::service::AuthService;

/// A username as typed by anyone: at most this many characters of it reach the log.
const MAX_TARGET_NAME_CHARS: usize = 64;

/// `user:<name>`, with control characters replaced and the name cut to a bounded length, so an
/// attacker's username cannot make an entry unsealable or forge a line in a log viewer.
pub(super) fn user_target(username: &str) -> String {
    let name: String =
        username.chars().take(MAX_TARGET_NAME_CHARS).map(|c| if c.is_control() { '\u{fffd}' } else { c }).collect();
    if name.is_empty() { "user:(empty)".to_owned() } else { format!("user:{name}") }
}

/// Who tried to sign in and failed: nobody we know.
fn anonymous() -> Actor {
    Actor { id: Uuid::nil(), kind: "anonymous".into(), name: "anonymous".into() }
}

impl AuthService {
    async fn append(&self, entry: NewAuditEntry) {
        if let Err(err) = self.inner.store.append_audit(&entry).await {
            tracing::error!(action = %entry.action, target = %entry.target, error = %err, "cannot write the audit entry");
        }
    }

    pub(super) async fn audit_login_ok(&self, user_id: Uuid, username: &str, ip: IpAddr) {
        let actor = Actor { id: user_id, kind: "user".into(), name: username.to_owned() };
        let entry = NewAuditEntry::new(&actor, action::AUTH_LOGIN, user_target(username), Utc::now())
            .with_new(json!({"outcome": "success", "ip": ip.to_string()}));
        self.append(entry).await;
    }

    /// The password is never recorded, only that the attempt failed.
    pub(super) async fn audit_login_failed(&self, username: &str, ip: IpAddr) {
        let entry = NewAuditEntry::new(&anonymous(), action::AUTH_LOGIN, user_target(username), Utc::now())
            .with_new(json!({"outcome": "failure", "ip": ip.to_string()}));
        self.append(entry).await;
    }

    pub(super) async fn audit_logout(&self, principal: &Principal) {
        let entry = NewAuditEntry::new(
            &Actor::from_principal(principal),
            action::AUTH_LOGOUT,
            user_target(&principal.name),
            Utc::now(),
        );
        self.append(entry).await;
    }

    pub(super) async fn audit_user_created(&self, actor: &Actor, user: &store::UserRecord) {
        let entry = NewAuditEntry::new(actor, action::USER_CREATE, user_target(&user.username), Utc::now())
            .with_new(json!({"id": user.id, "username": user.username, "role": user.role.as_str()}));
        self.append(entry).await;
    }

    pub(super) async fn audit_user_updated(&self, actor: &Actor, old: &store::UserRecord, new: &store::UserRecord) {
        let entry = NewAuditEntry::new(actor, action::USER_UPDATE, user_target(&new.username), Utc::now())
            .with_old(json!({"role": old.role.as_str(), "disabled": old.disabled}))
            .with_new(json!({"role": new.role.as_str(), "disabled": new.disabled}));
        self.append(entry).await;
    }

    pub(super) async fn audit_key_created(&self, actor: &Actor, key_id: Uuid, name: &str, role: Role) {
        let entry = NewAuditEntry::new(actor, action::KEY_CREATE, format!("api_key:{name}"), Utc::now())
            .with_new(json!({"id": key_id, "name": name, "role": role.as_str()}));
        self.append(entry).await;
    }

    pub(super) async fn audit_key_revoked(&self, actor: &Actor, name: &str) {
        let entry = NewAuditEntry::new(actor, action::KEY_REVOKE, format!("api_key:{name}"), Utc::now())
            .with_old(json!({"name": name, "revoked": false}))
            .with_new(json!({"name": name, "revoked": true}));
        self.append(entry).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_bounded_and_free_of_control_characters() {
        assert_eq!(user_target("ana"), "user:ana");
        assert_eq!(user_target(""), "user:(empty)");
        let hostile = format!("x\n{}", "y".repeat(500));
        let target = user_target(&hostile);
        assert!(!target.contains('\n'));
        assert_eq!(target.chars().count(), "user:".len() + MAX_TARGET_NAME_CHARS);
    }
}
