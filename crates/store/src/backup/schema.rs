//! What an archive holds: every table of the schema, in an order that satisfies its foreign keys,
//! each column with a backend-neutral kind. Both backends' migrations must match this list (a
//! test compares it with the columns of freshly migrated databases), so a migration that adds a
//! table or a column fails that test until the column is listed here.

/// How a value is written in an archive (JSON, one object per row) and bound on each backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A UUID, as a hyphenated string (SQLite: a 16-byte blob; PostgreSQL: uuid).
    Uuid,
    Text,
    /// A 64-bit integer, as a JSON number.
    Int,
    /// SQLite: 0/1; PostgreSQL: boolean.
    Bool,
    /// An instant, as RFC 3339 UTC with microseconds (SQLite keeps milliseconds).
    Time,
    /// A calendar day, `YYYY-MM-DD`.
    Day,
    /// Bytes (hashes, embedding vectors), as lower-case hex.
    Bytes,
    /// A JSON document, as its text (SQLite: TEXT as written; PostgreSQL: jsonb).
    Json,
}

#[derive(Debug)]
pub(crate) struct Column {
    pub name: &'static str,
    pub kind: Kind,
    pub nullable: bool,
}

#[derive(Debug)]
pub(crate) struct Table {
    pub name: &'static str,
    pub columns: &'static [Column],
    /// The primary key: rows are written in this order, so a backup of the same data is the
    /// same bytes (text keys compare byte-wise on both backends).
    pub key: &'static [&'static str],
    /// Migrations insert rows here (`catalog_meta`): a predicate matching exactly those, which
    /// an empty deployment may hold and a restore replaces.
    pub seed: Option<&'static str>,
}

impl Table {
    pub fn member(&self) -> String {
        format!("tables/{}.jsonl", self.name)
    }

    /// The columns, comma-separated, in order.
    pub fn columns_sql(&self) -> String {
        self.column_names().collect::<Vec<_>>().join(", ")
    }

    pub fn column_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns.iter().map(|c| c.name)
    }

    pub fn index_of(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == column)
    }

    /// Whether the table holds a row an empty deployment would not (an SQL condition).
    fn has_rows_sql(&self) -> String {
        match self.seed {
            Some(seed) => format!("EXISTS (SELECT 1 FROM {} WHERE NOT ({seed}))", self.name),
            None => format!("EXISTS (SELECT 1 FROM {})", self.name),
        }
    }

    /// How many rows one multi-row `INSERT` may carry under a limit of `max_binds` parameters.
    pub fn rows_per_insert(&self, max_binds: usize) -> usize {
        (max_binds / self.columns.len()).clamp(1, 500)
    }
}

/// Columns PostgreSQL has and SQLite does not: counters that SQLite derives from its single
/// writer. They are not archived; a restore into PostgreSQL recomputes them from the rows.
pub const DERIVED_ON_POSTGRES: &[(&str, &str)] = &[("runs", "event_seq"), ("chat_sessions", "message_seq")];

const fn col(name: &'static str, kind: Kind) -> Column {
    Column { name, kind, nullable: false }
}

const fn opt(name: &'static str, kind: Kind) -> Column {
    Column { name, kind, nullable: true }
}

