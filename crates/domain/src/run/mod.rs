//! The Work run state machine. A run is persisted between steps and may be claimed by any
//! instance, so every change of status goes through [`transition`]: the store applies only what
//! it allows, and a stale or duplicated command is refused instead of silently rewriting history.

mod event;
mod status;
mod transition;

pub use event::RunEvent;
pub use status::RunStatus;
pub use transition::{InvalidTransition, transition};
