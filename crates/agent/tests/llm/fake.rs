//! A fake OpenAI-compatible server: a real axum server on 127.0.0.1:0 that answers from a script,
//! one reply per request in order, and records every request it received.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use futures::StreamExt as _;
use serde_json::{Value, json};

/// One scripted answer.
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    /// Before anything, headers included, is sent.
    delay: Duration,
    body: ReplyBody,
}

enum ReplyBody {
    Whole(String),
    /// Pieces of an event stream, each sent after its pause.
    Chunks {
        pieces: Vec<(Duration, String)>,
        pause: Duration,
    },
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Self {
        Self::text(status, &body.to_string()).header("content-type", "application/json")
    }

    pub fn text(status: u16, body: &str) -> Self {
        Self { status, headers: Vec::new(), delay: Duration::ZERO, body: ReplyBody::Whole(body.to_owned()) }
    }

    /// A 200 chat completion answering `text`.
    pub fn completion(text: &str) -> Self {
        Self::json(
            200,
            json!({
                "id": "chatcmpl-1", "object": "chat.completion", "model": "test-model",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10}
            }),
        )
    }

    /// An empty event stream; add to it with `data`, `raw`, `pause` and `done`.
    pub fn sse() -> Self {
        Self {
            status: 200,
            headers: vec![("content-type".into(), "text/event-stream".into())],
            delay: Duration::ZERO,
            body: ReplyBody::Chunks { pieces: Vec::new(), pause: Duration::ZERO },
        }
    }

    /// `data: <json>` as one event.
    pub fn data(self, chunk: Value) -> Self {
        self.raw(&format!("data: {chunk}\n\n"))
    }

    pub fn done(self) -> Self {
        self.raw("data: [DONE]\n\n")
    }

    /// Bytes exactly as given, after any pending pause.
    pub fn raw(mut self, text: &str) -> Self {
        if let ReplyBody::Chunks { pieces, pause } = &mut self.body {
            pieces.push((std::mem::take(pause), text.to_owned()));
        }
        self
    }

    /// Waits this long before sending the next piece of the stream.
    pub fn pause(mut self, wait: Duration) -> Self {
        if let ReplyBody::Chunks { pause, .. } = &mut self.body {
            *pause += wait;
        }
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn delayed(mut self, wait: Duration) -> Self {
        self.delay = wait;
        self
    }

    fn into_response(self) -> Response {
        let body = match self.body {
            ReplyBody::Whole(text) => Body::from(text),
            ReplyBody::Chunks { mut pieces, pause } => {
                if !pause.is_zero() {
                    // A trailing pause: hold the connection open, then end.
                    pieces.push((pause, String::new()));
                }
                Body::from_stream(futures::stream::iter(pieces).then(|(wait, text)| async move {
                    tokio::time::sleep(wait).await;
                    Ok::<_, Infallible>(text)
                }))
            }
        };
        let mut response = Response::new(body);
        *response.status_mut() = StatusCode::from_u16(self.status).expect("a valid status");
        for (name, value) in self.headers {
            response.headers_mut().insert(
                HeaderName::try_from(name).expect("a valid header name"),
                HeaderValue::try_from(value).expect("a valid header value"),
            );
        }
        response
    }
}

/// What the fake received, for the test to inspect.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    /// Lower-case names.
    pub headers: HashMap<String, String>,
    /// `Value::Null` when the body was not JSON.
    pub body: Value,
}

#[derive(Clone, Default)]
struct Shared {
    script: Arc<Mutex<VecDeque<Reply>>>,
    received: Arc<Mutex<Vec<Received>>>,
}

pub struct Fake {
    /// What an adapter is configured with: `http://127.0.0.1:PORT/v1`.
    pub base_url: String,
    shared: Shared,
}

impl Fake {
    /// Serves until the test's runtime shuts down.
    pub async fn start() -> Self {
        let shared = Shared::default();
        let router = Router::new().fallback(answer).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move { axum::serve(listener, router).await.expect("fake server") });
        Self { base_url: format!("http://{addr}/v1"), shared }
    }

    /// Starts with these replies queued.
    pub async fn with(replies: impl IntoIterator<Item = Reply>) -> Self {
        let fake = Self::start().await;
        fake.script(replies);
        fake
    }

    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.shared.script.lock().expect("script").extend(replies);
    }

    pub fn calls(&self) -> usize {
        self.shared.received.lock().expect("received").len()
    }

    pub fn requests(&self) -> Vec<Received> {
        self.shared.received.lock().expect("received").clone()
    }
}

async fn answer(State(shared): State<Shared>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let received = Received {
        method: method.to_string(),
        path: uri.path().to_owned(),
        headers: headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect(),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    };
    shared.received.lock().expect("received").push(received);
    let next = shared.script.lock().expect("script").pop_front();
    // Unscripted requests get a 4xx, which the adapter does not retry, so the count stays obvious.
    let reply = next.unwrap_or_else(|| Reply::text(418, "the fake has no reply scripted for this request"));
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    reply.into_response()
}
