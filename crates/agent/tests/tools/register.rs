use agent::tools::{RegistryError, ToolDef, ToolRegistry};
use serde_json::json;

use crate::search_items;

fn with_schema(parameters: serde_json::Value) -> ToolDef {
    ToolDef { parameters, ..search_items() }
}

#[test]
fn a_well_formed_tool_is_registered_and_found_by_name() {
    let mut registry = ToolRegistry::new();
    registry.register(search_items()).expect("register");
    assert_eq!(registry.get("search_items"), Some(&search_items()));
    assert_eq!(registry.get("update_price"), None);
}

#[test]
fn a_second_tool_with_the_same_name_is_refused_and_the_first_kept() {
    let mut registry = ToolRegistry::new();
    registry.register(search_items()).expect("register");
    let impostor = ToolDef { description: "another", ..search_items() };
    assert_eq!(registry.register(impostor), Err(RegistryError::Duplicate { name: "search_items" }));
    assert_eq!(registry.get("search_items").map(|d| d.description), Some("Search the catalog."));
}

#[test]
fn ill_formed_names_are_refused() {
    for name in ["", "Search", "search-items", "9lives", "_x", "x y", "ä"] {
        let mut registry = ToolRegistry::new();
        let def = ToolDef { name, ..search_items() };
        assert_eq!(registry.register(def), Err(RegistryError::BadName { name }), "{name:?}");
    }
    let long: &'static str = "a".repeat(65).leak();
    assert_eq!(
        ToolRegistry::new().register(ToolDef { name: long, ..search_items() }),
        Err(RegistryError::BadName { name: long })
    );
    let longest: &'static str = "a".repeat(64).leak();
    assert!(ToolRegistry::new().register(ToolDef { name: longest, ..search_items() }).is_ok());
}

#[test]
fn a_schema_that_does_not_compile_is_refused() {
    for schema in [
        json!({"type": "thing"}),
        json!({"type": 12}),
        json!({"type": "object", "properties": {"q": {"type": "string", "pattern": "("}}}),
        json!({"type": "object", "required": "q"}),
        json!({"type": "object", "minProperties": -1}),
    ] {
        let err = ToolRegistry::new().register(with_schema(schema.clone())).expect_err(&schema.to_string());
        assert!(matches!(err, RegistryError::BadSchema { name: "search_items", .. }), "{schema}: {err:?}");
    }
}

#[test]
fn a_schema_that_is_not_an_object_is_refused() {
    for schema in [json!(true), json!(false), json!("object"), json!(null)] {
        let err = ToolRegistry::new().register(with_schema(schema.clone())).expect_err(&schema.to_string());
        assert!(matches!(err, RegistryError::BadSchema { .. }), "{schema}");
    }
}

#[test]
fn a_schema_referring_outside_itself_is_refused_never_fetched() {
    for target in ["https://example.com/schema.json", "http://127.0.0.1:1/x.json", "file:///etc/passwd"] {
        let schema = json!({"type": "object", "properties": {"q": {"$ref": target}}});
        let err = ToolRegistry::new().register(with_schema(schema)).expect_err(target);
        assert!(matches!(err, RegistryError::BadSchema { .. }), "{target}");
    }
}

#[test]
fn local_references_inside_the_schema_are_fine() {
    let schema = json!({
        "type": "object",
        "$defs": {"sku": {"type": "string"}},
        "properties": {"q": {"$ref": "#/$defs/sku"}}
    });
    let mut registry = ToolRegistry::new();
    registry.register(with_schema(schema)).expect("register");
    assert!(registry.validate(domain::Role::Staff, "search_items", r#"{"q":"x"}"#).is_ok());
    assert!(registry.validate(domain::Role::Staff, "search_items", r#"{"q":1}"#).is_err());
}

#[test]
fn the_registry_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<ToolRegistry>();
}
