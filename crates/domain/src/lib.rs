//! Domain types shared by every layer: roles, principals, ids, the error vocabulary, the sales
//! records and the audit chain.
//!
//! Nothing here performs I/O; channels translate [`Error`] into their own wire format.

pub mod audit;
mod error;
pub mod json;
mod principal;
mod role;
mod run;
pub mod sales;

pub use error::{Error, ErrorCode, Result};
pub use principal::{Credential, Principal, PrincipalKind};
pub use role::Role;
pub use run::{InvalidTransition, RunEvent, RunStatus, transition};
