//! Audit entries and values as both adapters write and read them.

use chrono::{DateTime, NaiveDate, Utc};
use domain::audit::{Actor, Hash, NewAuditEntry};
use domain::{Error, Result};
use uuid::Uuid;

/// A record as an audit value.
fn json(record: &impl serde::Serialize) -> Result<serde_json::Value> {
    serde_json::to_value(record).map_err(Error::internal)
}

/// A change's entry: the record before it (`None`: created) and after it (`None`: deleted).
pub(crate) fn change_entry<T: serde::Serialize>(
    actor: &Actor,
    action: &str,
    target: String,
    (old, new): (Option<&T>, Option<&T>),
    now: DateTime<Utc>,
) -> Result<NewAuditEntry> {
    let entry = NewAuditEntry::new(actor, action, target, now);
    Ok(entry.with_change(old.map(json).transpose()?, new.map(json).transpose()?))
}

/// An import's one entry: which import (`catalog.import` → target `catalog`), how many rows.
pub(crate) fn import_entry(actor: &Actor, action: &str, rows: usize, now: DateTime<Utc>) -> NewAuditEntry {
    let target = action.split('.').next().unwrap_or(action);
    NewAuditEntry::new(actor, action, target, now).with_new(serde_json::json!({ "rows": rows }))
}

pub(crate) fn price_target(price_list: &str, sku: &str, effective_from: NaiveDate) -> String {
    format!("price:{price_list}/{sku}/{}", effective_from.format("%Y-%m-%d"))
}

pub(crate) fn mapping_target(customer: &str, wording: &str) -> String {
    format!("mapping:{customer}/{wording}")
}

pub(crate) fn oos_target(id: Uuid) -> String {
    format!("oos:{id}")
}

pub(crate) fn seq_of(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// A stored hash; one of the wrong length (tampering) reads as all zeros, which verification
/// then reports as a mismatch instead of failing the whole walk.
pub(crate) fn hash_of(bytes: &[u8]) -> Hash {
    Hash::from_slice(bytes).unwrap_or(Hash([0; 32]))
}

/// A listing's action filter as (exact action, family prefix): `price.` is a family.
pub(crate) fn action_filter(action: Option<&str>) -> (Option<&str>, Option<&str>) {
    match action {
        Some(a) if a.ends_with('.') => (None, Some(a)),
        other => (other, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_filters_read_as_documented() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(price_target("default", "A", day), "price:default/A/2026-01-01");
        assert_eq!(action_filter(Some("price.")), (None, Some("price.")));
        assert_eq!(action_filter(Some("price.update")), (Some("price.update"), None));
        let entry = import_entry(&Actor::system("t"), "catalog.import", 3, Utc::now());
        assert_eq!((entry.target.as_str(), entry.new), ("catalog", Some(serde_json::json!({"rows": 3}))));
        assert_eq!(hash_of(b"short"), Hash([0; 32]));
    }
}
