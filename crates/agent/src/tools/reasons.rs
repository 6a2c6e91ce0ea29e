//! Validation failures in our own words. The validator's messages quote the offending value, and
//! that value is untrusted text (it may carry instructions aimed at the model or at a person
//! reading a log), so each reason is rebuilt from where the failure is and which rule failed.
//! Limits and allowed values come from our schema and may be repeated; the instance may not.

use std::collections::BTreeSet;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::{ValidationError, paths::Location};
use serde_json::Value;

use super::canonical_json;

pub(super) const MAX_REASONS: usize = 5;
pub(super) const MAX_REASON_CHARS: usize = 200;

/// Every property name the schema itself declares (under `properties` or `required`, at any
/// depth): the only object keys a reason may repeat. Other keys in a path were chosen by the model.
pub(super) fn declared_names(schema: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    collect(schema, &mut names);
    names
}

fn collect(schema: &Value, names: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                names.extend(properties.keys().cloned());
            }
            if let Some(Value::Array(required)) = map.get("required") {
                names.extend(required.iter().filter_map(Value::as_str).map(str::to_owned));
            }
            map.values().for_each(|v| collect(v, names));
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, names)),
        _ => {}
    }
}

/// One reason: `<where> <what is wrong>`, at most [`MAX_REASON_CHARS`] characters.
pub(super) fn describe(error: &ValidationError<'_>, declared: &BTreeSet<String>) -> String {
    let text = format!("{} {}", place(error.instance_path(), declared), rule(error.kind(), declared));
    truncate(text, MAX_REASON_CHARS)
}

/// A JSON pointer into the arguments, with keys the schema does not declare shown as `*`.
fn place(path: &Location, declared: &BTreeSet<String>) -> String {
    let mut segments = path.segments().peekable();
    if segments.peek().is_none() {
        return "the top level".to_owned();
    }
    let mut out = String::from("`");
    for segment in segments {
        out.push('/');
        match segment {
            LocationSegment::Property(key) if declared.contains(key.as_ref()) => out.push_str(&key),
            LocationSegment::Property(_) => out.push('*'),
            LocationSegment::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out.push('`');
    out
}

fn rule(kind: &ValidationErrorKind, declared: &BTreeSet<String>) -> String {
    use ValidationErrorKind as K;
    match kind {
        K::Type { kind } => format!("must be of type {}", type_names(kind)),
        K::Required { property } => match property.as_str().filter(|p| declared.contains(*p)) {
            Some(name) => format!("is missing the required property `{name}`"),
            None => "is missing a required property".to_owned(),
        },
        // The unexpected names are the model's; count them, do not repeat them.
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            format!("has {} propert{} the schema does not allow", unexpected.len(), plural_y(unexpected.len()))
        }
        K::AdditionalItems { .. } | K::UnevaluatedItems { .. } => "has more items than the schema allows".to_owned(),
        K::Enum { options } => format!("must be one of {}", canonical_json(options)),
        K::Constant { expected_value } => format!("must be exactly {}", canonical_json(expected_value)),
        K::Minimum { limit } => format!("must be at least {limit}"),
        K::Maximum { limit } => format!("must be at most {limit}"),
        K::ExclusiveMinimum { limit } => format!("must be greater than {limit}"),
        K::ExclusiveMaximum { limit } => format!("must be less than {limit}"),
        K::MultipleOf { multiple_of } => format!("must be a multiple of {multiple_of}"),
        K::MinLength { limit } => format!("must be at least {limit} characters long"),
        K::MaxLength { limit } => format!("must be at most {limit} characters long"),
        K::MinItems { limit } => format!("must have at least {limit} items"),
        K::MaxItems { limit } => format!("must have at most {limit} items"),
        K::MinProperties { limit } => format!("must have at least {limit} properties"),
        K::MaxProperties { limit } => format!("must have at most {limit} properties"),
        K::UniqueItems => "must not contain duplicate items".to_owned(),
        K::Pattern { .. } => "does not match the required pattern".to_owned(),
        K::Format { format } => format!("is not a valid {format}"),
        K::AnyOf { .. } | K::OneOfNotValid { .. } => "matches none of the allowed shapes".to_owned(),
        K::OneOfMultipleValid { .. } => "matches more than one of the allowed shapes".to_owned(),
        K::Not { .. } => "matches a shape that is not allowed".to_owned(),
        K::FalseSchema => "is not allowed here".to_owned(),
        K::Contains => "contains no item of the required shape".to_owned(),
        K::PropertyNames { .. } => "has a property name that is not allowed".to_owned(),
        other => format!("breaks the schema's `{}` rule", other.keyword()),
    }
}

fn type_names(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(t) => t.as_str().to_owned(),
        TypeKind::Multiple(set) => set.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(" or "),
    }
}

fn plural_y(n: usize) -> &'static str {
    if n == 1 { "y" } else { "ies" }
}

fn truncate(text: String, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text;
    }
    let mut cut: String = text.chars().take(max_chars - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn declared_names_come_from_properties_and_required_at_any_depth() {
        let schema = json!({
            "type": "object",
            "required": ["customer"],
            "properties": {"lines": {"type": "array", "items": {"properties": {"sku": {}}, "required": ["qty"]}}}
        });
        let names: Vec<String> = declared_names(&schema).into_iter().collect();
        assert_eq!(names, ["customer", "lines", "qty", "sku"]);
    }

    #[test]
    fn long_reasons_are_cut_to_200_characters() {
        let cut = truncate("é".repeat(500), MAX_REASON_CHARS);
        assert_eq!(cut.chars().count(), MAX_REASON_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(truncate("short".into(), MAX_REASON_CHARS), "short");
    }
}
