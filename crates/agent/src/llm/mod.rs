//! The language-model port: what an agent asks of a model, independent of any provider, and the
//! adapters that speak to real ones.

mod error;
mod message;
pub mod openai;
mod port;
mod request;

pub use error::LlmError;
pub use message::{ChatMessage, ChatRole, ToolCall};
pub use openai::{OpenAiCompatible, OpenAiConfig};
pub use port::{Llm, LlmStream};
pub use request::{ChatRequest, ChatResponse, StreamEvent, ToolSpec, Usage};
