//! The chat-completions wire format. Kept apart from the port types so a provider's quirks never
//! leak into what agents see; only the fields we use are modelled, unknown ones are ignored.

use serde::{Deserialize, Serialize};

use super::failure::truncate;
use crate::llm::{ChatMessage, ChatRequest, ChatResponse, ChatRole, LlmError, ToolCall, ToolSpec, Usage};

const FUNCTION: &str = "function";

#[derive(Serialize)]
struct WireRequest<'a> {
    model: &'a str,
    messages: Vec<WireMessage<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<WireTool<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_options: Option<StreamOptions>,
}

#[derive(Serialize)]
struct StreamOptions {
    include_usage: bool,
}

#[derive(Serialize)]
struct WireMessage<'a> {
    role: ChatRole,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_calls: Vec<WireToolCall<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_call_id: Option<&'a str>,
}

#[derive(Serialize)]
struct WireToolCall<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    function: WireFunctionCall<'a>,
}

#[derive(Serialize)]
struct WireFunctionCall<'a> {
    name: &'a str,
    arguments: &'a str,
}

#[derive(Serialize)]
struct WireTool<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    function: &'a ToolSpec,
}

impl<'a> WireMessage<'a> {
    fn from_port(msg: &'a ChatMessage) -> Self {
        // Only an assistant turn that calls tools may omit its content; servers reject the rest.
        let may_omit = msg.role == ChatRole::Assistant && !msg.tool_calls.is_empty();
        let content = msg.content.as_deref().or(if may_omit { None } else { Some("") });
        let tool_calls = msg
            .tool_calls
            .iter()
            .map(|call| WireToolCall {
                id: &call.id,
                kind: FUNCTION,
                function: WireFunctionCall { name: &call.name, arguments: &call.arguments },
            })
            .collect();
        Self { role: msg.role, content, tool_calls, tool_call_id: msg.tool_call_id.as_deref() }
    }
}

/// The request body, serialised once per call and re-sent unchanged by every attempt.
pub(super) fn encode(model: &str, req: &ChatRequest, stream: bool) -> Vec<u8> {
    let body = WireRequest {
        model,
        messages: req.messages.iter().map(WireMessage::from_port).collect(),
        tools: req.tools.iter().map(|function| WireTool { kind: FUNCTION, function }).collect(),
        max_tokens: req.max_tokens,
        temperature: req.temperature,
        stream,
        stream_options: stream.then_some(StreamOptions { include_usage: true }),
    };
    // Every map key is a string and writing to a Vec cannot fail, so serde_json cannot error here.
    serde_json::to_vec(&body).expect("a chat request always serialises")
}

