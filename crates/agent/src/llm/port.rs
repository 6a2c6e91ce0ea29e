//! The port agents call. Adapters (OpenAI-compatible servers today) implement it; tests can
//! implement it with a script.

use async_trait::async_trait;
use futures::stream::BoxStream;

use super::error::LlmError;
use super::request::{ChatRequest, ChatResponse, StreamEvent};

/// A started answer: `TextDelta`s, then exactly one `Done`, or an `Err` that ends it early.
pub type LlmStream = BoxStream<'static, Result<StreamEvent, LlmError>>;

#[async_trait]
pub trait Llm: Send + Sync {
    /// The whole answer at once.
    async fn chat(&self, req: &ChatRequest) -> Result<ChatResponse, LlmError>;

    /// The answer as it is generated. An `Err` here means nothing was streamed; once the stream
    /// is returned, a failure arrives as its last item.
    async fn chat_stream(&self, req: &ChatRequest) -> Result<LlmStream, LlmError>;
}
