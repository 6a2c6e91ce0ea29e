//! Agents: the `Llm` port and its OpenAI-compatible adapter, the Work run state machine, the tool
//! registry and the approvals that guard tools with side effects. The last three are pure rules;
//! persistence and execution build on them.

pub mod approval;
pub mod assistant;
pub mod chat;
pub mod llm;
pub mod outage;
pub mod tools;

pub use approval::{Approval, ApprovalError, Origin, idempotency_key, needs_approval};
/// The run state machine lives in `domain` (the store persists it); re-exported for convenience.
pub use domain::{InvalidTransition, RunEvent, RunStatus, transition};
pub mod runs;
pub use tools::{ArgsHash, CallError, Effect, RegistryError, ToolDef, ToolRegistry, ValidatedCall};
