//! Everything a connection sends goes through one bounded queue. A client that does not read
//! fills it; then it is disconnected instead of the server buffering for it without bound.

use axum::extract::ws::Message;
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

/// Frames waiting for a slow client before it is cut off.
pub(crate) const OUTBOX_CAPACITY: usize = 64;

/// Why the server closes a socket: a WebSocket close code and a short reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Close {
    pub code: u16,
    pub reason: &'static str,
}

pub(crate) const POLICY_VIOLATION: u16 = 1008;
pub(crate) const FLOODING: Close = Close { code: POLICY_VIOLATION, reason: "too many frames" };
pub(crate) const SLOW_CONSUMER: Close = Close { code: POLICY_VIOLATION, reason: "not reading fast enough" };
pub(crate) const SHUTTING_DOWN: Close = Close { code: 1001, reason: "server shutting down" };
pub(crate) const IDLE: Close = Close { code: 1000, reason: "idle" };
pub(crate) const REVOKED: Close = Close { code: POLICY_VIOLATION, reason: "credential revoked" };
pub(crate) const TOO_BIG: Close = Close { code: 1009, reason: "frame too large" };

#[derive(Clone)]
pub(crate) struct Outbox {
    frames: mpsc::Sender<Message>,
    close: mpsc::Sender<Close>,
    request_id: std::sync::Arc<str>,
}

pub(crate) struct Inbox {
    pub frames: mpsc::Receiver<Message>,
    pub close: mpsc::Receiver<Close>,
}

impl Outbox {
    pub fn new(request_id: String) -> (Self, Inbox) {
        let (frames, frames_rx) = mpsc::channel(OUTBOX_CAPACITY);
        // Only the first reason to close matters.
        let (close, close_rx) = mpsc::channel(1);
        (Self { frames, close, request_id: request_id.into() }, Inbox { frames: frames_rx, close: close_rx })
    }

    /// Queues a frame; false when the connection is going away (the caller should stop).
    pub fn push(&self, frame: Value) -> bool {
        match self.frames.try_send(Message::Text(frame.to_string().into())) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                self.close_with(SLOW_CONSUMER);
                false
            }
            Err(TrySendError::Closed(_)) => false,
        }
    }

    /// An `error` frame carrying the upgrade's request id, so a report can be found in the log.
    pub fn error(&self, code: &str, message: &str) -> bool {
        self.push(super::frames::error(code, message, &self.request_id))
    }

    pub fn close_with(&self, close: Close) {
        let _ = self.close.try_send(close);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_outbox_closes_the_connection_instead_of_growing() {
        let (outbox, mut inbox) = Outbox::new("req-1".into());
        for _ in 0..OUTBOX_CAPACITY {
            assert!(outbox.push(serde_json::json!({"type": "pong"})));
        }
        assert!(!outbox.push(serde_json::json!({"type": "pong"})), "the 65th frame is not queued");
        assert_eq!(inbox.close.try_recv().ok(), Some(SLOW_CONSUMER));
        assert_eq!(inbox.frames.len(), OUTBOX_CAPACITY);
    }
}
