use std::sync::Arc;

use agent::chat::{Agent, Deltas, TurnOutcome};
use agent::llm::ChatMessage;
use chrono::Utc;
use domain::{Error, ErrorCode, Principal, Result, Role};
use serde_json::{Value, json};
use store::{ChatMessageRecord, ChatSessionRecord, Store};
use uuid::Uuid;

/// Messages of a session sent back to the model at most.
const HISTORY: u32 = 20;
/// A message longer than this is refused (the JSON body limit is larger; this is about the model).
pub const MAX_MESSAGE_CHARS: usize = 8000;

#[derive(Clone)]
pub struct ChatService {
    pub(super) store: Arc<dyn Store>,
    pub(super) agent: Arc<Agent>,
    /// LLM tokens per principal per UTC day; None without a model (the offline assistant is free).
    daily_budget: Option<u64>,
    pub(super) approval_ttl: chrono::Duration,
    /// After this long, an approval decided but never applied is taken as interrupted (see
    /// `approvals`): no request deciding it can still be running.
    pub(super) interrupted_after: chrono::Duration,
    /// Where replies are announced as they are written, for the session's other followers.
    live: crate::coord::Bus,
}

/// What the assistant answered.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Turn {
    pub seq: u64,
    pub content: String,
    /// Set when the model degraded (`llm_timeout`, …): the content then says so plainly.
    pub degraded: Option<String>,
    /// A change proposed for approval: tool, arguments and the hash an approval must match.
    pub pending_approval: Option<Value>,
}

impl ChatService {
    pub fn new(
        store: Arc<dyn Store>,
        agent: Arc<Agent>,
        daily_budget: Option<u64>,
        wait: std::time::Duration,
        live: crate::coord::Bus,
    ) -> Self {
        let wait = chrono::Duration::from_std(wait).unwrap_or(super::CHAT_APPROVAL_TTL);
        let approval_ttl = wait.min(super::CHAT_APPROVAL_TTL);
        Self { store, agent, daily_budget, approval_ttl, interrupted_after: chrono::Duration::seconds(60), live }
    }

    /// Requests are cut off after `timeout` (`REQUEST_TIMEOUT`): an approval decided twice that
    /// long ago and still not applied is no longer being applied by anyone.
    pub fn with_request_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.interrupted_after = chrono::Duration::from_std(timeout * 2).unwrap_or(self.interrupted_after);
        self
    }

    /// Follows the session's replies as they are written, on any instance: check the caller may
    /// read the session first.
    pub async fn follow(
        &self,
        caller: &Principal,
        id: Uuid,
    ) -> Result<tokio::sync::broadcast::Receiver<std::sync::Arc<str>>> {
        self.get(caller, id).await?;
        Ok(self.live.subscribe(&crate::coord::topics::session(id)))
    }

    pub async fn create(&self, caller: &Principal, mode: &str, title: Option<String>) -> Result<ChatSessionRecord> {
        if mode != "chat" && mode != "work" {
            return Err(Error::validation("`mode` is `chat` or `work`"));
        }
        let title = title.map(|t| t.trim().chars().take(200).collect::<String>()).filter(|t| !t.is_empty());
        let now = Utc::now();
        let session = ChatSessionRecord {
            id: Uuid::now_v7(),
            owner_id: caller.id,
            mode: mode.into(),
            title,
            created_at: now,
            updated_at: now,
        };
        self.store.create_session(&session).await?;
        Ok(session)
    }

    /// The session if `caller` may see it (its owner, or a manager or admin); else `not_found`.
    pub async fn get(&self, caller: &Principal, id: Uuid) -> Result<ChatSessionRecord> {
        self.store
            .session(id)
            .await?
            .filter(|s| caller.can_read_owned_by(s.owner_id, Role::Manager))
            .ok_or_else(|| Error::not_found("session"))
    }

    pub async fn messages(&self, caller: &Principal, id: Uuid, limit: u32) -> Result<Vec<ChatMessageRecord>> {
        self.get(caller, id).await?;
        self.store.recent_messages(id, limit.clamp(1, 500)).await
    }

    pub async fn list(&self, caller: &Principal, limit: u32) -> Result<Vec<ChatSessionRecord>> {
        self.store.list_sessions(caller.id, limit.clamp(1, 500)).await
    }

    /// Only the owner deletes a session.
    pub async fn delete(&self, caller: &Principal, id: Uuid) -> Result<()> {
        let session = self.get(caller, id).await?;
        if session.owner_id != caller.id {
            return Err(Error::not_found("session"));
        }
        self.store.delete_session(id).await?;
        Ok(())
    }

    /// Answers a message in the caller's own session.
    pub async fn send(&self, caller: &Principal, id: Uuid, content: &str) -> Result<Turn> {
        self.begin(caller, id, content).await?.finish(None).await
    }

    /// Checks and records the caller's message; the reply is produced by [`PendingTurn::finish`].
    /// Split in two so a streaming channel can refuse a bad request with a proper error before
    /// it commits to a stream.
    pub async fn begin(&self, caller: &Principal, id: Uuid, content: &str) -> Result<PendingTurn> {
        let session = self.get(caller, id).await?;
        if session.owner_id != caller.id {
            return Err(Error::forbidden("only the owner of a session can write in it"));
        }
        let content = content.trim();
        if content.is_empty() || content.chars().count() > MAX_MESSAGE_CHARS {
            return Err(Error::validation(format!("a message has 1 to {MAX_MESSAGE_CHARS} characters")));
        }
        let today = Utc::now().date_naive();
        if let Some(budget) = self.daily_budget
            && self.store.llm_tokens(caller.id, today).await? >= budget
        {
            return Err(budget_spent());
        }
        let history: Vec<ChatMessage> = self
            .store
            .recent_messages(id, HISTORY)
            .await?
            .into_iter()
            .map(|m| if m.role == "user" { ChatMessage::user(m.content) } else { ChatMessage::assistant(m.content) })
            .collect();
        self.store.append_message(id, "user", content, None, Utc::now()).await?;
        Ok(PendingTurn {
            service: self.clone(),
            caller: caller.clone(),
            session_id: id,
            content: content.to_owned(),
            history,
        })
    }
}

