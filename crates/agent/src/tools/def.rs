//! What a tool is, as the code that provides it declares it.

use serde::Serialize;

/// Whether running a tool changes anything. Writes asked for by the model need an approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Read,
    Write,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ToolDef {
    /// `^[a-z][a-z0-9_]{0,63}$`: what every provider accepts as a function name.
    pub name: &'static str,
    /// Shown to the model; write it for the model.
    pub description: &'static str,
    /// JSON Schema (draft 2020-12) of the arguments object.
    pub parameters: serde_json::Value,
    /// The least role that may use the tool, whoever asks for it (the model acting for a person,
    /// or the person directly).
    pub min_role: domain::Role,
    pub effect: Effect,
}
