//! Following a run (its event log, read from the store) or a chat session (its replies as they
//! are written). A run's log is read when the bus says it grew, from whichever instance runs it,
//! and on a slow timer besides, so a wake-up lost to a Redis outage only delays the client.

use std::time::Duration;

use app::App;
use app::chat::SessionEvent;
use app::coord::{Wakeup, topics};
use domain::Principal;
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use super::frames;
use super::outbox::Outbox;

const BATCH: u32 = 100;

/// Streams the run's events as frames until it has finished (ending with `run.done`), the
/// connection goes away, or the run becomes unreadable.
pub(crate) async fn follow(app: App, caller: Principal, run_id: Uuid, outbox: Outbox) {
    let mut wake = Wakeup::new(&app.bus, topics::run(run_id), crate::routes::RUN_POLL_FALLBACK);
    let mut after = 0;
    let mut quiet_terminal = 0u8;
    loop {
        let (run, batch) = match app.runs.events(&caller, run_id, after, BATCH).await {
            Ok(found) => found,
            Err(err) => {
                super::report(&outbox, &err);
                return;
            }
        };
        let had_events = !batch.is_empty();
        for event in batch {
            after = event.seq;
            let data = &event.data;
            let frame = match event.kind.as_str() {
                "progress" => frames::progress(run_id, &data["done"], &data["total"], &data["note"]),
                "question" => frames::waiting(run_id, data.get("question").unwrap_or(&Value::Null)),
                "done" | "failed" | "cancelled" | "expired" => {
                    // The run read with this batch may predate its final transition; read it again.
                    let finished = app.runs.get(&caller, run_id).await.unwrap_or(run);
                    outbox.push(frames::done(&finished));
                    return;
                }
                // Bookkeeping (queued, running, answer, effect) is not for the client.
                _ => continue,
            };
            if !outbox.push(frame) {
                return;
            }
        }
        // A finished run whose final event never made it into the log (its write is best-effort)
        // still ends the subscription, after one more look.
        if !had_events && run.status.is_terminal() {
            quiet_terminal += 1;
            if quiet_terminal >= 2 {
                outbox.push(frames::done(&run));
                return;
            }
        }
        wake.wait().await;
    }
}

/// Forwards a chat session's replies, written on any instance, as `message.delta` and
/// `message.done` frames until the connection goes away.
pub(crate) async fn follow_session(
    mut replies: tokio::sync::broadcast::Receiver<std::sync::Arc<str>>,
    session_id: Uuid,
    outbox: Outbox,
) {
    loop {
        let frame = match replies.recv().await {
            Ok(payload) => match SessionEvent::parse(&payload) {
                Some(SessionEvent::Delta { text }) => frames::message_delta(session_id, &text),
                Some(SessionEvent::Done { turn }) => frames::message_done(session_id, &turn),
                None => continue,
            },
            // Deltas skipped by a slow follower are not replayed; `message.done` carries the
            // whole reply, so the client still ends with the right text.
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return,
        };
        if !outbox.push(frame) {
            return;
        }
    }
}

/// Closes the socket once the credential it was opened with stops standing: at once when any
/// instance announces its revocation, and at the latest a minute after it expires or is revoked
/// while the announcement was lost.
pub(crate) async fn guard(app: App, caller: Principal, outbox: Outbox) {
    const RECHECK_EVERY: Duration = Duration::from_secs(60);
    let mut revoked = app.bus.subscribe(topics::AUTH_REVOKED);
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + RECHECK_EVERY, RECHECK_EVERY);
    loop {
        let concerned = tokio::select! {
            received = revoked.recv() => match received {
                Ok(payload) => payload.parse::<app::auth::Revocation>().is_ok_and(|r| r.concerns(&caller)),
                // Missed announcements might have been ours.
                Err(RecvError::Lagged(_)) => true,
                Err(RecvError::Closed) => {
                    revoked = app.bus.subscribe(topics::AUTH_REVOKED);
                    false
                }
            },
            _ = recheck.tick() => true,
        };
        // A store that cannot answer is not a revocation: keep the socket and look again later.
        if concerned && matches!(app.auth.still_valid(&caller).await, Ok(false)) {
            outbox.close_with(super::outbox::REVOKED);
            return;
        }
    }
}
