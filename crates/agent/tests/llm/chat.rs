//! Non-streamed completions: what is sent, and what comes back.

use agent::llm::{ChatMessage, ChatRequest, ChatRole, Llm as _, ToolCall, ToolSpec, Usage};
use serde_json::json;

use crate::fake::{Fake, Reply};
use crate::{config, hello, llm};

#[tokio::test]
async fn a_plain_completion_comes_back_as_an_assistant_message_with_usage() {
    let fake = Fake::with([Reply::completion("Hello there")]).await;
    let response = llm(config(&fake)).chat(&hello()).await.expect("answer");
    assert_eq!(response.message, ChatMessage::assistant("Hello there"));
    assert_eq!(response.usage, Usage { prompt_tokens: 7, completion_tokens: 3 });
    assert_eq!(response.finish_reason.as_deref(), Some("stop"));
    assert_eq!(fake.calls(), 1);
}

#[tokio::test]
async fn tool_calls_in_a_completion_are_parsed_with_their_raw_arguments() {
    let fake = Fake::with([Reply::json(
        200,
        json!({"choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
            "role": "assistant", "content": null,
            "tool_calls": [
                {"id": "call_a", "type": "function", "function": {"name": "find_product", "arguments": "{\"sku\": \"A-1\"}"}},
                {"id": "call_b", "type": "function", "function": {"name": "check_stock", "arguments": "{\"qty\":3}"}}
            ]}}]}),
    )])
    .await;
    let response = llm(config(&fake)).chat(&hello()).await.expect("answer");
    assert_eq!(response.message.role, ChatRole::Assistant);
    assert_eq!(response.message.content, None);
    assert_eq!(
        response.message.tool_calls,
        [
            ToolCall { id: "call_a".into(), name: "find_product".into(), arguments: "{\"sku\": \"A-1\"}".into() },
            ToolCall { id: "call_b".into(), name: "check_stock".into(), arguments: "{\"qty\":3}".into() },
        ]
    );
    assert_eq!(response.finish_reason.as_deref(), Some("tool_calls"));
    assert_eq!(response.usage, Usage::default(), "no usage sent means zeros");
}

#[tokio::test]
async fn the_request_carries_model_messages_tools_and_the_bearer_key() {
    let fake = Fake::with([Reply::completion("ok")]).await;
    let mut config = config(&fake);
    config.api_key = Some("sk-test-key".into());
    let call = ToolCall { id: "call_1".into(), name: "find_product".into(), arguments: "{\"sku\":\"A-1\"}".into() };
    let request = ChatRequest {
        messages: vec![
            ChatMessage::system("You are helpful."),
            ChatMessage::user("Price of A-1?"),
            ChatMessage { role: ChatRole::Assistant, content: None, tool_calls: vec![call], tool_call_id: None },
            ChatMessage::tool_result("call_1", "{\"price\":9.5}"),
        ],
        tools: vec![ToolSpec {
            name: "find_product".into(),
            description: "Looks a product up by SKU.".into(),
            parameters: json!({"type": "object", "properties": {"sku": {"type": "string"}}, "required": ["sku"]}),
        }],
        max_tokens: Some(256),
        temperature: Some(0.2),
    };
    llm(config).chat(&request).await.expect("answer");

    let [sent] = fake.requests().try_into().expect("exactly one request");
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.headers.get("authorization").map(String::as_str), Some("Bearer sk-test-key"));
    assert_eq!(sent.headers.get("content-type").map(String::as_str), Some("application/json"));
    assert_eq!(
        sent.body,
        json!({
            "model": "test-model",
            "messages": [
                {"role": "system", "content": "You are helpful."},
                {"role": "user", "content": "Price of A-1?"},
                {"role": "assistant", "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "find_product", "arguments": "{\"sku\":\"A-1\"}"}}
                ]},
                {"role": "tool", "content": "{\"price\":9.5}", "tool_call_id": "call_1"}
            ],
            "tools": [{"type": "function", "function": {
                "name": "find_product",
                "description": "Looks a product up by SKU.",
                "parameters": {"type": "object", "properties": {"sku": {"type": "string"}}, "required": ["sku"]}
            }}],
            "max_tokens": 256,
            "temperature": 0.2
        })
    );
}

#[tokio::test]
async fn without_a_key_no_authorization_header_is_sent() {
    let fake = Fake::with([Reply::completion("ok")]).await;
    llm(config(&fake)).chat(&hello()).await.expect("answer");
    assert!(!fake.requests()[0].headers.contains_key("authorization"));
}
