//! One turn of a conversation, as the port sees it. Provider wire formats map to and from these.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatRole {
    System,
    User,
    Assistant,
    Tool,
}

/// A function call the model asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    /// The raw JSON text exactly as the model sent it. Kept unparsed because models do emit
    /// invalid JSON, and the tool runner, not the transport, decides what to do about that.
    pub arguments: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: ChatRole,
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// Set on `Tool` messages: the `ToolCall::id` this message answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
}

impl ChatMessage {
    fn text(role: ChatRole, text: impl Into<String>) -> Self {
        Self { role, content: Some(text.into()), tool_calls: Vec::new(), tool_call_id: None }
    }

    pub fn system(text: impl Into<String>) -> Self {
        Self::text(ChatRole::System, text)
    }

    pub fn user(text: impl Into<String>) -> Self {
        Self::text(ChatRole::User, text)
    }

    pub fn assistant(text: impl Into<String>) -> Self {
        Self::text(ChatRole::Assistant, text)
    }

    /// The result of running the tool call `call_id`, fed back to the model.
    pub fn tool_result(call_id: impl Into<String>, text: impl Into<String>) -> Self {
        Self { tool_call_id: Some(call_id.into()), ..Self::text(ChatRole::Tool, text) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_serialise_in_lowercase() {
        let roles = [ChatRole::System, ChatRole::User, ChatRole::Assistant, ChatRole::Tool];
        let json: Vec<String> = roles.iter().map(|r| serde_json::to_string(r).expect("serialise")).collect();
        assert_eq!(json, ["\"system\"", "\"user\"", "\"assistant\"", "\"tool\""]);
    }

    #[test]
    fn tool_result_answers_its_call() {
        let msg = ChatMessage::tool_result("call_1", "42");
        assert_eq!(msg.role, ChatRole::Tool);
        assert_eq!(msg.tool_call_id.as_deref(), Some("call_1"));
        assert_eq!(msg.content.as_deref(), Some("42"));
        assert!(msg.tool_calls.is_empty());
    }
}
