pub mod admin;
pub mod config_check;
pub mod healthcheck;
pub mod migrate;
pub mod serve;
