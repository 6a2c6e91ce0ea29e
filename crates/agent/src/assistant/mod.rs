//! The built-in offline assistant: used when no LLM is configured. Deterministic: it recognises
//! the core requests of a sales team in Indonesian, English and Chinese by patterns, turns them
//! into the same tool calls a model would make, and says plainly what it cannot do. Its input is
//! untrusted text; it only ever proposes calls, which go through the same validation, roles and
//! approvals as a model's.

mod language;
mod patterns;
mod replies;

use chrono::NaiveDate;
use serde_json::Value;

pub use language::Language;

/// A tool call the assistant proposes.
#[derive(Debug, Clone, PartialEq)]
pub struct Intent {
    pub tool: &'static str,
    pub arguments: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Understanding {
    Call(Intent),
    /// A direct answer (help, or an honest "I can't do that").
    Reply(String),
}

/// Understands one message. `today` anchors relative dates ("this week", "bulan ini").
pub fn understand(text: &str, today: NaiveDate) -> (Language, Understanding) {
    let language = Language::detect(text);
    let understanding = patterns::recognise(text, language, today).map(Understanding::Call).unwrap_or_else(|| {
        if patterns::is_greeting(text) {
            Understanding::Reply(replies::help(language).to_owned())
        } else {
            Understanding::Reply(replies::cannot(language).to_owned())
        }
    });
    (language, understanding)
}
