//! The HTTP API, end to end: a real server on a loopback port with a real SQLite file.

mod agent_runs;
mod auth;
mod chat;
mod chat_approvals;
mod errors;
mod limits;
mod ops;
mod orders;
mod runs;
mod support;
mod uploads;
mod uploads_support;
mod ws;
