//! Work runs: persisted state machines executed by workers under a lease. A run that needs a
//! person stores its question and waits; an answer through any instance queues it again; a
//! sweeper expires unanswered runs; a crashed worker's runs are re-claimed after the lease
//! lapses and continue from their last checkpoint. All of it lives in the store, none in memory.

mod context;
mod engine;
mod service;
mod signals;
mod task;

pub use context::{RunContext, effect_key};
pub use engine::{EngineConfig, RunEngine};
pub use service::{RunService, RunView};
pub use signals::{NoSignals, RunSignals};
pub use task::{StepOutcome, Task, TaskRegistry};
