//! One authenticated socket. A single task owns it and selects over: shutdown, a reason to close,
//! frames queued for the client, frames from the client, the ping timer and the idle deadline.
//! Subscriptions run as tasks of their own and only ever queue frames, so a slow database read
//! never delays a `pong` and a dropped connection aborts every subscription with it.

use std::time::Duration;

use app::App;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use domain::{ErrorCode, Principal};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;
use uuid::Uuid;

use super::frames::{self, ClientFrame};
use super::limits::{FRAME_BURST, FRAMES_PER_SECOND, IDLE_TIMEOUT, PING_EVERY, Slot, TokenBucket};
use super::outbox::{self, Close, Outbox};
use super::subscription;

/// Runs followed at once on one socket.
pub(crate) const MAX_SUBSCRIPTIONS: usize = 16;
/// A client that does not take a frame off the wire within this long is treated as gone.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a closing socket waits for the client's close reply.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

pub(crate) struct Connection {
    pub app: App,
    pub caller: Principal,
    pub request_id: String,
    pub stopped: watch::Receiver<bool>,
    /// Held for the socket's lifetime: the per-principal cap counts it until it ends.
    pub slot: Slot,
}

struct Session {
    app: App,
    caller: Principal,
    outbox: Outbox,
    subscriptions: JoinSet<()>,
    /// Sessions followed here: their replies arrive through the subscription, also for this
    /// socket's own `chat.send`, so they are not sent twice.
    followed_sessions: std::collections::HashSet<Uuid>,
    /// The credential guard, aborted with the socket.
    _guard: tokio::task::JoinSet<()>,
}

/// Resolves when the server begins shutting down; never when there is no server to stop it.
async fn shutdown(mut stopped: watch::Receiver<bool>) {
    if stopped.wait_for(|s| *s).await.is_err() {
        std::future::pending::<()>().await;
    }
}

pub(crate) async fn run(mut socket: WebSocket, connection: Connection) {
    let Connection { app, caller, request_id, stopped, slot } = connection;
    let (outbox, mut inbox) = Outbox::new(request_id.clone());
    let mut guard = JoinSet::new();
    guard.spawn(subscription::guard(app.clone(), caller.clone(), outbox.clone()));
    let mut session = Session {
        app,
        caller,
        outbox,
        subscriptions: JoinSet::new(),
        followed_sessions: Default::default(),
        _guard: guard,
    };
    let mut bucket = TokenBucket::new(FRAMES_PER_SECOND, FRAME_BURST);
    let stopping = shutdown(stopped);
    tokio::pin!(stopping);
    let idle = tokio::time::sleep(IDLE_TIMEOUT);
    tokio::pin!(idle);
    let mut ping = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);

    let close = loop {
        tokio::select! {
            // Closing and draining come first: queued frames go out before more are read.
            biased;
            () = &mut stopping => break Some(outbox::SHUTTING_DOWN),
            Some(close) = inbox.close.recv() => break Some(close),
            Some(frame) = inbox.frames.recv() => {
                if !send(&mut socket, frame).await {
                    break None;
                }
            }
            incoming = socket.recv() => match incoming {
                None | Some(Ok(Message::Close(_))) => break None,
                Some(Err(err)) => {
                    // Over the size limit (or a protocol error): the reader's state is no longer
                    // trustworthy, so say why and close rather than carry on.
                    tracing::debug!(error = %err, "websocket read failed");
                    let refusal = frames::error(frames::FRAME_TOO_LARGE, "a frame may have at most 64 KiB", &request_id);
                    let _ = send(&mut socket, Message::Text(refusal.to_string().into())).await;
                    break Some(outbox::TOO_BIG);
                }
                Some(Ok(message)) => {
                    idle.as_mut().reset(Instant::now() + IDLE_TIMEOUT);
                    if !bucket.take(std::time::Instant::now()) {
                        break Some(outbox::FLOODING);
                    }
                    match message {
                        Message::Text(text) => session.handle(text.as_str()).await,
                        Message::Binary(_) => {
                            session.outbox.error(frames::MALFORMED_FRAME, "frames are JSON text");
                        }
                        // Pings are answered by the protocol layer; pongs only prove liveness.
                        Message::Ping(_) | Message::Pong(_) | Message::Close(_) => {}
                    }
                }
            },
            _ = ping.tick() => {
                if !send(&mut socket, Message::Ping(Default::default())).await {
                    break None;
                }
            }
            () = &mut idle => break Some(outbox::IDLE),
        }
    };
    if let Some(Close { code, reason }) = close {
        let frame = CloseFrame { code, reason: reason.into() };
        if send(&mut socket, Message::Close(Some(frame))).await {
            // Wait briefly for the client's reply: dropping a socket with unread input makes the
            // kernel reset it, and a reset can destroy the close frame before the client reads it.
            let _ = tokio::time::timeout(CLOSE_GRACE, async {
                while let Some(Ok(message)) = socket.recv().await {
                    if matches!(message, Message::Close(_)) {
                        break;
                    }
                }
            })
            .await;
        }
    }
    // Dropping the session aborts its subscriptions; dropping the slot frees the principal's place.
    drop(session);
    drop(slot);
}

