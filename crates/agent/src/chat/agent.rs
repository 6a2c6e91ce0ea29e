use std::sync::Arc;

use futures::StreamExt as _;

use chrono::NaiveDate;
use domain::Principal;
use serde_json::Value;

use super::{Deltas, ToolExecutor, prompt};
use crate::approval::{Origin, needs_approval};
use crate::assistant::{self, Language, Understanding};
use crate::llm::{ChatMessage, ChatRequest, ChatResponse, Llm, LlmError, StreamEvent};
use crate::tools::{CallError, ToolRegistry, ValidatedCall};

#[derive(Debug, Clone, Copy)]
pub struct AgentConfig {
    /// Model calls per turn at most (each tool round trip is one).
    pub max_steps: usize,
    /// Earlier messages sent to the model at most: the history is bounded.
    pub history_limit: usize,
}

impl Default for AgentConfig {
    fn default() -> Self {
        Self { max_steps: 6, history_limit: 20 }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum TurnOutcome {
    Reply {
        text: String,
        tokens: u32,
    },
    /// A change was proposed; it runs only when a person approves exactly this call.
    NeedsApproval {
        text: String,
        call: ValidatedCall,
        tokens: u32,
    },
    /// The model failed; `code` is ours (`llm_timeout`, `llm_unavailable`, …).
    Degraded {
        code: &'static str,
        text: String,
        tokens: u32,
    },
}

pub struct Agent {
    llm: Option<Arc<dyn Llm>>,
    tools: Arc<ToolRegistry>,
    executor: Arc<dyn ToolExecutor>,
    config: AgentConfig,
}

impl Agent {
    pub fn new(
        llm: Option<Arc<dyn Llm>>,
        tools: Arc<ToolRegistry>,
        executor: Arc<dyn ToolExecutor>,
        config: AgentConfig,
    ) -> Self {
        Self { llm, tools, executor, config }
    }

    pub fn tools(&self) -> &Arc<ToolRegistry> {
        &self.tools
    }

    pub fn executor(&self) -> &Arc<dyn ToolExecutor> {
        &self.executor
    }

    pub fn has_model(&self) -> bool {
        self.llm.is_some()
    }

    pub fn llm(&self) -> Option<Arc<dyn Llm>> {
        self.llm.clone()
    }

    /// One turn. With `deltas`, the reply's text is sent there as the model produces it; the
    /// returned outcome is still the whole, authoritative answer.
    pub async fn respond(
        &self,
        caller: &Principal,
        history: &[ChatMessage],
        message: &str,
        today: NaiveDate,
        deltas: Option<&Deltas>,
    ) -> TurnOutcome {
        match &self.llm {
            Some(llm) => self.with_model(llm.as_ref(), caller, history, message, deltas).await,
            None => {
                let outcome = self.offline(caller, message, today).await;
                // The offline assistant composes its answer at once: it arrives as one delta.
                if let (Some(deltas), TurnOutcome::Reply { text, .. } | TurnOutcome::NeedsApproval { text, .. }) =
                    (deltas, &outcome)
                {
                    let _ = deltas.send(text.clone()).await;
                }
                outcome
            }
        }
    }

    async fn with_model(
        &self,
        llm: &dyn Llm,
        caller: &Principal,
        history: &[ChatMessage],
        message: &str,
        deltas: Option<&Deltas>,
    ) -> TurnOutcome {
        let keep = history.len().saturating_sub(self.config.history_limit);
        let mut messages = vec![prompt::system()];
        messages.extend(history[keep..].iter().cloned());
        messages.push(ChatMessage::user(message));
        let tools = self.tools.specs_for(caller.role);
        let mut tokens = 0u32;
        for _ in 0..self.config.max_steps {
            let request = ChatRequest { messages: messages.clone(), tools: tools.clone(), ..ChatRequest::default() };
            let response = match call_model(llm, &request, deltas).await {
                Ok(response) => response,
                Err(err) => return degraded(&err, tokens),
            };
            tokens =
                tokens.saturating_add(response.usage.prompt_tokens).saturating_add(response.usage.completion_tokens);
            let calls = response.message.tool_calls.clone();
            if calls.is_empty() {
                return match response.message.content.filter(|t| !t.trim().is_empty()) {
                    Some(text) => TurnOutcome::Reply { text, tokens },
                    None => degraded(&LlmError::BadResponse, tokens),
                };
            }
            messages.push(response.message);
            for call in calls {
                match self.tools.validate(caller.role, &call.name, &call.arguments) {
                    Err(err) => messages.push(prompt::tool_error(&call.id, err.code(), &err.to_string())),
                    Ok(valid) if needs_approval(valid.effect, Origin::Model) => {
                        let text = format!(
                            "I would like to run `{}`; it changes data, so it needs your approval.",
                            valid.tool
                        );
                        return TurnOutcome::NeedsApproval { text, call: valid, tokens };
                    }
                    Ok(valid) => {
                        let message = match self.executor.execute(caller, &valid, None).await {
                            Ok(result) => prompt::tool_result(&call.id, &result),
                            Err(err) => prompt::tool_error(&call.id, err.code().as_str(), err.detail()),
                        };
                        messages.push(message);
                    }
                }
            }
        }
        TurnOutcome::Degraded {
            code: "llm_too_many_steps",
            text: "The assistant could not finish this request; please rephrase it or try again.".into(),
            tokens,
        }
    }

    async fn offline(&self, caller: &Principal, message: &str, today: NaiveDate) -> TurnOutcome {
        let (language, understood) = assistant::understand(message, today);
        let intent = match understood {
            Understanding::Reply(text) => return TurnOutcome::Reply { text, tokens: 0 },
            Understanding::Call(intent) => intent,
        };
        let arguments = intent.arguments.to_string();
        match self.tools.validate(caller.role, intent.tool, &arguments) {
            Err(CallError::UnknownTool) => TurnOutcome::Reply { text: not_available(language).into(), tokens: 0 },
            Err(CallError::Forbidden { .. }) => TurnOutcome::Reply { text: forbidden(language).into(), tokens: 0 },
            Err(_) => TurnOutcome::Reply { text: unclear(language).into(), tokens: 0 },
            // The offline assistant interprets free text, so a write it derives is confirmed
            // by the person first, exactly like a model's.
            Ok(valid) if needs_approval(valid.effect, Origin::Model) => {
                TurnOutcome::NeedsApproval { text: confirm(language, &valid), call: valid, tokens: 0 }
            }
            Ok(valid) => match self.executor.execute(caller, &valid, None).await {
                Ok(result) => TurnOutcome::Reply { text: render(&result), tokens: 0 },
                Err(err) => TurnOutcome::Reply { text: err.detail().to_owned(), tokens: 0 },
            },
        }
    }
}

/// A whole answer, streamed through `deltas` when there is a listener. A listener that went away
/// (the client disconnected) does not stop the turn: its reply is still kept.
async fn call_model(llm: &dyn Llm, request: &ChatRequest, deltas: Option<&Deltas>) -> Result<ChatResponse, LlmError> {
    let Some(deltas) = deltas else {
        return llm.chat(request).await;
    };
    let mut stream = llm.chat_stream(request).await?;
    while let Some(event) = stream.next().await {
        match event? {
            StreamEvent::TextDelta(text) => {
                let _ = deltas.send(text).await;
            }
            StreamEvent::Done(response) => return Ok(response),
        }
    }
    Err(LlmError::BadResponse)
}

fn degraded(err: &LlmError, tokens: u32) -> TurnOutcome {
    TurnOutcome::Degraded {
        code: err.code(),
        text: "The language model is not answering properly right now; please try again in a moment.".into(),
        tokens,
    }
}

fn render(result: &Value) -> String {
    serde_json::to_string_pretty(result).unwrap_or_default()
}

fn confirm(language: Language, call: &ValidatedCall) -> String {
    let args = call.arguments.to_string();
    match language {
        Language::Indonesian => {
            format!("Saya akan menjalankan `{}` dengan {args}. Setujui untuk melanjutkan.", call.tool)
        }
        Language::English => format!("I will run `{}` with {args}. Approve to go ahead.", call.tool),
        Language::Chinese => format!("我将执行 `{}`，参数 {args}。请批准后继续。", call.tool),
    }
}

fn not_available(language: Language) -> &'static str {
    match language {
        Language::Indonesian => "Saya mengerti permintaannya, tetapi fitur itu belum tersedia di server ini.",
        Language::English => "I understood the request, but that capability is not available on this server yet.",
        Language::Chinese => "我理解了您的请求，但此服务器上还没有这个功能。",
    }
}

fn forbidden(language: Language) -> &'static str {
    match language {
        Language::Indonesian => "Maaf, peran Anda tidak mengizinkan tindakan ini.",
        Language::English => "Sorry, your role does not allow this action.",
        Language::Chinese => "抱歉，您的角色不允许此操作。",
    }
}

fn unclear(language: Language) -> &'static str {
    match language {
        Language::Indonesian => "Maaf, saya kurang menangkap detailnya. Bisa diulang dengan lebih jelas?",
        Language::English => "Sorry, I could not make out the details. Could you say it more precisely?",
        Language::Chinese => "抱歉，我没有听清细节。能说得更具体一些吗？",
    }
}
