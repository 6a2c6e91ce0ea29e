//! The gateway's wire format: JSON objects with a `type`. Parsing tells an unknown type apart
//! from a known one with bad fields, so a client learns which mistake it made.

use serde::Deserialize;
use serde_json::{Value, json};
use store::RunRecord;
use uuid::Uuid;

/// What a client may send.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(tag = "type", deny_unknown_fields)]
pub(crate) enum ClientFrame {
    /// A struct variant (not a unit one) so that extra fields are refused here too.
    #[serde(rename = "ping")]
    Ping {},
    /// Either a run's events or a chat session's replies (exactly one of the two ids).
    #[serde(rename = "subscribe")]
    Subscribe { run_id: Option<Uuid>, session_id: Option<Uuid> },
    #[serde(rename = "run.start")]
    RunStart {
        task: String,
        #[serde(default = "empty_object")]
        input: Value,
        upload_ids: Option<Vec<Uuid>>,
    },
    #[serde(rename = "run.resume")]
    RunResume { run_id: Uuid, answer: Value },
    #[serde(rename = "run.cancel")]
    RunCancel { run_id: Uuid },
    #[serde(rename = "chat.send")]
    ChatSend { session_id: Uuid, content: String, upload_ids: Option<Vec<Uuid>> },
}

const KNOWN_TYPES: [&str; 6] = ["ping", "subscribe", "run.start", "run.resume", "run.cancel", "chat.send"];

fn empty_object() -> Value {
    json!({})
}

/// Why a frame was refused: a stable code and a message safe to show.
#[derive(Debug, PartialEq)]
pub(crate) struct Refusal {
    pub code: &'static str,
    pub message: &'static str,
}

pub(crate) const FRAME_TOO_LARGE: &str = "frame_too_large";
pub(crate) const MALFORMED_FRAME: &str = "malformed_frame";
pub(crate) const UNKNOWN_TYPE: &str = "unknown_type";

pub(crate) fn parse(text: &str) -> Result<ClientFrame, Refusal> {
    let malformed = |message| Refusal { code: MALFORMED_FRAME, message };
    let value: Value = serde_json::from_str(text).map_err(|_| malformed("a frame is a JSON object"))?;
    let Some(kind) = value.get("type").and_then(Value::as_str) else {
        return Err(malformed("a frame is a JSON object with a string `type`"));
    };
    if !KNOWN_TYPES.contains(&kind) {
        return Err(Refusal { code: UNKNOWN_TYPE, message: "unknown frame type" });
    }
    // serde's own message could quote the client's input back; a fixed one cannot.
    let frame = serde_json::from_value(value)
        .map_err(|_| malformed("missing, extra or mistyped fields for this frame type"))?;
    if let ClientFrame::Subscribe { run_id, session_id } = &frame
        && run_id.is_some() == session_id.is_some()
    {
        return Err(malformed("`subscribe` names either a `run_id` or a `session_id`"));
    }
    Ok(frame)
}

pub(crate) fn pong() -> Value {
    json!({"type": "pong"})
}

pub(crate) fn progress(run_id: Uuid, done: &Value, total: &Value, note: &Value) -> Value {
    json!({"type": "run.progress", "run_id": run_id, "done": done, "total": total, "note": note})
}

pub(crate) fn waiting(run_id: Uuid, question: &Value) -> Value {
    json!({"type": "run.waiting", "run_id": run_id, "question": question})
}

pub(crate) fn done(run: &RunRecord) -> Value {
    json!({"type": "run.done", "run_id": run.id, "status": run.status.as_str(), "result": run.result})
}

pub(crate) fn message_delta(session_id: Uuid, text: &str) -> Value {
    json!({"type": "message.delta", "session_id": session_id, "text": text})
}

pub(crate) fn message_done(session_id: Uuid, turn: &app::chat::TurnDone) -> Value {
    json!({
        "type": "message.done",
        "session_id": session_id,
        "message": {"seq": turn.seq, "role": "assistant", "content": turn.content},
        "degraded": turn.degraded,
        "pending_approval": turn.pending_approval,
    })
}

pub(crate) fn error(code: &str, message: &str, request_id: &str) -> Value {
    json!({"type": "error", "code": code, "message": message, "request_id": request_id})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_frames_parse_and_mistakes_are_told_apart() {
        let id = Uuid::now_v7();
        assert_eq!(parse(r#"{"type":"ping"}"#), Ok(ClientFrame::Ping {}));
        assert_eq!(
            parse(&format!(r#"{{"type":"subscribe","run_id":"{id}"}}"#)),
            Ok(ClientFrame::Subscribe { run_id: Some(id), session_id: None })
        );
        assert_eq!(
            parse(&format!(r#"{{"type":"subscribe","session_id":"{id}"}}"#)),
            Ok(ClientFrame::Subscribe { run_id: None, session_id: Some(id) })
        );
        let both = format!(r#"{{"type":"subscribe","run_id":"{id}","session_id":"{id}"}}"#);
        assert_eq!(parse(&both).unwrap_err().code, MALFORMED_FRAME);
        assert_eq!(
            parse(r#"{"type":"run.start","task":"t"}"#),
            Ok(ClientFrame::RunStart { task: "t".into(), input: json!({}), upload_ids: None })
        );
        for malformed in ["nope", "[]", r#"{"kind":"ping"}"#, r#"{"type":"subscribe"}"#, r#"{"type":"ping","x":1}"#] {
            assert_eq!(parse(malformed).unwrap_err().code, MALFORMED_FRAME, "{malformed}");
        }
        assert_eq!(parse(r#"{"type":"teleport"}"#).unwrap_err().code, UNKNOWN_TYPE);
    }
}
