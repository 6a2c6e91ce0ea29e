use agent::tools::{ArgsHash, CallError, Effect, MAX_ARGUMENTS_BYTES};
use domain::Role;
use serde_json::json;

use crate::registry;

fn invalid_reasons(result: Result<agent::tools::ValidatedCall, CallError>) -> Vec<String> {
    match result {
        Err(CallError::Invalid { reasons }) => reasons,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn a_valid_call_is_accepted_with_its_parsed_arguments_and_hash() {
    let call = registry().validate(Role::Staff, "search_items", r#" {"q": "aqua", "limit": 5} "#).expect("valid");
    assert_eq!(call.tool, "search_items");
    assert_eq!(call.effect, Effect::Read);
    assert_eq!(call.arguments, json!({"q": "aqua", "limit": 5}));
    assert_eq!(call.args_hash, ArgsHash::of("search_items", &json!({"limit": 5, "q": "aqua"})));
}

#[test]
fn key_order_and_spacing_do_not_change_the_hash_but_a_value_does() {
    let registry = registry();
    let hash = |args: &str| registry.validate(Role::Manager, "update_price", args).expect(args).args_hash;
    let base = hash(r#"{"price_list":"default","sku":"AQ-600","price":"4500"}"#);
    assert_eq!(base, hash(r#"{ "price" : "4500", "sku" : "AQ-600", "price_list" : "default" }"#));
    assert_ne!(base, hash(r#"{"price_list":"default","sku":"AQ-600","price":"4501"}"#));
    assert_ne!(base, hash(r#"{"price_list":"wholesale","sku":"AQ-600","price":"4500"}"#));
}

#[test]
fn a_wrong_type_is_refused_naming_the_place_and_the_expected_type() {
    let reasons = invalid_reasons(registry().validate(Role::Staff, "search_items", r#"{"q": "x", "limit": "5"}"#));
    assert_eq!(reasons, ["`/limit` must be of type integer"]);
}

#[test]
fn a_missing_required_property_is_refused_naming_it() {
    let reasons = invalid_reasons(registry().validate(Role::Staff, "search_items", r#"{"limit": 5}"#));
    assert_eq!(reasons, ["the top level is missing the required property `q`"]);
}

#[test]
fn an_undeclared_property_is_refused_without_naming_it() {
    let reasons = invalid_reasons(registry().validate(Role::Staff, "search_items", r#"{"q": "x", "extra": 1}"#));
    assert_eq!(reasons, ["the top level has 1 property the schema does not allow"]);
}

#[test]
fn limits_from_the_schema_are_stated() {
    let reasons = invalid_reasons(registry().validate(Role::Staff, "search_items", r#"{"q": "", "limit": 500}"#));
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons.contains(&"`/q` must be at least 1 characters long".to_owned()), "{reasons:?}");
    assert!(reasons.contains(&"`/limit` must be at most 50".to_owned()), "{reasons:?}");
}

#[test]
fn at_most_five_reasons_of_at_most_200_characters_are_given() {
    let args = json!({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "q": 1, "limit": "x"}).to_string();
    let reasons = invalid_reasons(registry().validate(Role::Staff, "search_items", &args));
    assert!(!reasons.is_empty() && reasons.len() <= 5, "{reasons:?}");
    assert!(reasons.iter().all(|r| r.chars().count() <= 200), "{reasons:?}");
}

#[test]
fn text_that_is_not_json_is_refused() {
    for text in ["", "   ", "{", r#"{"q": "x"} trailing"#, "{'q': 'x'}", "undefined", r#"{"q": "x",}"#] {
        let err = registry().validate(Role::Staff, "search_items", text).expect_err(text);
        assert_eq!(err, CallError::NotJson, "{text:?}");
        assert_eq!(err.code(), "tool_arguments_not_json");
    }
}

#[test]
fn json_that_is_not_an_object_is_invalid() {
    let reasons = invalid_reasons(registry().validate(Role::Staff, "search_items", "[1, 2]"));
    assert_eq!(reasons, ["the top level must be of type object"]);
}

#[test]
fn arguments_over_64_kib_are_refused_before_parsing() {
    let filler = "a".repeat(MAX_ARGUMENTS_BYTES);
    let args = format!(r#"{{"q": "{filler}"}}"#);
    let err = registry().validate(Role::Staff, "search_items", &args).expect_err("too large");
    assert_eq!(err, CallError::TooLarge);
    assert_eq!(err.code(), "tool_arguments_too_large");
    // Not even JSON: size is checked first.
    assert_eq!(registry().validate(Role::Staff, "search_items", &filler.repeat(2)), Err(CallError::TooLarge));
}

#[test]
fn exactly_64_kib_is_still_accepted_for_parsing() {
    let overhead = r#"{"q":"","limit":1}"#.len();
    let args = format!(r#"{{"q":"","limit":1{}}}"#, " ".repeat(MAX_ARGUMENTS_BYTES - overhead));
    assert_eq!(args.len(), MAX_ARGUMENTS_BYTES);
    // Parsed and validated (and refused for the empty `q`), not refused for size.
    assert!(matches!(registry().validate(Role::Staff, "search_items", &args), Err(CallError::Invalid { .. })));
}

#[test]
fn an_unknown_tool_is_refused() {
    let err = registry().validate(Role::Admin, "drop_tables", "{}").expect_err("unknown");
    assert_eq!(err, CallError::UnknownTool);
    assert_eq!(err.code(), "tool_unknown");
}

#[test]
fn staff_calling_a_manager_tool_is_forbidden_whatever_the_arguments() {
    for args in [r#"{"price_list":"default","sku":"A","price":"1"}"#, "not json"] {
        let err = registry().validate(Role::Staff, "update_price", args).expect_err(args);
        assert_eq!(err, CallError::Forbidden { required: Role::Manager });
        assert_eq!(err.code(), "forbidden");
    }
    assert!(
        registry().validate(Role::Admin, "update_price", r#"{"price_list":"default","sku":"A","price":"1"}"#).is_ok()
    );
}
