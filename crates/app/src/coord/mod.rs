//! Coordination between instances. The database stays the only source of truth; Redis, when
//! configured, carries what must be shared but may be lost: rate-limit counters, wake-ups and
//! live event fan-out (LangGraph's split). Without Redis every piece works inside one process.

mod bus;
mod link;
mod signals;
pub mod topics;
mod wakeup;

pub use bus::Bus;
pub use link::{RedisLink, RedisStatus};
pub use signals::BusSignals;
pub use wakeup::Wakeup;
