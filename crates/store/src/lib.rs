//! The persistence port and its adapters.
//!
//! Services hold an `Arc<dyn Store>` chosen once at start from `DATABASE_URL`; they never see SQL.
//! Each concept has its own trait so adapters stay small and a new backend can be added file by file.

mod approval;
pub mod backup;
mod error;
mod import;
mod model;
pub mod objects;
mod open;
mod port;
mod postgres;
mod sales;
mod sqlite;
mod vectors;
mod verify;

pub use approval::{ApprovalRecord, ApprovalStatus, Decision};
pub use model::{
    ApiKeyRecord, AuditQuery, ChatMessageRecord, ChatSessionRecord, EffectRecord, LoginSessionRecord, NewApiKey,
    NewRun, NewUser, OosQuery, RunChange, RunEventRecord, RunRecord, SalesReportQuery, ThrottleRecord, TicketGrant,
    UploadRecord, UploadUsage, UserRecord,
};
pub use open::open;
pub use port::{
    ApiKeys, Approvals, Audit, Catalog, Chats, Customers, Health, ItemVectors, LoginSessions, LoginThrottle, Mappings,
    OutOfStock, Prices, Runs, Sales, Store, Tickets, Uploads, Users,
};
pub use postgres::{PgPoolLimits, PostgresStore};
pub use sqlite::SqliteStore;
pub use vectors::{ItemVector, MAX_MODEL_CHARS, MAX_VECTOR_DIMS, decode as decode_vector, encode as encode_vector};
pub use verify::verify_audit;
