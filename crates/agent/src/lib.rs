//! Agents: the `Llm` port and its OpenAI-compatible adapter, the Work run state machine and the
//! tool registry. The last two are pure rules; persistence and execution build on them.

pub mod llm;
pub mod run;
pub mod tools;

pub use run::{InvalidTransition, RunEvent, RunStatus, transition};
pub use tools::{ArgsHash, CallError, Effect, RegistryError, ToolDef, ToolRegistry, ValidatedCall};
