//! The tools an agent may call: their argument schemas, who may use them and whether they change
//! anything. Every call the model asks for passes [`ToolRegistry::validate`] before it can run;
//! the model's arguments are untrusted text.

mod def;
mod error;
mod hash;
mod name;
mod reasons;
mod registry;

pub use def::{Effect, ToolDef};
pub use domain::json::canonical_json;
pub use error::{CallError, RegistryError};
pub use hash::ArgsHash;
pub use registry::{MAX_ARGUMENTS_BYTES, ToolRegistry, ValidatedCall};
