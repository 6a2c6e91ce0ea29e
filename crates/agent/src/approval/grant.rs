//! One stored approval and the rule for what it authorises.

use chrono::{DateTime, Utc};
use domain::Role;
use uuid::Uuid;

use super::ApprovalError;
use crate::tools::{ArgsHash, ValidatedCall};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub id: Uuid,
    pub run_id: Uuid,
    pub tool: String,
    /// The hash of the exact arguments the approver saw.
    pub args_hash: ArgsHash,
    /// Who approved, for the audit trail.
    pub approver_id: Uuid,
    /// The approver's role when they approved.
    pub approver_role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Set (atomically, by the store) when the approved call runs.
    pub used_at: Option<DateTime<Utc>>,
}

impl Approval {
    /// Whether this approval authorises exactly `call` in `run_id` at `now` by an approver whose
    /// role is at least the tool's `min_role`. Does not mark it used: the store does that
    /// atomically, so two instances cannot both spend it.
    pub fn authorises(
        &self,
        run_id: Uuid,
        call: &ValidatedCall,
        tool_min_role: Role,
        now: DateTime<Utc>,
    ) -> Result<(), ApprovalError> {
        if self.run_id != run_id {
            return Err(ApprovalError::WrongRun);
        }
        if self.tool != call.tool {
            return Err(ApprovalError::WrongTool);
        }
        if self.args_hash != call.args_hash {
            return Err(ApprovalError::ArgumentsChanged);
        }
        if self.used_at.is_some() {
            return Err(ApprovalError::AlreadyUsed);
        }
        // The expiry instant itself is already too late, so a validity window never overlaps
        // the next one.
        if now >= self.expires_at {
            return Err(ApprovalError::Expired);
        }
        // Approving must not let a person grant more than they could do themselves.
        if !self.approver_role.at_least(tool_min_role) {
            return Err(ApprovalError::ApproverLacksRole);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use serde_json::json;

    use super::*;
    use crate::tools::Effect;

    const TOOL: &str = "update_price";

    fn call(arguments: serde_json::Value) -> ValidatedCall {
        ValidatedCall { tool: TOOL, effect: Effect::Write, args_hash: ArgsHash::of(TOOL, &arguments), arguments }
    }

    fn arguments() -> serde_json::Value {
        json!({"sku": "AQ-600", "price_list": "default", "price": "4500"})
    }

    fn approval(run_id: Uuid, now: DateTime<Utc>) -> Approval {
        Approval {
            id: Uuid::now_v7(),
            run_id,
            tool: TOOL.to_owned(),
            args_hash: call(arguments()).args_hash,
            approver_id: Uuid::now_v7(),
            approver_role: Role::Manager,
            created_at: now,
            expires_at: now + TimeDelta::minutes(10),
            used_at: None,
        }
    }

    #[test]
    fn authorises_the_exact_call_it_was_given_for() {
        let (run, now) = (Uuid::now_v7(), Utc::now());
        assert_eq!(approval(run, now).authorises(run, &call(arguments()), Role::Manager, now), Ok(()));
        let reordered = json!({"price": "4500", "price_list": "default", "sku": "AQ-600"});
        assert_eq!(approval(run, now).authorises(run, &call(reordered), Role::Manager, now), Ok(()));
    }

    #[test]
    fn refuses_when_one_argument_value_changed() {
        let (run, now) = (Uuid::now_v7(), Utc::now());
        let changed = json!({"sku": "AQ-600", "price_list": "default", "price": "45"});
        assert_eq!(
            approval(run, now).authorises(run, &call(changed), Role::Manager, now),
            Err(ApprovalError::ArgumentsChanged)
        );
    }

    #[test]
    fn refuses_another_tool_even_with_the_same_arguments() {
        let (run, now) = (Uuid::now_v7(), Utc::now());
        let other = ValidatedCall { tool: "delete_price", ..call(arguments()) };
        assert_eq!(approval(run, now).authorises(run, &other, Role::Manager, now), Err(ApprovalError::WrongTool));
    }

    #[test]
    fn refuses_another_run() {
        let (run, now) = (Uuid::now_v7(), Utc::now());
        assert_eq!(
            approval(run, now).authorises(Uuid::now_v7(), &call(arguments()), Role::Manager, now),
            Err(ApprovalError::WrongRun)
        );
    }

    #[test]
    fn expires_at_its_expiry_instant() {
        let (run, now) = (Uuid::now_v7(), Utc::now());
        let approval = approval(run, now);
        let just_before = approval.expires_at - TimeDelta::milliseconds(1);
        assert_eq!(approval.authorises(run, &call(arguments()), Role::Manager, just_before), Ok(()));
        for later in [approval.expires_at, approval.expires_at + TimeDelta::hours(1)] {
            assert_eq!(approval.authorises(run, &call(arguments()), Role::Manager, later), Err(ApprovalError::Expired));
        }
    }

    #[test]
    fn is_spent_once_used() {
        let (run, now) = (Uuid::now_v7(), Utc::now());
        let used = Approval { used_at: Some(now), ..approval(run, now) };
        assert_eq!(used.authorises(run, &call(arguments()), Role::Manager, now), Err(ApprovalError::AlreadyUsed));
    }

    #[test]
    fn an_approver_below_the_tools_role_cannot_authorise_it() {
        let (run, now) = (Uuid::now_v7(), Utc::now());
        let by_staff = Approval { approver_role: Role::Staff, ..approval(run, now) };
        assert_eq!(
            by_staff.authorises(run, &call(arguments()), Role::Manager, now),
            Err(ApprovalError::ApproverLacksRole)
        );
        let by_admin = Approval { approver_role: Role::Admin, ..approval(run, now) };
        assert_eq!(by_admin.authorises(run, &call(arguments()), Role::Manager, now), Ok(()));
        assert_eq!(
            approval(run, now).authorises(run, &call(arguments()), Role::Admin, now),
            Err(ApprovalError::ApproverLacksRole)
        );
    }
}
