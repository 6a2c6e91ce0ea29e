//! Streamed completions: deltas in order, tool calls assembled, and how a broken stream ends.

use std::time::Duration;

use agent::llm::{ChatMessage, LlmError, LlmStream, StreamEvent, ToolCall, Usage};
use agent::llm::{Llm as _, OpenAiCompatible};
use futures::StreamExt as _;
use serde_json::{Value, json};

use crate::fake::{Fake, Reply};
use crate::{config, hello, llm};

fn text(piece: &str) -> Value {
    json!({"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": null}]})
}

fn finish(reason: &str) -> Value {
    json!({"choices": [{"index": 0, "delta": {}, "finish_reason": reason}]})
}

fn usage(prompt: u32, completion: u32) -> Value {
    json!({"choices": [], "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}})
}

fn call_opens(index: usize, id: &str, name: &str) -> Value {
    json!({"choices": [{"index": 0, "delta": {"tool_calls": [
        {"index": index, "id": id, "type": "function", "function": {"name": name, "arguments": ""}}
    ]}}]})
}

fn call_continues(index: usize, arguments: &str) -> Value {
    json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": index, "function": {"arguments": arguments}}]}}]})
}

async fn stream(llm: &OpenAiCompatible) -> LlmStream {
    llm.chat_stream(&hello()).await.expect("the stream starts")
}

async fn drain(stream: LlmStream) -> Vec<Result<StreamEvent, LlmError>> {
    stream.collect().await
}

fn done(items: &[Result<StreamEvent, LlmError>]) -> &agent::llm::ChatResponse {
    match items.last() {
        Some(Ok(StreamEvent::Done(response))) => response,
        other => panic!("expected Done last, got {other:?}"),
    }
}

#[tokio::test]
async fn text_deltas_arrive_in_order_and_done_has_the_whole_text_and_usage() {
    let fake = Fake::with([Reply::sse()
        .data(json!({"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}))
        .data(text("Hel"))
        .data(text("lo, "))
        .data(text("world"))
        .data(finish("stop"))
        .data(usage(12, 3))
        .done()])
    .await;
    let items = drain(stream(&llm(config(&fake))).await).await;

    let deltas: Vec<&str> = items
        .iter()
        .filter_map(|item| match item {
            Ok(StreamEvent::TextDelta(piece)) => Some(piece.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(deltas, ["Hel", "lo, ", "world"]);
    assert_eq!(items.len(), 4, "three deltas then Done, nothing after");
    let response = done(&items);
    assert_eq!(response.message, ChatMessage::assistant("Hello, world"));
    assert_eq!(response.usage, Usage { prompt_tokens: 12, completion_tokens: 3 });
    assert_eq!(response.finish_reason.as_deref(), Some("stop"));
}

#[tokio::test]
async fn a_streamed_request_asks_for_a_stream_with_usage() {
    let fake = Fake::with([Reply::sse().data(text("ok")).done()]).await;
    drain(stream(&llm(config(&fake))).await).await;
    let body = &fake.requests()[0].body;
    assert_eq!(body["stream"], json!(true));
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
    assert_eq!(body["model"], json!("test-model"));
}

#[tokio::test]
async fn parallel_tool_call_fragments_are_assembled_exactly() {
    let fake = Fake::with([Reply::sse()
        .data(call_opens(0, "call_a", "find_product"))
        .data(call_opens(1, "call_b", "check_stock"))
        .data(call_continues(0, "{\"sk"))
        .data(call_continues(1, "{\"qty\":"))
        .data(call_continues(0, "u\": \"A"))
        .data(call_continues(1, " 3"))
        .data(call_continues(0, "-1\"}"))
        .data(call_continues(1, "}"))
        .data(finish("tool_calls"))
        .done()])
    .await;
    let items = drain(stream(&llm(config(&fake))).await).await;

    assert_eq!(items.len(), 1, "tool calls are handed out whole, in Done only: {items:?}");
    let response = done(&items);
    assert_eq!(response.message.content, None);
    assert_eq!(
        response.message.tool_calls,
        [
            ToolCall { id: "call_a".into(), name: "find_product".into(), arguments: "{\"sku\": \"A-1\"}".into() },
            ToolCall { id: "call_b".into(), name: "check_stock".into(), arguments: "{\"qty\": 3}".into() },
        ]
    );
    assert_eq!(response.usage, Usage::default(), "no usage sent means zeros");
    assert_eq!(response.finish_reason.as_deref(), Some("tool_calls"));
}

#[tokio::test]
async fn a_stream_that_stalls_after_starting_ends_with_a_timeout() {
    let fake = Fake::with([Reply::sse().data(text("Hel")).pause(Duration::from_secs(3)).data(text("lo")).done()]).await;
    let mut config = config(&fake);
    config.stream_idle_timeout = Duration::from_millis(200);
    let items = drain(stream(&llm(config)).await).await;
    assert_eq!(items, [Ok(StreamEvent::TextDelta("Hel".into())), Err(LlmError::Timeout)]);
    assert_eq!(fake.calls(), 1, "once started, a stream is never retried");
}

#[tokio::test]
async fn a_stream_with_a_chunk_that_is_not_json_ends_with_a_bad_response() {
    let fake =
        Fake::with([Reply::sse().data(text("Hel")).raw("data: {not json at all\n\n").data(text("lo")).done()]).await;
    let items = drain(stream(&llm(config(&fake))).await).await;
    assert_eq!(items, [Ok(StreamEvent::TextDelta("Hel".into())), Err(LlmError::BadResponse)]);
    assert_eq!(fake.calls(), 1);
}

#[tokio::test]
async fn a_stream_that_stalls_before_its_first_event_is_retried() {
    let stalled = Reply::sse().pause(Duration::from_secs(3)).data(text("too late")).done();
    let fake = Fake::with([stalled, Reply::sse().data(text("Hi")).data(finish("stop")).done()]).await;
    let mut config = config(&fake);
    config.stream_idle_timeout = Duration::from_millis(200);
    let items = drain(stream(&llm(config)).await).await;
    assert_eq!(done(&items).message.content.as_deref(), Some("Hi"));
    assert_eq!(fake.calls(), 2);
}

#[tokio::test]
async fn a_stream_that_fails_before_starting_is_an_error_from_chat_stream() {
    let fake = Fake::with([Reply::json(400, json!({"error": {"message": "bad"}}))]).await;
    let result = llm(config(&fake)).chat_stream(&hello()).await;
    assert!(matches!(result, Err(LlmError::Rejected { status: 400 })));
    assert_eq!(fake.calls(), 1);
}

#[tokio::test]
async fn a_stream_cut_off_before_the_answer_finished_is_a_bad_response() {
    let fake = Fake::with([Reply::sse().data(text("Hel"))]).await;
    let items = drain(stream(&llm(config(&fake))).await).await;
    assert_eq!(items, [Ok(StreamEvent::TextDelta("Hel".into())), Err(LlmError::BadResponse)]);
}

#[tokio::test]
async fn a_server_that_ignores_stream_and_sends_json_still_yields_done() {
    let fake = Fake::with([Reply::completion("whole answer")]).await;
    let items = drain(stream(&llm(config(&fake))).await).await;
    assert_eq!(items.len(), 1);
    assert_eq!(done(&items).message, ChatMessage::assistant("whole answer"));
}
