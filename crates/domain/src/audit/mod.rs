//! The audit log: append-only and hash-chained. Each entry's hash covers every other field of it,
//! including the previous entry's hash, so changing, inserting, deleting or reordering entries
//! breaks the chain; a head record (last seq and hash), written with each append, exposes a cut
//! tail. The chain logic lives here, pure, so every store backend and the CLI verify alike.

pub mod action;
mod canonical;
mod entry;
mod verify;

pub use canonical::{GENESIS_HASH, Hash, canonical_json, encode};
pub use entry::{Actor, AuditEntry, AuditHead, NewAuditEntry};
pub use verify::{MAX_REPORTED_PROBLEMS, Problem, Report, Verifier, verify};
