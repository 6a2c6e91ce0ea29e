//! Agents. For now: the `Llm` port and its OpenAI-compatible adapter.

pub mod llm;
