//! Folding streamed chunks into one answer. Text is handed out as it arrives; tool calls come in
//! fragments keyed by index (id and name first, arguments in pieces, several calls interleaved)
//! and are only handed out whole, in the final response.

use std::collections::BTreeMap;

use super::failure::truncate;
use super::wire::WireChunk;
use crate::llm::{ChatMessage, ChatResponse, ChatRole, LlmError, ToolCall, Usage};

#[derive(Default)]
pub(super) struct Assembler {
    text: String,
    calls: BTreeMap<usize, PartialCall>,
    usage: Option<Usage>,
    finish_reason: Option<String>,
}

#[derive(Default)]
struct PartialCall {
    id: Option<String>,
    name: Option<String>,
    arguments: String,
}

impl Assembler {
    /// Folds one chunk in and returns the text it carried, if any, for the caller to pass on.
    pub fn push(&mut self, chunk: WireChunk) -> Result<Option<String>, LlmError> {
        if let Some(error) = chunk.error {
            tracing::warn!(detail = %truncate(&error.to_string()), "the language model reported an error mid-stream");
            return Err(LlmError::BadResponse);
        }
        if let Some(usage) = chunk.usage {
            self.usage = Some(usage.into());
        }
        let mut text = String::new();
        for choice in chunk.choices.unwrap_or_default() {
            if let Some(reason) = choice.finish_reason {
                self.finish_reason = Some(reason);
            }
            let Some(delta) = choice.delta else { continue };
            if let Some(content) = delta.content {
                text.push_str(&content);
            }
            for (position, fragment) in delta.tool_calls.unwrap_or_default().into_iter().enumerate() {
                // The index is what ties fragments together; a server that omits it sends one call
                // per delta position.
                let call = self.calls.entry(fragment.index.unwrap_or(position)).or_default();
                if let Some(id) = fragment.id.filter(|id| !id.is_empty()) {
                    call.id = Some(id);
                }
                let function = fragment.function;
                if let Some(name) = function.as_ref().and_then(|f| f.name.clone()).filter(|n| !n.is_empty()) {
                    call.name.get_or_insert(name);
                }
                if let Some(piece) = function.and_then(|f| f.arguments) {
                    call.arguments.push_str(&piece);
                }
            }
        }
        self.text.push_str(&text);
        Ok((!text.is_empty()).then_some(text))
    }

    /// Whether the provider said why it stopped, i.e. the answer is complete even if `[DONE]`
    /// never comes.
    pub fn has_finished(&self) -> bool {
        self.finish_reason.is_some()
    }

    pub fn finish(self) -> Result<ChatResponse, LlmError> {
        let mut tool_calls = Vec::with_capacity(self.calls.len());
        for (index, call) in self.calls {
            let (Some(id), Some(name)) = (call.id, call.name) else {
                tracing::warn!(index, "a streamed tool call arrived without its id or name");
                return Err(LlmError::BadResponse);
            };
            tool_calls.push(ToolCall { id, name, arguments: call.arguments });
        }
        let content = (!self.text.is_empty() || tool_calls.is_empty()).then_some(self.text);
        Ok(ChatResponse {
            message: ChatMessage { role: ChatRole::Assistant, content, tool_calls, tool_call_id: None },
            usage: self.usage.unwrap_or_default(),
            finish_reason: self.finish_reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(assembler: &mut Assembler, json: &str) -> Option<String> {
        assembler.push(serde_json::from_str(json).expect("chunk")).expect("accepted")
    }

    #[test]
    fn interleaved_fragments_are_assembled_by_index() {
        let mut a = Assembler::default();
        push(
            &mut a,
            r#"{"choices":[{"delta":{"tool_calls":[{"index":1,"id":"b","function":{"name":"g","arguments":""}}]}}]}"#,
        );
        push(
            &mut a,
            r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"{\"x\""}}]}}]}"#,
        );
        push(&mut a, r#"{"choices":[{"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]}}]}"#);
        push(&mut a, r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]}}]}"#);
        let calls = a.finish().expect("complete").message.tool_calls;
        assert_eq!(
            calls,
            [
                ToolCall { id: "a".into(), name: "f".into(), arguments: "{\"x\":1}".into() },
                ToolCall { id: "b".into(), name: "g".into(), arguments: "{}".into() },
            ]
        );
    }

    #[test]
    fn a_tool_call_without_a_name_is_a_bad_response() {
        let mut a = Assembler::default();
        push(&mut a, r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"a","function":{"arguments":"{}"}}]}}]}"#);
        assert_eq!(a.finish(), Err(LlmError::BadResponse));
    }

    #[test]
    fn an_error_chunk_is_a_bad_response() {
        let mut a = Assembler::default();
        let chunk = serde_json::from_str(r#"{"error":{"message":"overloaded"}}"#).expect("chunk");
        assert_eq!(a.push(chunk), Err(LlmError::BadResponse));
    }

    #[test]
    fn empty_deltas_hand_out_no_text_and_usage_arrives_last() {
        let mut a = Assembler::default();
        assert_eq!(push(&mut a, r#"{"choices":[{"delta":{"role":"assistant","content":""}}]}"#), None);
        assert_eq!(
            push(&mut a, r#"{"choices":[{"delta":{"content":"Hi"},"finish_reason":"stop"}]}"#).as_deref(),
            Some("Hi")
        );
        push(&mut a, r#"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1}}"#);
        assert!(a.has_finished());
        let done = a.finish().expect("complete");
        assert_eq!(done.message.content.as_deref(), Some("Hi"));
        assert_eq!(done.usage, Usage { prompt_tokens: 3, completion_tokens: 1 });
        assert_eq!(done.finish_reason.as_deref(), Some("stop"));
    }
}
