//! Agents: the `Llm` port and its OpenAI-compatible adapter, and the Work run state machine (pure
//! rules; persistence and execution build on it).

pub mod llm;
pub mod run;

pub use run::{InvalidTransition, RunEvent, RunStatus, transition};
