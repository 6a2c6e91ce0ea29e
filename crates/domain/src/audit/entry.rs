use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::canonical::{GENESIS_HASH, Hash, canonical_json, hash_entry};
use crate::{Error, Principal, PrincipalKind, Result};

/// Caps on what one entry may hold; larger values are refused, not cut.
const MAX_LABEL_CHARS: usize = 200;
const MAX_JSON_BYTES: usize = 64 * 1024;

/// Who did it: an id, a kind (`user`, `api_key`, `system`) and a display name, kept as they were
/// at the time (a renamed user does not rewrite history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub id: Uuid,
    pub kind: String,
    pub name: String,
}

impl Actor {
    pub fn from_principal(principal: &Principal) -> Self {
        let kind = match principal.kind {
            PrincipalKind::User => "user",
            PrincipalKind::ApiKey => "api_key",
        };
        Actor { id: principal.id, kind: kind.into(), name: principal.name.clone() }
    }

    /// The server itself (sweepers, imports run at start-up).
    pub fn system(name: &str) -> Self {
        Actor { id: Uuid::nil(), kind: "system".into(), name: name.into() }
    }
}

/// An entry before the store numbers and chains it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    pub at: DateTime<Utc>,
    pub actor: Actor,
    /// See [`super::action`].
    pub action: String,
    /// What was acted on, e.g. `price:default/AQ-600/2026-01-01`.
    pub target: String,
    pub old: Option<serde_json::Value>,
    pub new: Option<serde_json::Value>,
}

impl NewAuditEntry {
    pub fn new(actor: &Actor, action: &str, target: impl Into<String>, at: DateTime<Utc>) -> Self {
        NewAuditEntry { at, actor: actor.clone(), action: action.into(), target: target.into(), old: None, new: None }
    }

    /// The states before and after a change; `None` where there was none (created, deleted).
    pub fn with_change(mut self, old: Option<serde_json::Value>, new: Option<serde_json::Value>) -> Self {
        self.old = old;
        self.new = new;
        self
    }

    /// The state before the change.
    pub fn with_old(mut self, value: serde_json::Value) -> Self {
        self.old = Some(value);
        self
    }

    /// The state after the change.
    pub fn with_new(mut self, value: serde_json::Value) -> Self {
        self.new = Some(value);
        self
    }

    /// Numbers and chains the entry after `head` (none: the first entry). The time is kept to
    /// the millisecond, as stored, so the hash computed now is the one verification recomputes.
    pub fn seal(&self, head: Option<&AuditHead>) -> Result<AuditEntry> {
        for (field, value) in [
            ("actor kind", &self.actor.kind),
            ("actor name", &self.actor.name),
            ("action", &self.action),
            ("target", &self.target),
        ] {
            if value.is_empty() || value.chars().count() > MAX_LABEL_CHARS {
                return Err(Error::validation(format!("audit {field}: 1 to {MAX_LABEL_CHARS} characters")));
            }
        }
        let old = self.old.as_ref().map(canonical_json);
        let new = self.new.as_ref().map(canonical_json);
        if [&old, &new].into_iter().flatten().any(|text| text.len() > MAX_JSON_BYTES) {
            return Err(Error::validation(format!("audit values: at most {MAX_JSON_BYTES} bytes each")));
        }
        let at = Utc
            .timestamp_millis_opt(self.at.timestamp_millis())
            .single()
            .ok_or_else(|| Error::validation("audit time out of range"))?;
        let (seq, prev_hash) = match head {
            Some(h) => (h.seq + 1, h.hash),
            None => (1, GENESIS_HASH),
        };
        let mut entry = AuditEntry {
            seq,
            at,
            actor: self.actor.clone(),
            action: self.action.clone(),
            target: self.target.clone(),
            old,
            new,
            prev_hash,
            hash: GENESIS_HASH,
        };
        entry.hash = entry.compute_hash();
        Ok(entry)
    }
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// 1, 2, 3, … with no gaps.
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub action: String,
    pub target: String,
    /// Canonical JSON text, exactly as hashed and stored: verification hashes these bytes, never
    /// a re-serialisation (floats, for one, need not survive a parse and write unchanged).
    #[serde(serialize_with = "as_json")]
    pub old: Option<String>,
    #[serde(serialize_with = "as_json")]
    pub new: Option<String>,
    pub prev_hash: Hash,
    pub hash: Hash,
}

impl AuditEntry {
    /// The hash this entry should carry, from its other fields.
    pub fn compute_hash(&self) -> Hash {
        hash_entry(self)
    }

    pub fn head(&self) -> AuditHead {
        AuditHead { seq: self.seq, hash: self.hash }
    }

    /// The old value, parsed (`None` when null or not JSON).
    pub fn old_value(&self) -> Option<serde_json::Value> {
        self.old.as_deref().and_then(|t| serde_json::from_str(t).ok())
    }

    pub fn new_value(&self) -> Option<serde_json::Value> {
        self.new.as_deref().and_then(|t| serde_json::from_str(t).ok())
    }
}

/// Shows a stored value as JSON in API answers; text that is not JSON (tampering) as a string.
fn as_json<S: serde::Serializer>(text: &Option<String>, serializer: S) -> Result<S::Ok, S::Error> {
    match text.as_deref().map(|t| serde_json::from_str::<serde_json::Value>(t).map_err(|_| t)) {
        None => serializer.serialize_none(),
        Some(Ok(value)) => value.serialize(serializer),
        Some(Err(raw)) => serializer.serialize_str(raw),
    }
}

/// The newest entry's seq and hash, kept beside the log: deleting the newest entries leaves a
/// head that no longer matches the last entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AuditHead {
    pub seq: u64,
    pub hash: Hash,
}
