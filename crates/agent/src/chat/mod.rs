//! One conversational turn: the agent loop. With a model, the model may call tools; every call
//! is validated against its schema and the caller's role, reads run, and a write the model asks
//! for stops the turn with a pending approval: it never runs on the model's say-so. Without a
//! model, the offline assistant proposes the same calls. Failures of the model degrade to a clear
//! message with our own code, never a server error and never the provider's text.

mod agent;
mod prompt;

use async_trait::async_trait;
use domain::Principal;
use serde_json::Value;

use crate::tools::ValidatedCall;

pub use agent::{Agent, AgentConfig, TurnOutcome};

/// Where a streamed reply's text goes as it is produced. Bounded: a slow reader slows the
/// model's stream instead of buffering it without limit.
pub type Deltas = tokio::sync::mpsc::Sender<String>;

/// Runs a validated tool call for a caller (the sales-domain services implement this).
///
/// A write arrives with an idempotency key, stable across retries and replays of the same
/// approved call; the implementation applies the write and records the key in one transaction,
/// so the same key never applies twice. Reads carry none.
#[async_trait]
pub trait ToolExecutor: Send + Sync {
    async fn execute(
        &self,
        caller: &Principal,
        call: &ValidatedCall,
        idempotency_key: Option<&str>,
    ) -> domain::Result<Value>;
}
