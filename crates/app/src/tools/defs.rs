//! The tools the assistant may call: what each takes (a JSON schema), who may use it, and whether
//! it changes data. A write runs only after a person's approval bound to its exact arguments.

use agent::tools::{Effect, ToolDef, ToolRegistry};
use domain::Role;
use serde_json::json;

fn item_ref() -> serde_json::Value {
    json!({"type": "string", "minLength": 1, "maxLength": 256})
}

fn quantity() -> serde_json::Value {
    json!({"anyOf": [{"type": "integer", "minimum": 1, "maximum": 1000000},
                     {"type": "string", "pattern": "^[0-9]{1,7}(\\.[0-9]{1,3})?$"}]})
}

fn code() -> serde_json::Value {
    json!({"type": "string", "minLength": 1, "maxLength": 64})
}

pub fn registry() -> ToolRegistry {
    let defs = [
        ToolDef {
            name: "search_items",
            description: "Find catalog items matching loosely written text; returns candidates with a confidence.",
            parameters: json!({"type": "object", "properties": {"q": item_ref(),
                "limit": {"type": "integer", "minimum": 1, "maximum": 20}},
                "required": ["q"], "additionalProperties": false}),
            min_role: Role::Staff,
            effect: Effect::Read,
        },
        ToolDef {
            name: "get_price",
            description: "The current price of an item (by SKU or text) for a customer or a price list.",
            parameters: json!({"type": "object", "properties": {"q": item_ref(), "sku": code(), "customer": code(),
                "price_list": code()}, "anyOf": [{"required": ["q"]}, {"required": ["sku"]}],
                "additionalProperties": false}),
            min_role: Role::Staff,
            effect: Effect::Read,
        },
        ToolDef {
            name: "sales_report",
            description: "Sales totals over a date range grouped by day, customer, item or salesperson.",
            parameters: json!({"type": "object", "properties": {
                "from": {"type": "string", "format": "date", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"},
                "to": {"type": "string", "format": "date", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"},
                "group_by": {"enum": ["day", "customer", "item", "salesperson"]}},
                "required": ["from", "to", "group_by"], "additionalProperties": false}),
            min_role: Role::Staff,
            effect: Effect::Read,
        },
        ToolDef {
            name: "register_oos",
            description: "Register an out-of-stock request of a customer for an item (adds to today's open one).",
            parameters: json!({"type": "object", "properties": {"q": item_ref(), "sku": code(), "customer": code(),
                "quantity": quantity(), "unit": {"type": "string", "maxLength": 16},
                "note": {"type": "string", "maxLength": 500}},
                "required": ["customer", "quantity"], "anyOf": [{"required": ["q"]}, {"required": ["sku"]}],
                "additionalProperties": false}),
            min_role: Role::Staff,
            effect: Effect::Write,
        },
        ToolDef {
            name: "update_price",
            description: "Change the price of an item in a price list from a date (managers only).",
            parameters: json!({"type": "object", "properties": {"price_list": code(), "sku": code(),
                "price": {"type": "string", "pattern": "^[0-9]{1,14}(\\.[0-9]{1,4})?$"},
                "effective_from": {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"},
                "version": {"type": "integer", "minimum": 1}},
                "required": ["price_list", "sku", "price"], "additionalProperties": false}),
            min_role: Role::Manager,
            effect: Effect::Write,
        },
        ToolDef {
            name: "process_order",
            description: "Start processing a customer's order given as lines of text; returns the Work run's id.",
            parameters: json!({"type": "object", "properties": {"customer": code(),
                "text": {"type": "string", "minLength": 1, "maxLength": 200000}},
                "required": ["customer", "text"], "additionalProperties": false}),
            min_role: Role::Staff,
            effect: Effect::Write,
        },
    ];
    let mut registry = ToolRegistry::new();
    for def in defs {
        // Our own definitions: a mistake in one is a bug found by the test suite at once.
        registry.register(def).unwrap_or_else(|e| panic!("tool definition rejected: {e}"));
    }
    registry
}
