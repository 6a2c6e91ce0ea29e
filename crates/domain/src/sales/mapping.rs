//! What a customer's wording means: "aqua 600 dus" from Toko Maju is SKU AQ-600. Stored under the
//! normalised wording, unique per (customer, wording).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::limits::{MAX_CODE_CHARS, MAX_WORDING_CHARS};
use super::text::{normalize_wording, required};
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MappingSource {
    /// Set by a person.
    Manual,
    /// Learned from a confirmed match.
    Learned,
}

impl MappingSource {
    pub fn as_str(self) -> &'static str {
        match self {
            MappingSource::Manual => "manual",
            MappingSource::Learned => "learned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [MappingSource::Manual, MappingSource::Learned].into_iter().find(|m| m.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NewMapping {
    pub customer: String,
    /// As the customer wrote it; [`NewMapping::clean`] normalises it.
    pub wording: String,
    pub sku: String,
    pub source: MappingSource,
}

impl NewMapping {
    pub fn clean(&self) -> Result<NewMapping> {
        let wording = normalize_wording(&self.wording);
        if wording.is_empty() {
            return Err(Error::validation("wording: must not be empty"));
        }
        Ok(NewMapping {
            customer: required("customer", &self.customer, MAX_CODE_CHARS)?,
            wording: required("wording", &wording, MAX_WORDING_CHARS)?,
            sku: required("sku", &self.sku, MAX_CODE_CHARS)?,
            source: self.source,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapping {
    pub customer: String,
    /// Normalised.
    pub wording: String,
    pub sku: String,
    pub source: MappingSource,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording_is_stored_normalised_and_never_blank() {
        let m = NewMapping {
            customer: "C1".into(),
            wording: "  AQUA   600 Dus ".into(),
            sku: "AQ-600".into(),
            source: MappingSource::Learned,
        };
        assert_eq!(m.clean().unwrap().wording, "aqua 600 dus");
        let blank = NewMapping { wording: " \u{3000} ".into(), ..m };
        assert!(blank.clean().is_err());
        assert_eq!(MappingSource::parse("learned"), Some(MappingSource::Learned));
        assert_eq!(MappingSource::parse("Learned"), None);
    }
}
