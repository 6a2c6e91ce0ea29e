//! The `agent-team` binary, driven as a user or a deploy script would: real processes, real
//! signals, real sockets, a temporary working directory and DATA_DIR each.

mod archive_file;
mod audit;
mod backup;
mod backup_damaged;
mod backup_data;
mod commands;
mod config;
mod deployment;
mod durable;
#[allow(dead_code, reason = "shared with the API tests, which use more of it")]
#[path = "../api/embeddings_provider.rs"]
mod embeddings_provider;
mod faults;
mod import;
mod pg_cluster;
mod redis_faults;
mod redis_server;
mod scale_out;
mod semantic;
mod serve;
mod shared_services;
mod support;
mod web;
