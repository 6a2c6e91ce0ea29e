//! The `agent-team` binary, driven as a user or a deploy script would: real processes, real
//! signals, real sockets, a temporary working directory and DATA_DIR each.

mod audit;
mod commands;
mod config;
mod durable;
mod faults;
mod import;
mod pg_cluster;
mod redis_faults;
mod redis_server;
mod scale_out;
mod serve;
mod shared_services;
mod support;
