//! One text per JSON value, so that equal values hash equally however their keys were ordered or
//! their text spaced (tool-call arguments, audit values). Written out by hand because serde_json's own key order depends on
//! a crate feature (`preserve_order`) that any crate in the build could switch on.

use serde_json::Value;

/// Compact JSON with object keys sorted by their UTF-8 bytes at every depth; strings escaped and
/// numbers printed exactly as serde_json prints them.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write(item, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::String(s) => write_string(s, out),
        // Scalars have one serde_json form already.
        Value::Null | Value::Bool(_) | Value::Number(_) => out.push_str(&value.to_string()),
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push_str(&Value::from(s).to_string());
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn keys_are_sorted_at_every_depth_without_whitespace() {
        let value: Value =
            serde_json::from_str(r#" { "b" : [ { "z": 1, "a": null } ], "a" : { "d": true, "c": "x" } } "#).unwrap();
        assert_eq!(canonical_json(&value), r#"{"a":{"c":"x","d":true},"b":[{"a":null,"z":1}]}"#);
    }

    #[test]
    fn array_order_is_kept() {
        assert_eq!(canonical_json(&json!([3, 1, 2])), "[3,1,2]");
    }

    #[test]
    fn strings_and_numbers_print_as_serde_json_prints_them() {
        let value = json!({"s": "quote \" backslash \\ newline \n tab \t é", "n": [1, -2, 1.5, 1e300]});
        let text = canonical_json(&value);
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value, "still the same JSON");
        assert!(text.contains(r#""quote \" backslash \\ newline \n tab \t é""#), "{text}");
        assert!(text.contains("[1,-2,1.5,1e+300]"), "{text}");
    }

    #[test]
    fn keys_sort_by_bytes_not_by_locale() {
        assert_eq!(canonical_json(&json!({"b": 1, "B": 2, "é": 3, "a": 4})), r#"{"B":2,"a":4,"b":1,"é":3}"#);
    }
}
