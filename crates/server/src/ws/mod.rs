//! The WebSocket gateway: one socket per client for starting, answering and following runs
//! (and chat). The route itself is in `routes::ws`; this is the connection machinery.

mod connection;
mod frames;
mod limits;
mod outbox;
mod subscription;

use std::sync::Arc;

use domain::Error;
use tokio::sync::watch;

pub(crate) use connection::{Connection, run};
pub(crate) use limits::ConnectionSlots;

/// The largest message (and frame) a client may send.
pub(crate) const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// Shared by every socket of this instance: the per-principal cap and the shutdown signal.
#[derive(Clone)]
pub(crate) struct Gateway {
    pub slots: Arc<ConnectionSlots>,
    pub stopped: watch::Receiver<bool>,
}

impl Gateway {
    pub fn new(stopped: watch::Receiver<bool>) -> Self {
        Self { slots: Arc::default(), stopped }
    }
}

/// A domain error as an `error` frame: the same client-safe detail an HTTP problem would carry;
/// the cause chain of an internal failure goes to the log only.
pub(crate) fn report(outbox: &outbox::Outbox, err: &Error) -> bool {
    if err.code().is_internal() || err.code() == domain::ErrorCode::Unavailable {
        tracing::error!(code = err.code().as_str(), error = %err, "websocket request failed");
    }
    outbox.error(err.code().as_str(), err.detail())
}
