//! The persistence port and its adapters.
//!
//! Services hold an `Arc<dyn Store>` chosen once at start from `DATABASE_URL`; they never see SQL.
//! Each concept has its own trait so adapters stay small and a new backend can be added file by file.

mod approval;
mod error;
mod model;
pub mod objects;
mod open;
mod port;
mod postgres;
mod sqlite;

pub use approval::{ApprovalRecord, ApprovalStatus, Decision};
pub use model::{
    ApiKeyRecord, ChatMessageRecord, ChatSessionRecord, EffectRecord, LoginSessionRecord, NewApiKey, NewRun, NewUser,
    RunChange, RunEventRecord, RunRecord, ThrottleRecord, TicketGrant, UploadRecord, UploadUsage, UserRecord,
};
pub use open::open;
pub use port::{ApiKeys, Approvals, Chats, Health, LoginSessions, LoginThrottle, Runs, Store, Tickets, Uploads, Users};
pub use postgres::{PgPoolLimits, PostgresStore};
pub use sqlite::SqliteStore;