const fn table(name: &'static str, key: &'static [&'static str], columns: &'static [Column]) -> Table {
    Table { name, columns, key, seed: None }
}

use Kind::{Bool, Bytes, Day, Int, Json, Text, Time, Uuid};

/// Every table, parents before children.
pub(crate) const TABLES: &[Table] = &[
    table(
        "users",
        &["id"],
        &[
            col("id", Uuid),
            col("username", Text),
            col("username_key", Text),
            col("password_hash", Text),
            col("role", Text),
            col("disabled", Bool),
            col("created_at", Time),
        ],
    ),
    table(
        "login_sessions",
        &["id"],
        &[
            col("id", Uuid),
            col("user_id", Uuid),
            col("created_at", Time),
            col("expires_at", Time),
            opt("revoked_at", Time),
        ],
    ),
    table(
        "api_keys",
        &["id"],
        &[
            col("id", Uuid),
            col("name", Text),
            col("key_hash", Bytes),
            col("prefix", Text),
            col("role", Text),
            col("created_at", Time),
            opt("expires_at", Time),
            opt("revoked_at", Time),
        ],
    ),
    table(
        "login_throttle",
        &["key"],
        &[col("key", Text), col("failures", Int), col("window_start", Time), opt("locked_until", Time)],
    ),
    table(
        "uploads",
        &["id"],
        &[
            col("id", Uuid),
            col("owner_id", Uuid),
            col("filename", Text),
            col("size", Int),
            col("content_type", Text),
            col("kind", Text),
            col("sha256", Text),
            col("object_key", Text),
            col("created_at", Time),
        ],
    ),
    table(
        "runs",
        &["id"],
        &[
            col("id", Uuid),
            col("owner_id", Uuid),
            opt("session_id", Uuid),
            col("task", Text),
            col("input", Json),
            col("status", Text),
            opt("checkpoint", Json),
            opt("progress", Json),
            opt("question", Json),
            opt("result", Json),
            opt("error_code", Text),
            opt("lease_owner", Text),
            opt("lease_until", Time),
            col("attempts", Int),
            opt("expires_at", Time),
            col("created_at", Time),
            col("updated_at", Time),
        ],
    ),
    table(
        "run_events",
        &["run_id", "seq"],
        &[col("run_id", Uuid), col("seq", Int), col("kind", Text), col("data", Json), col("created_at", Time)],
    ),
    table(
        "run_effects",
        &["idempotency_key"],
        &[col("idempotency_key", Text), col("run_id", Uuid), col("result", Json), col("created_at", Time)],
    ),
    table(
        "ws_tickets",
        &["ticket_hash"],
        &[
            col("ticket_hash", Bytes),
            col("principal_id", Uuid),
            col("principal_kind", Text),
            col("credential_id", Uuid),
            col("expires_at", Time),
            opt("used_at", Time),
        ],
    ),
    table(
        "chat_sessions",
        &["id"],
        &[
            col("id", Uuid),
            col("owner_id", Uuid),
            col("mode", Text),
            opt("title", Text),
            col("created_at", Time),
            col("updated_at", Time),
        ],
    ),
    table(
        "chat_messages",
        &["session_id", "seq"],
        &[
            col("session_id", Uuid),
            col("seq", Int),
            col("role", Text),
            col("content", Text),
            opt("meta", Json),
            col("created_at", Time),
        ],
    ),
    table("llm_usage", &["principal_id", "day"], &[col("principal_id", Uuid), col("day", Day), col("tokens", Int)]),
    table(
        "items",
        &["sku"],
        &[
            col("sku", Text),
            col("name", Text),
            opt("brand", Text),
            opt("category", Text),
            opt("unit", Text),
            opt("barcode", Text),
            col("aliases", Json),
            col("updated_at", Time),
        ],
    ),
    table(
        "stock",
        &["sku", "warehouse"],
        &[col("sku", Text), col("warehouse", Text), col("quantity", Int), col("updated_at", Time)],
    ),
    table(
        "item_vectors",
        &["sku", "model"],
        &[col("sku", Text), col("model", Text), col("text_hash", Bytes), col("vector", Bytes), col("updated_at", Time)],
    ),
    Table {
        name: "catalog_meta",
        columns: &[col("id", Int), col("version", Int)],
        key: &["id"],
        seed: Some("id = 1 AND version = 0"),
    },
    table("price_lists", &["name"], &[col("name", Text), col("created_at", Time)]),
    table(
        "prices",
        &["price_list", "sku", "effective_from"],
        &[
            col("price_list", Text),
            col("sku", Text),
            col("effective_from", Day),
            col("amount", Int),
            col("version", Int),
            col("updated_at", Time),
        ],
    ),
    table(
        "customers",
        &["code"],
        &[
            col("code", Text),
            col("name", Text),
            opt("price_list", Text),
            opt("salesperson", Text),
            col("updated_at", Time),
        ],
    ),
    table(
        "mappings",
        &["customer", "wording"],
        &[
            col("customer", Text),
            col("wording", Text),
            col("sku", Text),
            col("source", Text),
            col("created_at", Time),
            col("updated_at", Time),
        ],
    ),
    table(
        "oos",
        &["id"],
        &[
            col("id", Uuid),
            col("customer", Text),
            col("sku", Text),
            col("day", Day),
            col("quantity", Int),
            opt("note", Text),
            col("status", Text),
            opt("resolution", Text),
            col("created_at", Time),
            col("updated_at", Time),
            opt("resolved_at", Time),
        ],
    ),
    table(
        "oos_requests",
        &["idempotency_key"],
        &[col("idempotency_key", Text), col("oos_id", Uuid), col("created_at", Time)],
    ),
    table(
        "sales",
        &["id"],
        &[
            col("id", Int),
            col("day", Day),
            col("customer", Text),
            col("sku", Text),
            col("quantity", Int),
            col("unit_price", Int),
            col("amount", Int),
            opt("salesperson", Text),
            opt("invoice", Text),
            col("created_at", Time),
        ],
    ),
    // The audit log's columns are copied verbatim: `old` and `new` are the hashed text, so they
    // are Text here, never re-encoded JSON.
    table(
        "audit_log",
        &["seq"],
        &[
            col("seq", Int),
            col("at", Time),
            col("actor_id", Uuid),
            col("actor_kind", Text),
            col("actor_name", Text),
            col("action", Text),
            col("target", Text),
            opt("old", Text),
            opt("new", Text),
            col("prev_hash", Bytes),
            col("hash", Bytes),
        ],
    ),
    table("audit_head", &["id"], &[col("id", Int), col("seq", Int), col("hash", Bytes)]),
    // `arguments` is the exact text the approval's hash was computed over.
    table(
        "approvals",
        &["id"],
        &[
            col("id", Uuid),
            col("owner_id", Uuid),
            col("scope", Text),
            col("tool", Text),
            col("arguments", Text),
            col("args_hash", Text),
            col("status", Text),
            col("created_at", Time),
            col("expires_at", Time),
            opt("approver_id", Uuid),
            opt("approver_role", Text),
            opt("decided_at", Time),
            opt("used_at", Time),
        ],
    ),
];

/// One query answering the name of the first archived table, among those that exist, that holds
/// a row an empty deployment would not; `None` when no archived table exists yet.
pub(crate) fn first_non_empty_sql(existing: &[String]) -> Option<String> {
    let checks: Vec<String> = TABLES
        .iter()
        .enumerate()
        .filter(|(_, t)| existing.iter().any(|name| name == t.name))
        .map(|(i, t)| format!("SELECT {i} AS pos, '{}' AS name WHERE {}", t.name, t.has_rows_sql()))
        .collect();
    (!checks.is_empty())
        .then(|| format!("SELECT name FROM ({}) AS found ORDER BY pos LIMIT 1", checks.join(" UNION ALL ")))
}

pub(crate) fn table_named(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// Every archived table with its columns, in archive order (for tests and tools).
pub fn archived_tables() -> impl Iterator<Item = (&'static str, Vec<&'static str>)> {
    TABLES.iter().map(|t| (t.name, t.column_names().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_column_exists_and_names_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for table in TABLES {
            assert!(seen.insert(table.name), "{} twice", table.name);
            for key in table.key {
                assert!(table.index_of(key).is_some(), "{}.{key}", table.name);
            }
        }
    }
}
