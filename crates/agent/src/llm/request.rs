//! What is asked of the model and what comes back.

use serde::{Deserialize, Serialize};

use super::message::ChatMessage;

/// A function the model may call. `parameters` is the JSON schema of its arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    pub parameters: serde_json::Value,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    pub messages: Vec<ChatMessage>,
    pub tools: Vec<ToolSpec>,
    pub max_tokens: Option<u32>,
    pub temperature: Option<f32>,
}

impl ChatRequest {
    pub fn new(messages: Vec<ChatMessage>) -> Self {
        Self { messages, ..Self::default() }
    }
}

/// Token counts as the provider reported them; zeros when it reported none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatResponse {
    /// Role `Assistant`, with text content, tool calls, or both.
    pub message: ChatMessage,
    pub usage: Usage,
    /// The provider's word for why it stopped (`stop`, `length`, `tool_calls`, …), passed through.
    pub finish_reason: Option<String>,
}

/// One item of a streamed answer. Tool-call fragments are assembled inside the adapter, so a
/// consumer sees text as it arrives and then the complete message once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamEvent {
    TextDelta(String),
    Done(ChatResponse),
}
