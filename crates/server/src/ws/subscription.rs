//! Following one run: its event log, polled from the store. Polling (rather than an in-process
//! signal) is what lets a socket on one instance follow a run executing on another.

use std::time::Duration;

use app::App;
use domain::Principal;
use serde_json::Value;
use uuid::Uuid;

use super::frames;
use super::outbox::Outbox;

const POLL_EVERY: Duration = Duration::from_millis(250);
const BATCH: u32 = 100;

/// Streams the run's events as frames until it has finished (ending with `run.done`), the
/// connection goes away, or the run becomes unreadable.
pub(crate) async fn follow(app: App, caller: Principal, run_id: Uuid, outbox: Outbox) {
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
        tokio::time::sleep(POLL_EVERY).await;
    }
}
