//! A change proposed in chat (by the model or the offline assistant) is stored as an approval bound
//! to the hash of its exact arguments. A person decides it once, before it expires; approved, it
//! runs as the approver — who must be allowed to run the tool themselves — with the approval's id
//! as its idempotency key, so a retry never applies it twice.
//!
//! If the process stops between deciding and applying (a crash, a deploy, a request cut off by
//! `REQUEST_TIMEOUT`), the approval stays approved and unused. Once no request can still be
//! applying it (twice the request timeout), its approver finishes it by approving it again: one
//! taker wins (`Store::retake_approval`) and applies it under the same idempotency key, as a
//! replayed Work step would be.

use agent::tools::ValidatedCall;
use chrono::{DateTime, Duration, Utc};
use domain::audit::{Actor, NewAuditEntry, action};
use domain::{Error, ErrorCode, Principal, Result};
use serde_json::{Value, json};
use store::{ApprovalRecord, ApprovalStatus, Decision};
use uuid::Uuid;

use super::{ChatService, Turn};

/// How long a proposal made in chat can be approved at most; `WORK_INTERRUPT_TTL` when shorter (a
/// person waited on by chat should not wait longer than one waited on by a Work run).
pub const CHAT_APPROVAL_TTL: Duration = Duration::hours(1);

/// A person's decision on a proposed change.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub approve: bool,
    /// The hash of the arguments the person saw; must be the proposal's.
    pub args_hash: String,
}

fn scope(session_id: Uuid) -> String {
    format!("session:{session_id}")
}

/// What a client is shown of a proposal: enough to display it and to approve exactly it.
pub fn describe(proposal: &ApprovalRecord) -> Value {
    json!({"id": proposal.id, "tool": proposal.tool, "arguments": proposal.arguments,
           "args_hash": proposal.args_hash, "expires_at": proposal.expires_at})
}

impl ChatService {
    pub(super) async fn propose(
        &self,
        caller: &Principal,
        session_id: Uuid,
        call: &ValidatedCall,
    ) -> Result<ApprovalRecord> {
        let now = Utc::now();
        let proposal = ApprovalRecord {
            id: Uuid::now_v7(),
            owner_id: caller.id,
            scope: scope(session_id),
            tool: call.tool.to_owned(),
            arguments: call.arguments.clone(),
            args_hash: call.args_hash.to_string(),
            status: ApprovalStatus::Pending,
            created_at: now,
            expires_at: now + self.approval_ttl,
            approver_id: None,
            approver_role: None,
            decided_at: None,
            used_at: None,
        };
        self.store.create_approval(&proposal).await?;
        Ok(proposal)
    }

    /// Decides a proposal made in this session; the outcome is stored as the assistant's next message.
    pub async fn decide(&self, caller: &Principal, session_id: Uuid, id: Uuid, verdict: &Verdict) -> Result<Turn> {
        // Whoever may read the session may decide, within their own role.
        self.get(caller, session_id).await?;
        let proposal = self
            .store
            .approval(id)
            .await?
            .filter(|p| p.scope == scope(session_id))
            .ok_or_else(|| Error::not_found("approval"))?;
        let call = self.recheck(caller, &proposal)?;
        let now = Utc::now();
        if self.interrupted(caller, &proposal, verdict, now)
            && self.store.retake_approval(id, caller.id, now - self.interrupted_after, now).await?
        {
            tracing::warn!(approval = %id, "finishing an approval whose first apply was interrupted");
            // The interruption may have come before the grant was audited: this apply is on record too.
            self.audit(caller, &proposal, action::APPROVAL_RESUME, now).await?;
            return self.apply(caller, session_id, id, &call).await;
        }
        let decision = Decision {
            approve: verdict.approve,
            args_hash: &verdict.args_hash,
            approver_id: caller.id,
            approver_role: caller.role,
        };
        if !self.store.decide_approval(id, decision, now).await? {
            return Err(refusal(&proposal, verdict, now));
        }
        // On the record before anything is applied: no approved change runs unaudited.
        let action = if verdict.approve { action::APPROVAL_GRANT } else { action::APPROVAL_DECLINE };
        self.audit(caller, &proposal, action, now).await?;
        if verdict.approve {
            return self.apply(caller, session_id, id, &call).await;
        }
        let text = "Not approved; nothing was changed.";
        let meta = json!({"approval": {"id": id, "approved": false}});
        let seq = self.store.append_message(session_id, "assistant", text, Some(&meta), Utc::now()).await?;
        Ok(Turn { seq, content: text.to_owned(), degraded: None, pending_approval: None })
    }

