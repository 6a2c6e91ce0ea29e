//! The use cases. Services take ports (`Store`, `RateLimiter`) and hold every business rule;
//! they never see an HTTP type, SQL or a file path.

pub mod auth;
pub mod chat;
pub mod limits;
mod state;
pub mod uploads;

pub use state::{App, Readiness};
