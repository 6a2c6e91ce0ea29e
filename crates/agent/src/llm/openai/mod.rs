//! The adapter for servers that speak OpenAI's chat-completions protocol: OpenAI itself, LM Studio,
//! Ollama, vLLM, llama.cpp. Transient failures are retried with jittered backoff, and a circuit
//! breaker stops a failing provider from being hammered (and callers from waiting on it).

mod assemble;
mod breaker;
mod client;
mod config;
mod failure;
mod retry;
mod stream;
mod wire;

pub use client::OpenAiCompatible;
pub use config::OpenAiConfig;
