//! Domain types shared by every layer: roles, principals, ids and the error vocabulary.
//!
//! Nothing here performs I/O; channels translate [`Error`] into their own wire format.

mod error;
mod principal;
mod role;
mod run;

pub use error::{Error, ErrorCode, Result};
pub use principal::{Credential, Principal, PrincipalKind};
pub use role::Role;
pub use run::{InvalidTransition, RunEvent, RunStatus, transition};
