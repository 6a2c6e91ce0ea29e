//! The circuit breaker seen from outside: it opens, stops contacting the provider, and recovers.

use std::time::Duration;

use agent::llm::{Llm as _, LlmError, OpenAiConfig};
use serde_json::json;

use crate::fake::{Fake, Reply};
use crate::{config, hello, llm};

const COOLDOWN: Duration = Duration::from_millis(300);
/// For tests that never wait the circuit out: no scheduling hiccup can close it early.
const FOREVER: Duration = Duration::from_secs(600);

fn breaking(fake: &Fake, cooldown: Duration) -> OpenAiConfig {
    let mut config = config(fake);
    config.max_attempts = 1;
    config.breaker_threshold = 2;
    config.breaker_cooldown = cooldown;
    config
}

fn failing() -> Reply {
    Reply::json(503, json!({}))
}

#[tokio::test]
async fn after_the_threshold_calls_fail_fast_without_contacting_the_provider() {
    let fake = Fake::with([failing(), failing(), Reply::completion("not reached")]).await;
    let llm = llm(breaking(&fake, FOREVER));
    assert_eq!(llm.chat(&hello()).await, Err(LlmError::Unavailable));
    assert_eq!(llm.chat(&hello()).await, Err(LlmError::Unavailable));
    assert_eq!(fake.calls(), 2);

    assert_eq!(llm.chat(&hello()).await, Err(LlmError::CircuitOpen));
    assert!(matches!(llm.chat_stream(&hello()).await, Err(LlmError::CircuitOpen)));
    assert_eq!(fake.calls(), 2, "an open circuit never reaches the provider");
}

#[tokio::test]
async fn after_the_cooldown_a_successful_trial_closes_the_circuit() {
    let fake = Fake::with([failing(), failing(), Reply::completion("back"), Reply::completion("still here")]).await;
    let llm = llm(breaking(&fake, COOLDOWN));
    for _ in 0..2 {
        assert!(llm.chat(&hello()).await.is_err());
    }
    assert_eq!(llm.chat(&hello()).await, Err(LlmError::CircuitOpen));

    tokio::time::sleep(COOLDOWN + Duration::from_millis(50)).await;
    let trial = llm.chat(&hello()).await.expect("the trial reaches the provider");
    assert_eq!(trial.message.content.as_deref(), Some("back"));
    assert_eq!(fake.calls(), 3);

    let after = llm.chat(&hello()).await.expect("closed again");
    assert_eq!(after.message.content.as_deref(), Some("still here"));
    assert_eq!(fake.calls(), 4);
}

#[tokio::test]
async fn a_failed_trial_opens_the_circuit_again() {
    let fake = Fake::with([failing(), failing(), failing(), Reply::completion("not reached")]).await;
    let llm = llm(breaking(&fake, COOLDOWN));
    for _ in 0..2 {
        assert!(llm.chat(&hello()).await.is_err());
    }
    tokio::time::sleep(COOLDOWN + Duration::from_millis(50)).await;
    assert_eq!(llm.chat(&hello()).await, Err(LlmError::Unavailable), "the trial reaches the provider");
    assert_eq!(llm.chat(&hello()).await, Err(LlmError::CircuitOpen));
    assert_eq!(fake.calls(), 3);
}

#[tokio::test]
async fn rejections_never_open_the_circuit() {
    let rejected = || Reply::json(400, json!({}));
    let fake = Fake::with([rejected(), rejected(), rejected(), Reply::completion("fine")]).await;
    let llm = llm(breaking(&fake, FOREVER));
    for _ in 0..3 {
        assert_eq!(llm.chat(&hello()).await, Err(LlmError::Rejected { status: 400 }));
    }
    assert!(llm.chat(&hello()).await.is_ok());
    assert_eq!(fake.calls(), 4);
}

#[tokio::test]
async fn a_stream_that_fails_midway_counts_as_a_failure() {
    let broken =
        || Reply::sse().data(json!({"choices": [{"index": 0, "delta": {"content": "Hi"}}]})).raw("data: nope\n\n");
    let fake = Fake::with([broken(), broken(), Reply::completion("not reached")]).await;
    let llm = llm(breaking(&fake, FOREVER));
    for _ in 0..2 {
        let stream = llm.chat_stream(&hello()).await.expect("starts");
        let items: Vec<_> = futures::StreamExt::collect(stream).await;
        assert_eq!(items.last(), Some(&Err(LlmError::BadResponse)));
    }
    assert!(matches!(llm.chat_stream(&hello()).await, Err(LlmError::CircuitOpen)));
    assert_eq!(fake.calls(), 2);
}
