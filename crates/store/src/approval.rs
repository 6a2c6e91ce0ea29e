//! A proposed change waiting for a person's decision.

use chrono::{DateTime, Utc};
use domain::Role;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalStatus {
    Pending,
    /// Decided yes; the change is being applied (through the effect ledger, so a retry after a
    /// crash applies it at most once).
    Approved,
    /// Applied.
    Used,
    Declined,
}

impl ApprovalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalStatus::Pending => "pending",
            ApprovalStatus::Approved => "approved",
            ApprovalStatus::Used => "used",
            ApprovalStatus::Declined => "declined",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => ApprovalStatus::Pending,
            "approved" => ApprovalStatus::Approved,
            "used" => ApprovalStatus::Used,
            "declined" => ApprovalStatus::Declined,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApprovalRecord {
    pub id: Uuid,
    /// Whose conversation or run proposed the change.
    pub owner_id: Uuid,
    /// `session:<uuid>` or `run:<uuid>`: where the proposal may be decided.
    pub scope: String,
    pub tool: String,
    pub arguments: serde_json::Value,
    /// The hash of the exact arguments; a decision must name it.
    pub args_hash: String,
    pub status: ApprovalStatus,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub approver_id: Option<Uuid>,
    pub approver_role: Option<Role>,
    pub decided_at: Option<DateTime<Utc>>,
    pub used_at: Option<DateTime<Utc>>,
}

/// Who decides, and how.
#[derive(Debug, Clone, Copy)]
pub struct Decision<'a> {
    pub approve: bool,
    pub args_hash: &'a str,
    pub approver_id: Uuid,
    pub approver_role: Role,
}