    async fn audit(
        &self,
        caller: &Principal,
        proposal: &ApprovalRecord,
        action: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let entry =
            NewAuditEntry::new(&Actor::from_principal(caller), action, format!("approval:{}", proposal.id), now)
                .with_change(
                    None,
                    Some(
                        json!({"tool": proposal.tool, "arguments": proposal.arguments, "args_hash": proposal.args_hash,
                            "scope": proposal.scope, "proposed_by": proposal.owner_id}),
                    ),
                );
        self.store.append_audit(&entry).await.map(drop)
    }

    /// Applies an approved change as its approver, under the approval's idempotency key.
    async fn apply(&self, caller: &Principal, session_id: Uuid, id: Uuid, call: &ValidatedCall) -> Result<Turn> {
        let key = format!("approval:{id}");
        let result = self.agent.executor().execute(caller, call, Some(&key)).await?;
        self.store.mark_approval_used(id, Utc::now()).await?;
        let meta = json!({"approval": {"id": id, "approved": true, "result": result}});
        let seq = self.store.append_message(session_id, "assistant", "Done.", Some(&meta), Utc::now()).await?;
        Ok(Turn { seq, content: "Done.".to_owned(), degraded: None, pending_approval: None })
    }

    /// An approve naming the exact arguments, by the person who approved before, of an approval
    /// approved long enough ago and never applied: its first apply was interrupted.
    fn interrupted(
        &self,
        caller: &Principal,
        proposal: &ApprovalRecord,
        verdict: &Verdict,
        now: DateTime<Utc>,
    ) -> bool {
        proposal.status == ApprovalStatus::Approved
            && proposal.used_at.is_none()
            && verdict.approve
            && verdict.args_hash == proposal.args_hash
            && proposal.approver_id == Some(caller.id)
            && proposal.decided_at.is_some_and(|d| now - d >= self.interrupted_after)
    }

    /// The call as the approver would make it now: the tool still exists, the approver's role may
    /// use it, the arguments still pass its schema and still hash to what was proposed.
    fn recheck(&self, approver: &Principal, proposal: &ApprovalRecord) -> Result<ValidatedCall> {
        let call = self
            .agent
            .tools()
            .validate(approver.role, &proposal.tool, &proposal.arguments.to_string())
            .map_err(|e| Error::forbidden(format!("you cannot approve this change ({})", e.code())))?;
        if call.args_hash.to_string() != proposal.args_hash {
            return Err(Error::new(ErrorCode::ApprovalArgumentsChanged, "the proposed change no longer matches"));
        }
        Ok(call)
    }
}

/// Why a decision changed nothing, from the proposal as it was read before deciding.
fn refusal(proposal: &ApprovalRecord, verdict: &Verdict, now: DateTime<Utc>) -> Error {
    if proposal.status != ApprovalStatus::Pending {
        Error::new(ErrorCode::ApprovalUsed, "this change was already decided")
    } else if verdict.args_hash != proposal.args_hash {
        Error::new(ErrorCode::ApprovalArgumentsChanged, "the approval names other arguments than the proposed change")
    } else if now >= proposal.expires_at {
        Error::new(ErrorCode::ApprovalExpired, "the proposal has expired; ask again")
    } else {
        // Pending when read, refused when written: someone else decided in between.
        Error::new(ErrorCode::ApprovalUsed, "this change was already decided")
    }
}
