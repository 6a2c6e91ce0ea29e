//! A streamed answer on the wire: server-sent events, each `data:` a JSON chunk, ending with
//! `data: [DONE]`. Silence longer than the idle timeout is a failure, however long the whole
//! answer takes.

use std::collections::VecDeque;
use std::time::Duration;

use eventsource_stream::{Event, EventStreamError, Eventsource as _};
use futures::stream::BoxStream;
use futures::{StreamExt as _, TryStreamExt as _};

use super::assemble::Assembler;
use super::breaker::Permit;
use super::failure::{transport, truncate};
use super::wire::{self, WireChunk};
use crate::llm::{LlmError, LlmStream, StreamEvent};

type Events = BoxStream<'static, Result<Event, EventStreamError<reqwest::Error>>>;

pub(super) struct Live {
    events: Events,
    assembler: Assembler,
    ready: VecDeque<StreamEvent>,
    idle: Duration,
    ended: bool,
}

impl Live {
    pub fn new(resp: reqwest::Response, idle: Duration) -> Self {
        Self {
            events: resp.bytes_stream().eventsource().boxed(),
            assembler: Assembler::default(),
            ready: VecDeque::new(),
            idle,
            ended: false,
        }
    }

    /// A server that ignored `stream: true` and sent the whole answer as JSON: one `Done`.
    pub fn whole(body: &[u8]) -> Result<Self, LlmError> {
        let response = wire::decode(body)?;
        let mut live = Self {
            events: futures::stream::empty().boxed(),
            assembler: Assembler::default(),
            ready: VecDeque::new(),
            idle: Duration::ZERO,
            ended: true,
        };
        live.ready.push_back(StreamEvent::Done(response));
        Ok(live)
    }

    /// Reads until the first event is ready. Until then nothing has been handed to the caller,
    /// so a failure here can still be retried.
    pub async fn primed(mut self) -> Result<Self, LlmError> {
        self.fill().await?;
        Ok(self)
    }

    /// Hands the answer to the caller; the permit is settled by how the stream ends.
    pub fn into_stream(self, permit: Permit) -> LlmStream {
        let streaming = Streaming { live: self, permit: Some(permit) };
        futures::stream::unfold(streaming, |mut s| async move { s.next().await.map(|item| (item, s)) }).boxed()
    }

    /// Reads the wire until an event is ready or the answer has ended.
    async fn fill(&mut self) -> Result<(), LlmError> {
        while self.ready.is_empty() && !self.ended {
            let next = tokio::time::timeout(self.idle, self.events.try_next()).await.map_err(|_| {
                tracing::warn!(idle_ms = self.idle.as_millis(), "the language model's stream stalled");
                LlmError::Timeout
            })?;
            match next.map_err(event_error)? {
                Some(event) => self.on_data(&event.data)?,
                None => self.on_end()?,
            }
        }
        Ok(())
    }

    fn on_data(&mut self, data: &str) -> Result<(), LlmError> {
        if data.trim() == "[DONE]" {
            return self.complete();
        }
        let chunk: WireChunk = serde_json::from_str(data).map_err(|err| {
            tracing::warn!(error = %err, chunk = %truncate(data), "the language model streamed a chunk that is not JSON");
            LlmError::BadResponse
        })?;
        if let Some(text) = self.assembler.push(chunk)? {
            self.ready.push_back(StreamEvent::TextDelta(text));
        }
        Ok(())
    }

    /// The body ended without `[DONE]`: complete if the provider had said why it stopped,
    /// otherwise the answer was cut short.
    fn on_end(&mut self) -> Result<(), LlmError> {
        if self.assembler.has_finished() {
            return self.complete();
        }
        tracing::warn!("the language model's stream ended before the answer was complete");
        Err(LlmError::BadResponse)
    }

    fn complete(&mut self) -> Result<(), LlmError> {
        self.ended = true;
        let response = std::mem::take(&mut self.assembler).finish()?;
        self.ready.push_back(StreamEvent::Done(response));
        Ok(())
    }
}

fn event_error(err: EventStreamError<reqwest::Error>) -> LlmError {
    match err {
        EventStreamError::Transport(err) => transport(err),
        EventStreamError::Utf8(err) => {
            tracing::warn!(error = %err, "the language model streamed invalid UTF-8");
            LlmError::BadResponse
        }
        EventStreamError::Parser(err) => {
            tracing::warn!(error = %truncate(&err.to_string()), "the language model's stream is not server-sent events");
            LlmError::BadResponse
        }
    }
}

/// The caller's side: events in order, then `Done` or one `Err`, then nothing.
struct Streaming {
    live: Live,
    /// Taken when the final item is handed out, which is also what ends the stream.
    permit: Option<Permit>,
}

impl Streaming {
    async fn next(&mut self) -> Option<Result<StreamEvent, LlmError>> {
        let permit = self.permit.take()?;
        if let Err(error) = self.live.fill().await {
            permit.failed(&error);
            return Some(Err(error));
        }
        match self.live.ready.pop_front()? {
            StreamEvent::Done(response) => {
                permit.succeeded();
                Some(Ok(StreamEvent::Done(response)))
            }
            delta => {
                self.permit = Some(permit);
                Some(Ok(delta))
            }
        }
    }
}