async fn send(socket: &mut WebSocket, message: Message) -> bool {
    matches!(tokio::time::timeout(SEND_TIMEOUT, socket.send(message)).await, Ok(Ok(())))
}

impl Session {
    async fn handle(&mut self, text: &str) {
        let frame = match frames::parse(text) {
            Ok(frame) => frame,
            Err(refusal) => {
                self.outbox.error(refusal.code, refusal.message);
                return;
            }
        };
        let outcome = match frame {
            ClientFrame::Ping {} => {
                self.outbox.push(frames::pong());
                Ok(())
            }
            ClientFrame::Subscribe { run_id: Some(run_id), .. } => self.subscribe(run_id).await,
            ClientFrame::Subscribe { session_id: Some(session_id), .. } => self.follow_session(session_id).await,
            ClientFrame::Subscribe { .. } => Ok(()),
            ClientFrame::RunStart { task, input, upload_ids } => {
                crate::routes::start_run(&self.app, &self.caller, &task, input, upload_ids, None).await.map(|run| {
                    // The acknowledgement: a progress frame at 0 of 0 noted "queued", carrying the
                    // new run's id so the client can `subscribe` to it.
                    self.outbox.push(frames::progress(run.id, &0.into(), &0.into(), &"queued".into()));
                })
            }
            // Success is silent for resume and cancel: a subscription reports what follows.
            ClientFrame::RunResume { run_id, answer } => {
                self.app.runs.resume(&self.caller, run_id, answer).await.map(drop)
            }
            ClientFrame::RunCancel { run_id } => self.app.runs.cancel(&self.caller, run_id).await.map(drop),
            ClientFrame::ChatSend { session_id, content, upload_ids } => {
                self.chat(session_id, &content, upload_ids).await
            }
        };
        if let Err(err) = outcome {
            super::report(&self.outbox, &err);
        }
    }

    /// Answers in the session: the reply as `message.delta` frames, then `message.done`.
    async fn chat(&mut self, session_id: Uuid, content: &str, upload_ids: Option<Vec<Uuid>>) -> domain::Result<()> {
        let uploads = upload_ids.unwrap_or_default();
        if uploads.len() > 20 {
            return Err(domain::Error::validation("at most 20 uploads per message"));
        }
        for upload in uploads {
            self.app.uploads.get(&self.caller, upload).await?;
        }
        let pending = self.app.chat.begin(&self.caller, session_id, content).await?;
        // Deltas go to the outbox as the model writes them; the outbox's own bound drops a client
        // too slow to read them. A followed session gets them through its subscription instead.
        let followed = self.followed_sessions.contains(&session_id);
        let (deltas, mut received) = tokio::sync::mpsc::channel::<String>(32);
        let outbox = self.outbox.clone();
        let forward = tokio::spawn(async move {
            while let Some(text) = received.recv().await {
                if !followed {
                    outbox.push(frames::message_delta(session_id, &text));
                }
            }
        });
        let turn = pending.finish(Some(&deltas)).await;
        drop(deltas);
        let _ = forward.await;
        let turn = turn?;
        if !followed {
            self.outbox.push(frames::message_done(session_id, &(&turn).into()));
        }
        Ok(())
    }

    async fn follow_session(&mut self, session_id: Uuid) -> domain::Result<()> {
        while self.subscriptions.try_join_next().is_some() {}
        if self.followed_sessions.contains(&session_id) {
            return Ok(());
        }
        if self.subscriptions.len() >= MAX_SUBSCRIPTIONS {
            return Err(domain::Error::new(
                ErrorCode::RateLimited,
                format!("at most {MAX_SUBSCRIPTIONS} runs or sessions can be followed on one connection"),
            ));
        }
        // Another user's session answers `not_found`, like a missing one.
        let replies = self.app.chat.follow(&self.caller, session_id).await?;
        self.followed_sessions.insert(session_id);
        self.subscriptions.spawn(subscription::follow_session(replies, session_id, self.outbox.clone()));
        Ok(())
    }

    async fn subscribe(&mut self, run_id: Uuid) -> domain::Result<()> {
        // Finished subscriptions leave the set here, so only live ones count against the cap.
        while self.subscriptions.try_join_next().is_some() {}
        if self.subscriptions.len() >= MAX_SUBSCRIPTIONS {
            return Err(domain::Error::new(
                ErrorCode::RateLimited,
                format!("at most {MAX_SUBSCRIPTIONS} runs can be followed on one connection"),
            ));
        }
        // Checked up front so another user's run answers `not_found` at once.
        self.app.runs.get(&self.caller, run_id).await?;
        let task = subscription::follow(self.app.clone(), self.caller.clone(), run_id, self.outbox.clone());
        self.subscriptions.spawn(task);
        Ok(())
    }
}
