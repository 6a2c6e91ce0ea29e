pub mod admin;
pub mod audit;
pub mod backup;
pub mod config_check;
pub mod healthcheck;
pub mod import;
pub mod migrate;
pub mod serve;
