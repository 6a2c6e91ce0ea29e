//! Cross-cutting HTTP machinery: problem documents, request context, client address,
//! authentication and rate limits, security headers.

pub mod auth;
pub mod client_ip;
pub mod context;
pub mod json;
pub mod metrics;
pub mod path_id;
pub mod problem;
pub mod security;
