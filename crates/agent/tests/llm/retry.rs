//! Which failures are retried, how often, and how long the adapter waits.

use std::time::{Duration, Instant};

use agent::llm::{Llm as _, LlmError};
use serde_json::json;

use crate::fake::{Fake, Reply};
use crate::{config, hello, llm};

fn unavailable() -> Reply {
    Reply::json(503, json!({"error": {"message": "overloaded"}}))
}

#[tokio::test]
async fn two_503s_then_200_succeeds_after_exactly_three_calls() {
    let fake = Fake::with([unavailable(), unavailable(), Reply::completion("third time lucky")]).await;
    let response = llm(config(&fake)).chat(&hello()).await.expect("answer");
    assert_eq!(response.message.content.as_deref(), Some("third time lucky"));
    assert_eq!(fake.calls(), 3);
}

#[tokio::test]
async fn three_503s_exhaust_the_attempts_and_are_unavailable() {
    let fake = Fake::with([unavailable(), unavailable(), unavailable(), Reply::completion("never reached")]).await;
    let mut config = config(&fake);
    config.max_attempts = 3;
    let result = llm(config).chat(&hello()).await;
    assert_eq!(result, Err(LlmError::Unavailable));
    assert_eq!(fake.calls(), 3);
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_then_retried() {
    let limited = Reply::json(429, json!({"error": {"message": "slow down"}})).header("retry-after", "1");
    let fake = Fake::with([limited, Reply::completion("ok")]).await;
    let mut config = config(&fake);
    config.backoff_max = Duration::from_secs(5);
    let started = Instant::now();
    llm(config).chat(&hello()).await.expect("answer");
    assert!(started.elapsed() >= Duration::from_secs(1), "waited only {:?}", started.elapsed());
    assert_eq!(fake.calls(), 2);
}

#[tokio::test]
async fn rate_limiting_that_outlasts_the_attempts_says_how_long_to_wait() {
    let limited = || Reply::json(429, json!({})).header("retry-after", "0");
    let fake = Fake::with([limited(), limited()]).await;
    let mut config = config(&fake);
    config.max_attempts = 2;
    let result = llm(config).chat(&hello()).await;
    assert_eq!(result, Err(LlmError::RateLimited { retry_after: Some(Duration::ZERO) }));
    assert_eq!(fake.calls(), 2);
}

#[tokio::test]
async fn a_400_is_rejected_without_a_retry() {
    let fake =
        Fake::with([Reply::json(400, json!({"error": {"message": "bad tool schema"}})), Reply::completion("x")]).await;
    let result = llm(config(&fake)).chat(&hello()).await;
    assert_eq!(result, Err(LlmError::Rejected { status: 400 }));
    assert_eq!(fake.calls(), 1);
}

#[tokio::test]
async fn a_401_is_rejected_without_a_retry() {
    let fake = Fake::with([Reply::json(401, json!({"error": {"message": "bad key"}}))]).await;
    assert_eq!(llm(config(&fake)).chat(&hello()).await, Err(LlmError::Rejected { status: 401 }));
    assert_eq!(fake.calls(), 1);
}

#[tokio::test]
async fn a_reply_slower_than_the_request_timeout_is_a_timeout() {
    let fake = Fake::with([Reply::completion("too late").delayed(Duration::from_secs(3))]).await;
    let mut config = config(&fake);
    config.request_timeout = Duration::from_millis(200);
    config.max_attempts = 1;
    assert_eq!(llm(config).chat(&hello()).await, Err(LlmError::Timeout));
    assert_eq!(fake.calls(), 1);
}

#[tokio::test]
async fn a_timed_out_attempt_is_retried() {
    let fake =
        Fake::with([Reply::completion("too late").delayed(Duration::from_secs(3)), Reply::completion("ok")]).await;
    let mut config = config(&fake);
    config.request_timeout = Duration::from_millis(200);
    let response = llm(config).chat(&hello()).await.expect("answer");
    assert_eq!(response.message.content.as_deref(), Some("ok"));
    assert_eq!(fake.calls(), 2);
}

#[tokio::test]
async fn a_refused_connection_is_unavailable() {
    // Bind, then free, a port so nothing listens on it.
    let addr = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port");
    let fake = Fake::start().await;
    let mut config = config(&fake);
    config.base_url = format!("http://{addr}/v1");
    config.max_attempts = 2;
    assert_eq!(llm(config).chat(&hello()).await, Err(LlmError::Unavailable));
}
