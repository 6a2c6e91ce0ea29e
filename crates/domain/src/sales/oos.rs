//! Out-of-stock registrations: a customer asked for an item we could not deliver. At most one
//! open registration per (customer, item, day); a repeat adds its quantity to that one. A request
//! that carries an idempotency key is applied once: a replay (a Work run resumed after a crash)
//! gets the registration it made the first time and adds nothing.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::exact::quantity_minor;
use super::limits::{MAX_CODE_CHARS, MAX_NOTE_CHARS};
use super::text::{optional, required};
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OosStatus {
    Open,
    Resolved,
}

impl OosStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OosStatus::Open => "open",
            OosStatus::Resolved => "resolved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [OosStatus::Open, OosStatus::Resolved].into_iter().find(|m| m.as_str() == s)
    }
}

/// The longest idempotency key a registration may carry.
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOos {
    /// The id a new registration gets (UUIDv7, so ids sort by creation); a repeat keeps the
    /// existing registration's id.
    pub id: Uuid,
    pub customer: String,
    pub sku: String,
    /// The business day the request was for.
    pub day: NaiveDate,
    pub quantity: Decimal,
    pub note: Option<String>,
    /// Names this request: a second request with the same key changes nothing and gets the
    /// registration the first one made. `None`: every request counts.
    pub idempotency_key: Option<String>,
}

impl NewOos {
    pub fn clean(&self) -> Result<NewOos> {
        if self.quantity <= Decimal::ZERO {
            return Err(Error::validation("quantity: must be more than zero"));
        }
        quantity_minor("quantity", self.quantity)?;
        Ok(NewOos {
            id: self.id,
            customer: required("customer", &self.customer, MAX_CODE_CHARS)?,
            sku: required("sku", &self.sku, MAX_CODE_CHARS)?,
            day: self.day,
            quantity: self.quantity.normalize(),
            note: optional("note", self.note.as_deref(), MAX_NOTE_CHARS)?,
            idempotency_key: self
                .idempotency_key
                .as_deref()
                .map(|key| required("idempotency_key", key, MAX_IDEMPOTENCY_KEY_CHARS))
                .transpose()?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Oos {
    pub id: Uuid,
    pub customer: String,
    pub sku: String,
    pub day: NaiveDate,
    pub quantity: Decimal,
    pub note: Option<String>,
    pub status: OosStatus,
    pub resolution: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

impl Oos {
    /// A resolution note as it will be stored: blank is none, otherwise capped like any note.
    pub fn clean_resolution(note: Option<&str>) -> Result<Option<String>> {
        optional("resolution", note, MAX_NOTE_CHARS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantity_must_be_positive_and_exact_to_thousandths() {
        let oos = |q: Decimal| NewOos {
            id: Uuid::now_v7(),
            customer: "C1".into(),
            sku: "A".into(),
            day: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            quantity: q,
            note: None,
            idempotency_key: None,
        };
        assert!(oos(Decimal::ZERO).clean().is_err());
        assert!(oos(Decimal::new(-2, 0)).clean().is_err());
        assert!(oos(Decimal::new(1, 4)).clean().is_err());
        assert_eq!(oos(Decimal::new(2500, 3)).clean().unwrap().quantity, Decimal::new(25, 1));
        assert_eq!(OosStatus::parse("open"), Some(OosStatus::Open));
        assert!(Oos::clean_resolution(Some(&"x".repeat(MAX_NOTE_CHARS + 1))).is_err());
    }

    #[test]
    fn idempotency_keys_are_capped_and_never_blank() {
        let oos = |key: Option<String>| NewOos {
            id: Uuid::now_v7(),
            customer: "C1".into(),
            sku: "A".into(),
            day: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            quantity: Decimal::ONE,
            note: None,
            idempotency_key: key,
        };
        let key = |k: &str| oos(Some(k.into())).clean().map(|o| o.idempotency_key);
        assert_eq!(key(" run:1/step:3 ").unwrap().as_deref(), Some("run:1/step:3"));
        assert!(key(&"k".repeat(MAX_IDEMPOTENCY_KEY_CHARS)).is_ok());
        assert!(key(&"k".repeat(MAX_IDEMPOTENCY_KEY_CHARS + 1)).is_err());
        assert!(key("  ").is_err(), "a blank key is a caller's mistake, not no key");
        assert!(key("a\nb").is_err());
        assert_eq!(oos(None).clean().unwrap().idempotency_key, None);
    }
}
