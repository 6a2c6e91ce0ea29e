//! The tool registry through its public API: registration rules, what each role is offered, and
//! every way a model's call is accepted or refused.

mod register;
mod specs;
mod untrusted;
mod validate;

use agent::tools::{Effect, ToolDef, ToolRegistry};
use domain::Role;
use serde_json::json;

/// A read tool for everyone.
pub fn search_items() -> ToolDef {
    ToolDef {
        name: "search_items",
        description: "Search the catalog.",
        parameters: json!({
            "type": "object",
            "properties": {
                "q": {"type": "string", "minLength": 1, "maxLength": 100},
                "limit": {"type": "integer", "minimum": 1, "maximum": 50}
            },
            "required": ["q"],
            "additionalProperties": false
        }),
        min_role: Role::Staff,
        effect: Effect::Read,
    }
}

/// A write tool for managers.
pub fn update_price() -> ToolDef {
    ToolDef {
        name: "update_price",
        description: "Change one price.",
        parameters: json!({
            "type": "object",
            "properties": {
                "price_list": {"type": "string", "enum": ["default", "wholesale"]},
                "sku": {"type": "string", "pattern": "^[A-Z0-9-]{1,32}$"},
                "price": {"type": "string"},
                "note": {"type": "string", "maxLength": 10}
            },
            "required": ["price_list", "sku", "price"],
            "additionalProperties": false
        }),
        min_role: Role::Manager,
        effect: Effect::Write,
    }
}

/// An admin-only tool.
pub fn purge_cache() -> ToolDef {
    ToolDef {
        name: "purge_cache",
        description: "Drop cached data.",
        parameters: json!({"type": "object", "additionalProperties": false}),
        min_role: Role::Admin,
        effect: Effect::Write,
    }
}

pub fn registry() -> ToolRegistry {
    let mut registry = ToolRegistry::new();
    // Registered out of name order on purpose: listings must sort.
    for def in [update_price(), search_items(), purge_cache()] {
        registry.register(def).expect("register");
    }
    registry
}
