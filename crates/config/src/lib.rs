//! Settings, read once at start from the environment and validated before anything binds or opens.
//!
//! The rules that make the prototype's mistakes impossible live here: `.env` is read only in `dev`,
//! `prod` refuses unsafe settings with one line naming the variable, and every secret is a
//! [`secrecy::SecretString`] whose `Debug` is masked.

mod database;
mod env;
mod parse;
mod redact;
mod secret;
mod settings;

pub use database::DatabaseUrl;
pub use env::EnvSource;
pub use settings::{
    AppEnv, CorsOrigins, EmbeddingsSettings, FILE_KINDS, LlmSettings, RedisFailMode, S3Settings, Settings,
};

/// Every problem found in the configuration, one line each, each naming its variable.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.join("\n"))]
pub struct ConfigError(pub Vec<String>);
