//! The HTTP API, end to end: a real server on a loopback port with a real SQLite file.

mod agent_runs;
mod auth;
mod chat;
mod chat_approvals;
mod embeddings_provider;
mod errors;
mod limits;
mod ops;
mod orders;
mod runs;
mod sales_audit;
mod sales_catalog;
mod sales_history;
mod sales_mappings;
mod sales_oos;
mod sales_prices;
mod sales_reports;
mod sales_support;
mod semantic_search;
mod support;
mod uploads;
mod uploads_support;
mod web;
mod ws;
