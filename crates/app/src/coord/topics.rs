//! The names on the bus, in one place so publishers and subscribers cannot drift apart.

use uuid::Uuid;

/// New or resumed work: idle workers on every instance look for it now.
pub const RUNS_WAKE: &str = "runs.wake";
/// A credential was revoked: every instance forgets it from its cache now. The payload is the
/// revocation (see `auth::Revocation`).
pub const AUTH_REVOKED: &str = "auth.revoked";

/// A run's event log grew.
pub fn run(id: Uuid) -> String {
    format!("run.{id}")
}

/// A reply is being written in a chat session (deltas, then the stored message).
pub fn session(id: Uuid) -> String {
    format!("session.{id}")
}
