//! A change proposed in chat (by the model or the offline assistant) is stored as an approval bound
//! to the hash of its exact arguments. A person decides it once, before it expires; approved, it
//! runs as the approver — who must be allowed to run the tool themselves — with the approval's id
//! as its idempotency key, so a retry never applies it twice.

use agent::tools::ValidatedCall;
use chrono::{Duration, Utc};
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
        let entry = NewAuditEntry::new(&Actor::from_principal(caller), action, format!("approval:{id}"), now)
            .with_change(
                None,
                Some(json!({"tool": proposal.tool, "arguments": proposal.arguments, "args_hash": proposal.args_hash,
                            "scope": proposal.scope, "proposed_by": proposal.owner_id})),
            );
        self.store.append_audit(&entry).await?;
        let (text, meta) = if verdict.approve {
            let key = format!("approval:{id}");
            let result = self.agent.executor().execute(caller, &call, Some(&key)).await?;
            self.store.mark_approval_used(id, Utc::now()).await?;
            ("Done.".to_owned(), json!({"approval": {"id": id, "approved": true, "result": result}}))
        } else {
            ("Not approved; nothing was changed.".to_owned(), json!({"approval": {"id": id, "approved": false}}))
        };
        let seq = self.store.append_message(session_id, "assistant", &text, Some(&meta), Utc::now()).await?;
        Ok(Turn { seq, content: text, degraded: None, pending_approval: None })
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
fn refusal(proposal: &ApprovalRecord, verdict: &Verdict, now: chrono::DateTime<Utc>) -> Error {
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
