//! The registry: every tool, its compiled schema, and the checks a call passes before it may run.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use domain::Role;
use jsonschema::{Draft, Validator};
use serde_json::Value;

use super::{ArgsHash, CallError, Effect, RegistryError, ToolDef, name, reasons};
use crate::llm::ToolSpec;

/// Larger arguments are refused before they are parsed: no tool of ours needs more, and a model
/// looping on output should not cost us a large parse.
pub const MAX_ARGUMENTS_BYTES: usize = 64 * 1024;

/// A call that passed every check: known tool, permitted role, arguments within the schema.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedCall {
    pub tool: &'static str,
    pub effect: Effect,
    pub arguments: Value,
    pub args_hash: ArgsHash,
}

struct Entry {
    def: ToolDef,
    validator: Validator,
    /// Names the schema declares; see `reasons`.
    declared: BTreeSet<String>,
}

/// Built once at start-up and then only read, so it can be shared freely.
#[derive(Default)]
pub struct ToolRegistry {
    // Ordered, so tool lists sent to the model are stable (and cache-friendly) from call to call.
    tools: BTreeMap<&'static str, Entry>,
}

impl ToolRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Refuses a duplicate name, a name not matching `^[a-z][a-z0-9_]{0,63}$`, or a schema that
    /// does not compile. Schemas are compiled offline: a `$ref` to anything outside the schema
    /// itself is refused, never fetched.
    pub fn register(&mut self, def: ToolDef) -> Result<(), RegistryError> {
        let name = def.name;
        if !name::is_valid(name) {
            return Err(RegistryError::BadName { name });
        }
        if self.tools.contains_key(name) {
            return Err(RegistryError::Duplicate { name });
        }
        let validator = compile(&def.parameters).map_err(|reason| RegistryError::BadSchema { name, reason })?;
        let declared = reasons::declared_names(&def.parameters);
        self.tools.insert(name, Entry { def, validator, declared });
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&ToolDef> {
        self.tools.get(name).map(|entry| &entry.def)
    }

    /// The tools `role` may use, as LLM tool specs, sorted by name. A tool the caller may not use
    /// is not offered to the model at all.
    pub fn specs_for(&self, role: Role) -> Vec<ToolSpec> {
        self.tools
            .values()
            .filter(|entry| role.at_least(entry.def.min_role))
            .map(|entry| ToolSpec {
                name: entry.def.name.to_owned(),
                description: entry.def.description.to_owned(),
                parameters: entry.def.parameters.clone(),
            })
            .collect()
    }

    /// Parses `arguments` (raw JSON text from the model, at most 64 KiB) and validates it against
    /// the tool's schema; checks the caller's role first, so a forbidden call costs no parsing.
    pub fn validate(&self, caller_role: Role, name: &str, arguments: &str) -> Result<ValidatedCall, CallError> {
        let entry = self.tools.get(name).ok_or(CallError::UnknownTool)?;
        let def = &entry.def;
        if !caller_role.at_least(def.min_role) {
            return Err(CallError::Forbidden { required: def.min_role });
        }
        if arguments.len() > MAX_ARGUMENTS_BYTES {
            return Err(CallError::TooLarge);
        }
        let value: Value = serde_json::from_str(arguments).map_err(|_| CallError::NotJson)?;
        let failures: Vec<String> = entry
            .validator
            .iter_errors(&value)
            .take(reasons::MAX_REASONS)
            .map(|error| reasons::describe(&error, &entry.declared))
            .collect();
        if !failures.is_empty() {
            return Err(CallError::Invalid { reasons: failures });
        }
        Ok(ValidatedCall {
            tool: def.name,
            effect: def.effect,
            args_hash: ArgsHash::of(def.name, &value),
            arguments: value,
        })
    }
}

fn compile(schema: &Value) -> Result<Validator, String> {
    // Providers expect an object schema for function parameters; `true`/`false` would compile
    // but describe nothing a model can fill in.
    if !schema.is_object() {
        return Err("the schema must be a JSON object".to_owned());
    }
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .offline()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| e.to_string())
}

impl fmt::Debug for ToolRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToolRegistry").field("tools", &self.tools.keys().collect::<Vec<_>>()).finish()
    }
}
