//! The adapter itself: one HTTP client, the retry policy and the breaker around each call.

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderValue};

use super::breaker::Breaker;
use super::config::OpenAiConfig;
use super::failure::{check_status, transport};
use super::retry::{Failed, RetryPolicy};
use super::stream::Live;
use super::wire;
use crate::llm::{ChatRequest, ChatResponse, Llm, LlmError, LlmStream};

pub struct OpenAiCompatible {
    http: reqwest::Client,
    config: OpenAiConfig,
    endpoint: String,
    retry: RetryPolicy,
    breaker: Arc<Breaker>,
}

impl OpenAiCompatible {
    /// Fails (logged) when the base URL is not an http(s) URL or no HTTP client can be built; there
    /// is no provider to talk to either way, so the error is `Unavailable`.
    pub fn new(config: OpenAiConfig) -> Result<Self, LlmError> {
        let endpoint = config.endpoint();
        match reqwest::Url::parse(&endpoint) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {}
            _ => {
                tracing::warn!(base_url = %config.base_url, "the language model's base URL is not an http(s) URL");
                return Err(LlmError::Unavailable);
            }
        }
        let http = reqwest::Client::builder().connect_timeout(config.connect_timeout).build().map_err(|err| {
            tracing::warn!(error = %err, "could not build the HTTP client for the language model");
            LlmError::Unavailable
        })?;
        Ok(Self {
            http,
            endpoint,
            retry: RetryPolicy::from_config(&config),
            breaker: Breaker::new(config.breaker_threshold, config.breaker_cooldown),
            config,
        })
    }

    async fn post(&self, body: &Bytes) -> Result<reqwest::Response, Failed> {
        let mut request = self
            .http
            .post(&self.endpoint)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(body.clone());
        if let Some(key) = &self.config.api_key {
            request = request.bearer_auth(key);
        }
        let resp = request.send().await.map_err(|err| Failed::from(transport(err)))?;
        check_status(resp).await
    }

    /// One non-streamed attempt, bounded as a whole by the request timeout.
    async fn complete_once(&self, body: &Bytes) -> Result<ChatResponse, Failed> {
        let attempt = async {
            let resp = self.post(body).await?;
            let bytes = resp.bytes().await.map_err(transport)?;
            Ok(wire::decode(&bytes)?)
        };
        tokio::time::timeout(self.config.request_timeout, attempt).await.unwrap_or_else(|_| {
            tracing::warn!(timeout_ms = self.config.request_timeout.as_millis(), "the language model timed out");
            Err(LlmError::Timeout.into())
        })
    }

    /// One streamed attempt, up to its first event.
    async fn stream_once(&self, body: &Bytes) -> Result<Live, Failed> {
        let idle = self.config.stream_idle_timeout;
        let opened = async {
            let resp = self.post(body).await?;
            if is_json(&resp) {
                let bytes = resp.bytes().await.map_err(transport)?;
                return Ok(Opened::Whole(bytes));
            }
            Ok::<_, Failed>(Opened::Events(resp))
        };
        let opened = tokio::time::timeout(idle, opened).await.unwrap_or_else(|_| {
            tracing::warn!(idle_ms = idle.as_millis(), "the language model did not start answering");
            Err(LlmError::Timeout.into())
        })?;
        match opened {
            Opened::Events(resp) => Ok(Live::new(resp, idle).primed().await?),
            Opened::Whole(body) => Ok(Live::whole(&body)?),
        }
    }
}

/// How a streamed request was answered.
enum Opened {
    Events(reqwest::Response),
    /// Some servers ignore `stream: true` and answer in one JSON document.
    Whole(Bytes),
}

fn is_json(resp: &reqwest::Response) -> bool {
    resp.headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().starts_with("application/json"))
}

#[async_trait]
impl Llm for OpenAiCompatible {
    async fn chat(&self, req: &ChatRequest) -> Result<ChatResponse, LlmError> {
        let permit = self.breaker.admit()?;
        let body = &Bytes::from(wire::encode(&self.config.model, req, false));
        let outcome = self.retry.run(|| self.complete_once(body)).await;
        permit.settle(&outcome);
        outcome
    }

    async fn chat_stream(&self, req: &ChatRequest) -> Result<LlmStream, LlmError> {
        let permit = self.breaker.admit()?;
        let body = &Bytes::from(wire::encode(&self.config.model, req, true));
        match self.retry.run(|| self.stream_once(body)).await {
            Ok(live) => Ok(live.into_stream(permit)),
            Err(error) => {
                permit.failed(&error);
                Err(error)
            }
        }
    }
}
