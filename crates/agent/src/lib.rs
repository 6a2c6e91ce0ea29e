//! Agents: the `Llm` port and its OpenAI-compatible adapter, the Work run state machine, the tool
//! registry and the approvals that guard tools with side effects. The last three are pure rules;
//! persistence and execution build on them.

pub mod approval;
pub mod llm;
pub mod run;
pub mod tools;

pub use approval::{Approval, ApprovalError, Origin, idempotency_key, needs_approval};
pub use run::{InvalidTransition, RunEvent, RunStatus, transition};
pub use tools::{ArgsHash, CallError, Effect, RegistryError, ToolDef, ToolRegistry, ValidatedCall};
