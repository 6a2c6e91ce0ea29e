//! The OpenAI-compatible adapter against a fake provider over real sockets.

mod agent_loop;
mod breaker;
mod chat;
mod errors;
mod fake;
mod retry;
mod stream;

use std::time::Duration;

use agent::llm::{ChatMessage, ChatRequest, OpenAiCompatible, OpenAiConfig};

use crate::fake::Fake;

/// Short timeouts and near-zero backoff so the suite stays fast; the breaker is off unless a test
/// turns it on.
pub fn config(fake: &Fake) -> OpenAiConfig {
    let mut config = OpenAiConfig::new(&fake.base_url, None, "test-model");
    config.connect_timeout = Duration::from_secs(1);
    config.request_timeout = Duration::from_secs(2);
    config.stream_idle_timeout = Duration::from_secs(2);
    config.backoff_base = Duration::from_millis(1);
    config.backoff_max = Duration::from_millis(5);
    config.breaker_threshold = 0;
    config
}

pub fn llm(config: OpenAiConfig) -> OpenAiCompatible {
    OpenAiCompatible::new(config).expect("adapter")
}

pub fn hello() -> ChatRequest {
    ChatRequest::new(vec![ChatMessage::user("hello")])
}
