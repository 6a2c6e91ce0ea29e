//! A session's live events as they travel on the bus: text as the model writes it, then the
//! stored reply. Followers on any instance turn them into their own frames.

use serde::{Deserialize, Serialize};

use super::Turn;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SessionEvent {
    Delta { text: String },
    Done { turn: TurnDone },
}

/// The stored reply, as followers see it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TurnDone {
    pub seq: u64,
    pub content: String,
    pub degraded: Option<String>,
    pub pending_approval: Option<serde_json::Value>,
}

impl From<&Turn> for TurnDone {
    fn from(turn: &Turn) -> Self {
        Self {
            seq: turn.seq,
            content: turn.content.clone(),
            degraded: turn.degraded.clone(),
            pending_approval: turn.pending_approval.clone(),
        }
    }
}

impl SessionEvent {
    pub(super) fn delta(text: &str) -> String {
        serde_json::to_string(&SessionEvent::Delta { text: text.to_owned() }).unwrap_or_default()
    }

    pub(super) fn done(turn: &Turn) -> String {
        serde_json::to_string(&SessionEvent::Done { turn: turn.into() }).unwrap_or_default()
    }

    /// None for anything that is not a session event (the bus is not trusted to be well formed).
    pub fn parse(payload: &str) -> Option<Self> {
        serde_json::from_str(payload).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_survive_the_bus_and_garbage_is_ignored() {
        let turn =
            Turn { seq: 7, content: "<b>hi</b>".into(), degraded: Some("llm_timeout".into()), pending_approval: None };
        let Some(SessionEvent::Done { turn: done }) = SessionEvent::parse(&SessionEvent::done(&turn)) else {
            panic!("a done event parses back");
        };
        assert_eq!((done.seq, done.content.as_str(), done.degraded.as_deref()), (7, "<b>hi</b>", Some("llm_timeout")));
        assert_eq!(
            SessionEvent::parse(&SessionEvent::delta("a\nb")),
            Some(SessionEvent::Delta { text: "a\nb".into() })
        );
        assert_eq!(SessionEvent::parse("{\"kind\":\"other\"}"), None);
        assert_eq!(SessionEvent::parse(""), None);
    }
}
