//! Approvals: a person's consent to one exact tool call the model asked for. An approval is bound
//! to the hash of the arguments, so the model cannot get one call approved and then run another;
//! it is single-use and expires, so it cannot be replayed.

mod error;
mod grant;
mod idempotency;
mod origin;

pub use error::ApprovalError;
pub use grant::Approval;
pub use idempotency::idempotency_key;
pub use origin::{Origin, needs_approval};
