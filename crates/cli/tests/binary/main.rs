//! The `agent-team` binary, driven as a user or a deploy script would: real processes, real
//! signals, real sockets, a temporary working directory and DATA_DIR each.

mod commands;
mod config;
mod durable;
mod serve;
mod support;