/// A message accepted and stored, waiting for its reply.
pub struct PendingTurn {
    service: ChatService,
    caller: Principal,
    session_id: Uuid,
    content: String,
    history: Vec<ChatMessage>,
}

impl PendingTurn {
    /// Produces, counts and stores the reply; with `deltas`, its text streams there first.
    pub async fn finish(self, deltas: Option<&Deltas>) -> Result<Turn> {
        let Self { service, caller, session_id, content, history } = self;
        let today = Utc::now().date_naive();
        let topic = crate::coord::topics::session(session_id);
        // Streamed deltas go to this turn's own client and to the session's followers everywhere
        // (a turn asked for without streaming announces only its stored reply).
        let outcome = match deltas {
            Some(client) => {
                let (tee, mut written) = tokio::sync::mpsc::channel::<String>(32);
                let (bus, client, tee_topic) = (service.live.clone(), client.clone(), topic.clone());
                let relay = tokio::spawn(async move {
                    while let Some(text) = written.recv().await {
                        bus.publish(&tee_topic, &super::live::SessionEvent::delta(&text));
                        let _ = client.send(text).await;
                    }
                });
                let outcome = service.agent.respond(&caller, &history, &content, today, Some(&tee)).await;
                drop(tee);
                let _ = relay.await;
                outcome
            }
            None => service.agent.respond(&caller, &history, &content, today, None).await,
        };
        let (text, degraded, pending, tokens) = match outcome {
            TurnOutcome::Reply { text, tokens } => (text, None, None, tokens),
            TurnOutcome::Degraded { code, text, tokens } => (text, Some(code.to_owned()), None, tokens),
            TurnOutcome::NeedsApproval { text, call, tokens } => {
                let proposal = service.propose(&caller, session_id, &call).await?;
                (text, None, Some(super::approvals::describe(&proposal)), tokens)
            }
        };
        if tokens > 0 {
            service.store.add_llm_tokens(caller.id, today, u64::from(tokens)).await?;
        }
        let meta = match (&degraded, &pending) {
            (None, None) => None,
            _ => Some(json!({"degraded": degraded, "pending_approval": pending})),
        };
        let seq = service.store.append_message(session_id, "assistant", &text, meta.as_ref(), Utc::now()).await?;
        let turn = Turn { seq, content: text, degraded, pending_approval: pending };
        service.live.publish(&topic, &super::live::SessionEvent::done(&turn));
        Ok(turn)
    }
}

fn budget_spent() -> Error {
    let now = Utc::now();
    let midnight = now
        .date_naive()
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .unwrap_or(now + chrono::Duration::hours(24));
    let wait = (midnight - now).to_std().unwrap_or_default();
    Error::new(ErrorCode::LlmBudgetExhausted, "today's language-model budget is spent; it renews at midnight UTC")
        .with_retry_after(wait)
}
