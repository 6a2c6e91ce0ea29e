//! Garbage from the provider, and keeping the provider's words out of our errors.

use agent::llm::{Llm as _, LlmError};
use futures::StreamExt as _;
use serde_json::json;

use crate::fake::{Fake, Reply};
use crate::{config, hello, llm};

const SECRET: &str = "SECRET-PROVIDER-DETAIL";

fn assert_says_nothing_of_the_provider(err: &LlmError) {
    let shown = format!("{err} / {err:?}");
    assert!(!shown.contains(SECRET), "provider text leaked: {shown}");
}

#[tokio::test]
async fn an_html_body_is_a_bad_response_and_not_retried() {
    let fake = Fake::with([Reply::text(200, "<html>oops").header("content-type", "text/html")]).await;
    assert_eq!(llm(config(&fake)).chat(&hello()).await, Err(LlmError::BadResponse));
    assert_eq!(fake.calls(), 1);
}

#[tokio::test]
async fn json_without_choices_is_a_bad_response() {
    let fake = Fake::with([Reply::json(200, json!({"id": "x", "object": "chat.completion"}))]).await;
    assert_eq!(llm(config(&fake)).chat(&hello()).await, Err(LlmError::BadResponse));
}

#[tokio::test]
async fn a_tool_call_without_a_name_is_a_bad_response() {
    let fake = Fake::with([Reply::json(
        200,
        json!({"choices": [{"message": {"tool_calls": [{"id": "c", "function": {"arguments": "{}"}}]}}]}),
    )])
    .await;
    assert_eq!(llm(config(&fake)).chat(&hello()).await, Err(LlmError::BadResponse));
}

#[tokio::test]
async fn provider_error_text_never_reaches_display_or_debug() {
    let body = json!({"error": {"message": SECRET, "type": "server_error"}});
    let fake =
        Fake::with([Reply::json(500, body.clone()), Reply::json(400, body.clone()), Reply::json(429, body)]).await;
    let mut config = config(&fake);
    config.max_attempts = 1;
    let llm = llm(config);
    for expected in
        [LlmError::Unavailable, LlmError::Rejected { status: 400 }, LlmError::RateLimited { retry_after: None }]
    {
        let err = llm.chat(&hello()).await.expect_err("fails");
        assert_eq!(err, expected);
        assert_says_nothing_of_the_provider(&err);
    }
}

#[tokio::test]
async fn an_error_reported_mid_stream_stays_out_of_the_error_too() {
    let fake = Fake::with([Reply::sse()
        .data(json!({"choices": [{"index": 0, "delta": {"content": "Hi"}}]}))
        .data(json!({"error": {"message": SECRET}}))])
    .await;
    let items: Vec<_> = llm(config(&fake)).chat_stream(&hello()).await.expect("starts").collect().await;
    let Some(Err(err)) = items.last() else { panic!("expected an error last: {items:?}") };
    assert_eq!(*err, LlmError::BadResponse);
    assert_says_nothing_of_the_provider(err);
}

#[tokio::test]
async fn a_base_url_that_is_not_http_is_refused_at_construction() {
    let fake = Fake::start().await;
    let mut config = config(&fake);
    config.base_url = "ftp://example.invalid/v1".into();
    assert!(matches!(agent::llm::OpenAiCompatible::new(config), Err(LlmError::Unavailable)));
}
