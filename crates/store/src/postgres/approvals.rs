//! Proposed changes and their single decision.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::Result;
use sqlx::Row as _;
use uuid::Uuid;

use super::error::db;
use super::{PostgresStore, role};
use crate::approval::{ApprovalRecord, ApprovalStatus, Decision};
use crate::error::corrupt;
use crate::port::Approvals;

fn record(row: &sqlx::postgres::PgRow) -> Result<ApprovalRecord> {
    let arguments: String = row.try_get("arguments").map_err(db)?;
    let status: String = row.try_get("status").map_err(db)?;
    let approver_role: Option<String> = row.try_get("approver_role").map_err(db)?;
    Ok(ApprovalRecord {
        id: row.try_get("id").map_err(db)?,
        owner_id: row.try_get("owner_id").map_err(db)?,
        scope: row.try_get("scope").map_err(db)?,
        tool: row.try_get("tool").map_err(db)?,
        arguments: serde_json::from_str(&arguments).map_err(|_| corrupt("approval arguments"))?,
        args_hash: row.try_get("args_hash").map_err(db)?,
        status: ApprovalStatus::parse(&status).ok_or_else(|| corrupt("approval status"))?,
        created_at: row.try_get("created_at").map_err(db)?,
        expires_at: row.try_get("expires_at").map_err(db)?,
        approver_id: row.try_get("approver_id").map_err(db)?,
        approver_role: approver_role.as_deref().map(role).transpose()?,
        decided_at: row.try_get("decided_at").map_err(db)?,
        used_at: row.try_get("used_at").map_err(db)?,
    })
}

#[async_trait]
impl Approvals for PostgresStore {
    async fn create_approval(&self, a: &ApprovalRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO approvals (id, owner_id, scope, tool, arguments, args_hash, status, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(a.id)
        .bind(a.owner_id)
        .bind(&a.scope)
        .bind(&a.tool)
        .bind(a.arguments.to_string())
        .bind(&a.args_hash)
        .bind(a.status.as_str())
        .bind(a.created_at)
        .bind(a.expires_at)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn approval(&self, id: Uuid) -> Result<Option<ApprovalRecord>> {
        let row = sqlx::query("SELECT * FROM approvals WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(record).transpose()
    }

    async fn decide_approval(&self, id: Uuid, decision: Decision<'_>, now: DateTime<Utc>) -> Result<bool> {
        // One statement: two people deciding at once cannot both win, and a decision naming other
        // arguments, or arriving late, changes nothing.
        let status = if decision.approve { ApprovalStatus::Approved } else { ApprovalStatus::Declined };
        let done = sqlx::query(
            "UPDATE approvals SET status = $1, approver_id = $2, approver_role = $3, decided_at = $4
             WHERE id = $5 AND status = 'pending' AND args_hash = $6 AND expires_at > $7",
        )
        .bind(status.as_str())
        .bind(decision.approver_id)
        .bind(decision.approver_role.as_str())
        .bind(now)
        .bind(id)
        .bind(decision.args_hash)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn mark_approval_used(&self, id: Uuid, now: DateTime<Utc>) -> Result<bool> {
        let done =
            sqlx::query("UPDATE approvals SET status = 'used', used_at = $1 WHERE id = $2 AND status = 'approved'")
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await
                .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn retake_approval(
        &self,
        id: Uuid,
        approver_id: Uuid,
        stale_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        // One statement: of two people finishing the same interrupted approval, one wins.
        let done = sqlx::query(
            "UPDATE approvals SET decided_at = $1
             WHERE id = $2 AND status = 'approved' AND approver_id = $3 AND decided_at <= $4 AND expires_at > $5",
        )
        .bind(now)
        .bind(id)
        .bind(approver_id)
        .bind(stale_before)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }
}
