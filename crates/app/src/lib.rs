//! The use cases. Services take ports (`Store`, `RateLimiter`) and hold every business rule;
//! they never see an HTTP type, SQL or a file path.

mod agent_task;
pub mod auth;
pub mod catalog;
pub mod chat;
pub mod coord;
pub mod limits;
pub mod orders;
mod owner;
pub mod sales;
mod state;
pub mod tools;
pub mod uploads;

pub use agent_task::AgentTask;
pub use state::{App, Readiness};
