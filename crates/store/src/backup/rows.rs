//! One row as a line of an archive's table member: a JSON object with exactly the table's
//! columns, each value in its kind's neutral form (see [`Kind`]). Decoding is strict: a missing,
//! extra or mistyped column, or a null in a NOT NULL column, refuses the row. Error messages name
//! the column, never the value (rows hold password hashes and customer data).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{Map, Value};

use super::schema::{Kind, Table};

/// A value read from one backend or from an archive, ready to be bound on the other.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Uuid(uuid::Uuid),
    /// Text, and JSON documents as their text.
    Text(String),
    Int(i64),
    Bool(bool),
    Time(DateTime<Utc>),
    Day(NaiveDate),
    Bytes(Vec<u8>),
}

impl Cell {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Cell::Int(n) => Some(*n),
            _ => None,
        }
    }
}

fn to_json(cell: &Cell) -> Value {
    match cell {
        Cell::Null => Value::Null,
        Cell::Uuid(id) => Value::String(id.hyphenated().to_string()),
        Cell::Text(s) => Value::String(s.clone()),
        Cell::Int(n) => Value::from(*n),
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Time(t) => Value::String(t.to_rfc3339_opts(SecondsFormat::Micros, true)),
        Cell::Day(d) => Value::String(d.format("%Y-%m-%d").to_string()),
        Cell::Bytes(b) => Value::String(hex::encode(b)),
    }
}

/// The row as one line, newline included.
pub(crate) fn encode(table: &Table, cells: &[Cell]) -> Vec<u8> {
    let object: Map<String, Value> =
        table.columns.iter().zip(cells).map(|(column, cell)| (column.name.to_owned(), to_json(cell))).collect();
    let mut line = serde_json::to_vec(&Value::Object(object)).unwrap_or_default();
    line.push(b'\n');
    line
}

/// Parses one line (without its newline) into the table's cells, in column order.
pub(crate) fn decode(table: &Table, line: &[u8]) -> Result<Vec<Cell>, String> {
    let Value::Object(mut object) = serde_json::from_slice(line).map_err(|_| "not a JSON object".to_owned())? else {
        return Err("not a JSON object".into());
    };
    if object.len() != table.columns.len() {
        return Err(format!("expected the {} columns of {}", table.columns.len(), table.name));
    }
    let mut cells = Vec::with_capacity(table.columns.len());
    for column in table.columns {
        let value = object.remove(column.name).ok_or_else(|| format!("column {} is missing", column.name))?;
        let cell = if value.is_null() {
            if !column.nullable {
                return Err(format!("column {} must not be null", column.name));
            }
            Cell::Null
        } else {
            from_json(column.kind, value)
                .ok_or_else(|| format!("column {}: not a valid {:?}", column.name, column.kind))?
        };
        cells.push(cell);
    }
    Ok(cells)
}

fn from_json(kind: Kind, value: Value) -> Option<Cell> {
    if let Kind::Int = kind {
        return value.as_i64().map(Cell::Int);
    }
    if let Kind::Bool = kind {
        return value.as_bool().map(Cell::Bool);
    }
    let Value::String(text) = value else { return None };
    match kind {
        Kind::Text => Some(Cell::Text(text)),
        Kind::Json => serde_json::from_str::<serde::de::IgnoredAny>(&text).ok().map(|_| Cell::Text(text)),
        Kind::Uuid => uuid::Uuid::try_parse(&text).ok().map(Cell::Uuid),
        Kind::Time => DateTime::parse_from_rfc3339(&text).ok().map(|t| Cell::Time(t.with_timezone(&Utc))),
        Kind::Day => NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok().map(Cell::Day),
        Kind::Bytes => hex::decode(&text).ok().map(Cell::Bytes),
        Kind::Int | Kind::Bool => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::schema::table_named;
    use super::*;

    #[test]
    fn a_row_round_trips_through_its_line() {
        let table = table_named("api_keys").unwrap();
        let cells = vec![
            Cell::Uuid(uuid::Uuid::now_v7()),
            Cell::Text("ci \"bot\"\n".into()),
            Cell::Bytes(vec![0, 1, 0xfe]),
            Cell::Text("atk_abc".into()),
            Cell::Text("staff".into()),
            Cell::Time(DateTime::parse_from_rfc3339("2026-01-02T03:04:05.123456Z").unwrap().with_timezone(&Utc)),
            Cell::Null,
            Cell::Null,
        ];
        let line = encode(table, &cells);
        assert!(line.ends_with(b"\n") && !line[..line.len() - 1].contains(&b'\n'), "one line");
        assert_eq!(decode(table, &line[..line.len() - 1]).unwrap(), cells);
    }

    #[test]
    fn bad_rows_are_refused_naming_the_column_not_the_value() {
        let table = table_named("users").unwrap();
        let good = r#"{"id":"0190a0a0-0000-7000-8000-000000000001","username":"ana","username_key":"ana","password_hash":"$argon2id$secret","role":"admin","disabled":false,"created_at":"2026-01-01T00:00:00.000000Z"}"#;
        assert!(decode(table, good.as_bytes()).is_ok());
        for (bad, expected) in [
            (good.replace(r#""disabled":false"#, r#""disabled":0"#), "column disabled"),
            (good.replace(r#""role":"admin""#, r#""role":null"#), "column role must not be null"),
            (good.replace(r#","role":"admin""#, ""), "columns of users"),
            (good.replace("0190a0a0-0000-7000-8000-000000000001", "nope"), "column id"),
            (good.replace("2026-01-01T00:00:00.000000Z", "yesterday"), "column created_at"),
            ("[1,2]".to_owned(), "not a JSON object"),
        ] {
            let err = decode(table, bad.as_bytes()).unwrap_err();
            assert!(err.contains(expected), "{err}");
            assert!(!err.contains("secret"), "no value in the message: {err}");
        }
    }

    #[test]
    fn json_columns_must_hold_json_text() {
        let table = table_named("items").unwrap();
        let line = |aliases: &str| {
            format!(
                r#"{{"sku":"A","name":"n","brand":null,"category":null,"unit":null,"barcode":null,"aliases":{aliases},"updated_at":"2026-01-01T00:00:00Z"}}"#
            )
        };
        assert!(decode(table, line(r#""[\"x\"]""#).as_bytes()).is_ok());
        assert!(decode(table, line(r#""[unclosed""#).as_bytes()).is_err());
        assert!(decode(table, line(r#"["x"]"#).as_bytes()).is_err(), "the text, not the document");
    }
}