#[derive(Deserialize)]
struct WireResponse {
    choices: Vec<WireChoice>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct WireChoice {
    message: WireAnswer,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct WireAnswer {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    tool_calls: Option<Vec<WireCallIn>>,
}

#[derive(Deserialize)]
struct WireCallIn {
    id: String,
    function: WireFunctionIn,
}

#[derive(Deserialize)]
struct WireFunctionIn {
    name: String,
    #[serde(default)]
    arguments: serde_json::Value,
}

#[derive(Deserialize, Clone, Copy)]
pub(super) struct WireUsage {
    #[serde(default)]
    prompt_tokens: u32,
    #[serde(default)]
    completion_tokens: u32,
}

impl From<WireUsage> for Usage {
    fn from(wire: WireUsage) -> Self {
        Usage { prompt_tokens: wire.prompt_tokens, completion_tokens: wire.completion_tokens }
    }
}

/// Arguments are a JSON string on the wire; a few servers send the object itself. Either way the
/// port gets JSON text, and "no arguments" becomes the empty object a tool expects.
fn arguments_text(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text,
        serde_json::Value::Null => "{}".to_owned(),
        other => other.to_string(),
    }
}

/// A complete (non-streamed) answer. Anything we cannot read is the provider's fault: BadResponse.
pub(super) fn decode(body: &[u8]) -> Result<ChatResponse, LlmError> {
    let wire: WireResponse = serde_json::from_slice(body).map_err(|err| {
        let text = String::from_utf8_lossy(body);
        tracing::warn!(error = %err, body = %truncate(&text), "the language model's answer is not a chat completion");
        LlmError::BadResponse
    })?;
    let Some(choice) = wire.choices.into_iter().next() else {
        tracing::warn!("the language model's answer has no choices");
        return Err(LlmError::BadResponse);
    };
    let tool_calls = choice
        .message
        .tool_calls
        .unwrap_or_default()
        .into_iter()
        .map(|call| ToolCall {
            id: call.id,
            name: call.function.name,
            arguments: arguments_text(call.function.arguments),
        })
        .collect();
    Ok(ChatResponse {
        message: ChatMessage {
            role: ChatRole::Assistant,
            content: choice.message.content,
            tool_calls,
            tool_call_id: None,
        },
        usage: wire.usage.map(Usage::from).unwrap_or_default(),
        finish_reason: choice.finish_reason,
    })
}

/// One `data:` payload of a streamed answer.
#[derive(Deserialize)]
pub(super) struct WireChunk {
    #[serde(default)]
    pub choices: Option<Vec<WireChunkChoice>>,
    #[serde(default)]
    pub usage: Option<WireUsage>,
    /// Some servers report a failure mid-stream as a chunk carrying `error`.
    #[serde(default)]
    pub error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
pub(super) struct WireChunkChoice {
    #[serde(default)]
    pub delta: Option<WireDelta>,
    #[serde(default)]
    pub finish_reason: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WireDelta {
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub tool_calls: Option<Vec<WireCallDelta>>,
}

#[derive(Deserialize)]
pub(super) struct WireCallDelta {
    #[serde(default)]
    pub index: Option<usize>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub function: Option<WireFunctionDelta>,
}

#[derive(Deserialize)]
pub(super) struct WireFunctionDelta {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub arguments: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn encoded(req: &ChatRequest, stream: bool) -> Value {
        serde_json::from_slice(&encode("m", req, stream)).expect("json")
    }

    #[test]
    fn an_assistant_turn_that_calls_tools_is_sent_in_the_wire_shape() {
        let call = ToolCall { id: "c1".into(), name: "price".into(), arguments: "{\"sku\":\"A\"}".into() };
        let assistant =
            ChatMessage { role: ChatRole::Assistant, content: None, tool_calls: vec![call], tool_call_id: None };
        let req = ChatRequest::new(vec![assistant, ChatMessage::tool_result("c1", "9.50")]);
        let body = encoded(&req, false);
        assert_eq!(
            body["messages"],
            json!([
                {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function",
                    "function": {"name": "price", "arguments": "{\"sku\":\"A\"}"}}]},
                {"role": "tool", "content": "9.50", "tool_call_id": "c1"}
            ])
        );
        assert!(body.get("stream").is_none() && body.get("tools").is_none());
    }

    #[test]
    fn a_streamed_request_asks_for_usage() {
        let body = encoded(&ChatRequest::new(vec![ChatMessage::user("hi")]), true);
        assert_eq!(body["stream"], json!(true));
        assert_eq!(body["stream_options"], json!({"include_usage": true}));
    }

    #[test]
    fn arguments_sent_as_an_object_become_json_text() {
        let body = br#"{"choices":[{"message":{"tool_calls":[
            {"id":"a","function":{"name":"f","arguments":{"x":1}}},
            {"id":"b","function":{"name":"g"}}]}}]}"#;
        let calls = decode(body).expect("decodes").message.tool_calls;
        assert_eq!(calls[0].arguments, "{\"x\":1}");
        assert_eq!(calls[1].arguments, "{}");
    }

    #[test]
    fn an_answer_without_choices_is_a_bad_response() {
        assert_eq!(decode(br#"{"choices":[]}"#), Err(LlmError::BadResponse));
        assert_eq!(decode(br#"{"error":{"message":"x"}}"#), Err(LlmError::BadResponse));
        assert_eq!(decode(b"<html>oops"), Err(LlmError::BadResponse));
    }
}
