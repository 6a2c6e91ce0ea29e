//! Chat: sessions and messages persisted through the Store port; each message is answered by the
//! agent (a model when configured, else the offline assistant); a principal's LLM tokens per UTC
//! day are capped; a change the agent proposes waits for a person's bound approval.

mod approvals;
mod live;
mod service;

pub use approvals::{CHAT_APPROVAL_TTL, Verdict};
pub use live::{SessionEvent, TurnDone};
pub use service::{ChatService, PendingTurn, Turn};
