//! Free-form agent runs: the Work task `agent` hands a prompt to the agent loop. A change the
//! agent proposes pauses the run with the exact call as its question; it is applied only when a
//! person answers `{"approve": true, "args_hash": …}` with that call's hash — an approval bound to
//! the exact arguments, used once (the run moves on), expiring with `WORK_INTERRUPT_TTL`, and
//! recorded with the approver's identity in the run's event log. The call is applied through the
//! effect ledger, so a replay never applies it twice.

use std::sync::Arc;

use agent::chat::{Agent, TurnOutcome};
use agent::runs::{RunContext, StepOutcome, Task};
use async_trait::async_trait;
use chrono::Utc;
use domain::audit::{Actor, NewAuditEntry, action};
use domain::{Error, Principal, Result};
use serde_json::{Value, json};
use store::Store;

const MAX_PROMPT_CHARS: usize = 8000;

pub struct AgentTask {
    agent: Arc<Agent>,
    store: Arc<dyn Store>,
}

impl AgentTask {
    pub fn new(agent: Arc<Agent>, store: Arc<dyn Store>) -> Self {
        Self { agent, store }
    }
}

#[async_trait]
impl Task for AgentTask {
    fn name(&self) -> &'static str {
        "agent"
    }

    fn validate(&self, input: &Value) -> Result<()> {
        let ok =
            input["prompt"].as_str().is_some_and(|p| !p.trim().is_empty() && p.chars().count() <= MAX_PROMPT_CHARS);
        if ok {
            Ok(())
        } else {
            Err(Error::validation(format!("`prompt` is required, 1 to {MAX_PROMPT_CHARS} characters")))
        }
    }

    async fn execute(&self, ctx: &mut RunContext) -> Result<StepOutcome> {
        let owner = crate::owner::run_owner(self.store.as_ref(), ctx.run.owner_id).await?;
        if let Some(pending) = ctx.checkpoint().and_then(|c| c.get("pending")).cloned() {
            return self.decide(ctx, &owner, &pending).await;
        }
        let prompt = ctx.input()["prompt"].as_str().unwrap_or_default().to_owned();
        ctx.progress(0, 1, "thinking").await?;
        match self.agent.respond(&owner, &[], &prompt, Utc::now().date_naive(), None).await {
            TurnOutcome::Reply { text, .. } => Ok(StepOutcome::Done(json!({"reply": text}))),
            // The run still finishes, deterministically, with the reason: nothing was changed.
            TurnOutcome::Degraded { code, text, .. } => Ok(StepOutcome::Done(json!({"reply": text, "degraded": code}))),
            TurnOutcome::NeedsApproval { text, call, .. } => {
                let pending =
                    json!({"tool": call.tool, "arguments": call.arguments, "args_hash": call.args_hash.to_string()});
                Ok(StepOutcome::NeedsPerson {
                    question: json!({"kind": "approve_tool", "text": text, "tool": call.tool, "arguments": call.arguments,
                                     "args_hash": call.args_hash.to_string()}),
                    checkpoint: json!({"pending": pending}),
                })
            }
        }
    }
}

impl AgentTask {
    async fn decide(&self, ctx: &RunContext, owner: &Principal, pending: &Value) -> Result<StepOutcome> {
        let answer = ctx.answer().cloned().unwrap_or(Value::Null);
        let hash = pending["args_hash"].as_str().unwrap_or_default();
        let approved =
            answer["approve"] == json!(true) && answer["args_hash"].as_str() == Some(hash) && !hash.is_empty();
        if !approved {
            return Ok(StepOutcome::Done(
                json!({"reply": "The change was not approved; nothing was done.", "approved": false}),
            ));
        }
        // Checked again now: the arguments still match their hash and the owner may still use the tool.
        let tool = pending["tool"].as_str().unwrap_or_default();
        let call = self
            .agent
            .tools()
            .validate(owner.role, tool, &pending["arguments"].to_string())
            .map_err(|e| Error::forbidden(format!("the approved call is no longer allowed ({})", e.code())))?;
        if call.args_hash.to_string() != hash {
            return Ok(StepOutcome::Failed("approval_arguments_changed"));
        }
        // The owner answered the run's question (or a manager for them); on the record once.
        let entry = NewAuditEntry::new(
            &Actor::from_principal(owner),
            action::APPROVAL_GRANT,
            format!("run:{}", ctx.run.id),
            Utc::now(),
        )
        .with_change(None, Some(json!({"tool": tool, "arguments": pending["arguments"], "args_hash": hash})));
        let store = self.store.clone();
        ctx.effect(&format!("audit:{hash}"), move || async move {
            let entry = store.append_audit(&entry).await?;
            Ok(json!({"seq": entry.seq}))
        })
        .await?;
        let executor = self.agent.executor().clone();
        let owner = owner.clone();
        let step = format!("approved:{hash}");
        // The same key reaches the tool, so even a crash between applying the write and recording
        // it in the ledger cannot apply it twice.
        let key = agent::runs::effect_key(ctx.run.id, &step);
        let result =
            ctx.effect(&step, move || async move { executor.execute(&owner, &call, Some(&key)).await }).await?;
        Ok(StepOutcome::Done(json!({"reply": "Done.", "approved": true, "result": result})))
    }
}
